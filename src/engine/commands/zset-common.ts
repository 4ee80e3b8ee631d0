/**
 * Helpers shared by the sorted-set family's files (zset.ts, zset-range.ts,
 * zset-algebra.ts): lookups with the type check, the listpack limits, storing a computed
 * set the way Redis's store commands do, deleting an emptied set, replies of members with
 * scores, and the key specs of numkeys commands.
 */
import type { KeySpec } from '../command.js';
import type { CommandContext } from '../context.js';
import { Errors, fail } from '../errors.js';
import type { ZsetEntry } from '../keyspace.js';
import { Notify } from '../notify.js';
import { parseInt64 } from '../parse.js';
import { formatScore } from '../parse-score.js';
import type { RawReply } from '../reply.js';
import { shrinkIfFits, type ListpackLimits } from '../types/zset.js';

/** The zset at `key` for reading, or undefined; WRONGTYPE for another type. */
export function readZset(ctx: CommandContext, key: string): ZsetEntry | undefined {
  const entry = ctx.lookupRead(key);
  ctx.checkType(entry, 'zset');
  return entry;
}

/** The zset at `key` for writing, or undefined; WRONGTYPE for another type. */
export function writeZset(ctx: CommandContext, key: string): ZsetEntry | undefined {
  const entry = ctx.lookupWrite(key);
  ctx.checkType(entry, 'zset');
  return entry;
}

/** zset-max-listpack-entries / -value, as configured now. */
export function listpackLimits(ctx: CommandContext): ListpackLimits {
  const config = ctx.engine.config;
  return { entries: Number(config.get('zset-max-listpack-entries')), value: Number(config.get('zset-max-listpack-value')) };
}

/**
 * Delete the zset at `key` once a removal emptied it, with Redis's `del` event (sent after
 * the command's own event, as Redis does). True when it was deleted.
 */
export function deleteIfEmpty(ctx: CommandContext, key: string, entry: ZsetEntry): boolean {
  if (entry.value.size !== 0) return false;
  ctx.db.delete(key);
  ctx.engine.notify(Notify.generic, 'del', key);
  return true;
}

/**
 * Store a computed sorted set at `dst` (redis: the tail of zunionInterDiffGenericCommand
 * and zrangeResultFinalizeStore). A non-empty result replaces whatever `dst` held,
 * TTL included, shrunk to a listpack when it fits, and publishes `event`; an empty one
 * deletes `dst` (with a `del` event when it existed). Returns the stored size.
 */
export function storeZset(ctx: CommandContext, dst: string, entry: ZsetEntry, event: string, shrink: boolean): number {
  const existed = ctx.lookupWrite(dst) !== undefined;
  const size = entry.value.size;
  if (size === 0) {
    if (existed) {
      ctx.db.delete(dst);
      ctx.modified(dst, Notify.generic, 'del');
    }
    return 0;
  }
  if (shrink) shrinkIfFits(entry, listpackLimits(ctx));
  if (existed) ctx.db.set(dst, entry);
  else ctx.addKey(dst, entry);
  ctx.modified(dst, Notify.zset, event);
  return size;
}

/** Append a member, and its score when asked, to a flat RESP2 reply. */
export function pushMember(out: RawReply[], member: string, score: number, withScores: boolean): void {
  out.push(member);
  if (withScores) out.push(formatScore(score));
}

/**
 * Parse a numkeys argument the way the algebra commands do (getLongFromObjectOrReply):
 * an int64, else `ERR value is not an integer or out of range`.
 */
export function parseNumkeysOrThrow(arg: string): number {
  const n = parseInt64(arg);
  if (n === null) fail(Errors.notInteger);
  return Number(n);
}

/**
 * Key positions of `cmd [dst] numkeys key…` for COMMAND GETKEYS (redis: genericGetKeys):
 * numkeys read with C atoi; none at all, not even `dst`, when it is below 1 or names more
 * keys than the line holds. `numkeysAt` is where numkeys is; `dst` adds position 1 first.
 */
export function numkeysPositions(argv: readonly string[], numkeysAt: number, dst: boolean): number[] {
  const digits = /^[\t\n\v\f\r ]*([+-]?\d+)/.exec(argv[numkeysAt] ?? '');
  const n = digits === null ? 0 : parseInt(digits[1]!, 10);
  if (n < 1 || n > argv.length - numkeysAt - 1) return [];
  const out: number[] = dst ? [1] : [];
  for (let i = 0; i < n; i++) out.push(numkeysAt + 1 + i);
  return out;
}

/** Key spec: numkeys at `begin` - 1's offset 0, keys after it (commands/*.json keynum). */
export function keynumSpec(flags: readonly string[], begin: number): KeySpec {
  return { flags, begin: { index: begin }, find: { keyNumIdx: 0, firstKey: 1, keyStep: 1 } };
}

/** Key spec of one key at `index`. */
export function keyAtSpec(flags: readonly string[], index: number): KeySpec {
  return { flags, begin: { index }, find: { lastKey: 0, keyStep: 1, limit: 0 } };
}
