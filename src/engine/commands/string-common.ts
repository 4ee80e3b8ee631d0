/**
 * Helpers shared by the string family's files: storing a string value the way Redis's
 * setKey / dbAdd / dbReplaceValue do, the size limit, option tokens and key specs.
 */
import type { KeySpec } from '../command.js';
import type { CommandContext } from '../context.js';
import { Errors, fail } from '../errors.js';
import type { Entry, StringEntry } from '../keyspace.js';
import { Notify } from '../notify.js';

/**
 * The longest string a JS engine can hold (V8: 2^29 - 24 UTF-16 units). Redis's own
 * limit is proto-max-bulk-len (512 MB by default); past this one we answer as if it
 * were exceeded rather than crash.
 */
const JS_STRING_LIMIT = 2 ** 29 - 24;

/**
 * Store `value` at `key`, replacing `old`, the value the caller's lookupWrite found there
 * (redis: setKey / dbAdd / dbReplaceValue). A new key publishes Redis's `new` event, as
 * dbAdd does. The caller counts the change (ctx.modified) and publishes the command's own
 * event.
 */
export function storeString(
  ctx: CommandContext,
  key: string,
  old: Entry | undefined,
  value: string,
  expireAt: number,
  encoding?: StringEntry['encoding'],
): void {
  if (old !== undefined && old.type === 'string') {
    ctx.db.overwriteString(key, old, value, expireAt, encoding);
    return;
  }
  const entry: StringEntry = { type: 'string', value, expireAt, access: 0, slot: 0 };
  if (encoding !== undefined) entry.encoding = encoding;
  ctx.db.set(key, entry);
  if (old === undefined) ctx.engine.notify(Notify.newKey, 'new', key);
}

/**
 * Throw unless a string of `size + append` bytes is allowed (redis: checkStringLength):
 * at most proto-max-bulk-len, and what a JS string can hold.
 */
export function checkStringLengthOrThrow(ctx: CommandContext, size: number | bigint, append: number): void {
  const total = Number(size) + append;
  const max = Number(ctx.engine.config.get('proto-max-bulk-len'));
  if (total > max || total > JS_STRING_LIMIT) fail(Errors.stringTooLong);
}

/**
 * An option argument as Redis compares it: C string semantics (the argument ends at its
 * first NUL byte), upper-cased for case-insensitive matching.
 */
export function optionToken(arg: string): string {
  const nul = arg.indexOf('\0');
  return (nul === -1 ? arg : arg.slice(0, nul)).toUpperCase();
}

/** The key spec of a one-key command at argv[1] with the given flags (commands/*.json). */
export function oneKeySpec(flags: readonly string[], notes?: string): readonly KeySpec[] {
  const spec: KeySpec = { flags, begin: { index: 1 }, find: { lastKey: 0, keyStep: 1, limit: 0 } };
  return [notes === undefined ? spec : { notes, ...spec }];
}
