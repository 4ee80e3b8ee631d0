/**
 * Differential runner for the hash and set families. Replies Redis leaves open are
 * compared by what Redis does promise:
 * - HKEYS/HVALS/HGETALL/SMEMBERS: exact order when Redis's encoding fixes it (listpack,
 *   intset; asked from the oracle), as sorted lists otherwise; SINTER/SUNION/SDIFF sorted;
 * - HRANDFIELD/SRANDMEMBER: same shape and length, our items members of our key
 *   (distinct for a positive count);
 * - SPOP: same shape and length; then our side is made equal to Redis's (SADD what we
 *   popped, SREM what Redis popped, and the encoding too: popping most of a set derives it
 *   afresh from what remains, which differs when different members remain) so the
 *   sequence goes on from the same state;
 * - `['HSCAN'|'SSCAN', key, 'FULL', ...options]`: a complete iteration on each side from
 *   cursor 0, compared as sorted sets of members (pairs for HSCAN).
 */
import { expect } from 'vitest';
import type { Connection } from '../../../src/engine/connection.js';
import { comparable, engineReply } from '../../support/redis-server.js';
import type { RespClient } from '../../support/resp.js';

type Side = (argv: readonly string[]) => Promise<unknown>;

const ORDERED_BY_ENCODING: Record<string, string> = {
  HKEYS: 'listpack', HVALS: 'listpack', HGETALL: 'listpack', SMEMBERS: 'intset', HSCAN: 'listpack', SSCAN: 'intset',
};
const UNORDERED = new Set(['HKEYS', 'HVALS', 'HGETALL', 'SMEMBERS', 'SINTER', 'SUNION', 'SDIFF']);
const RANDOM = new Set(['HRANDFIELD', 'SRANDMEMBER']);

function pairs(items: unknown[]): string[][] {
  const out: string[][] = [];
  for (let i = 0; i + 1 < items.length; i += 2) out.push([items[i] as string, items[i + 1] as string]);
  return out;
}

function sorted(name: string, reply: unknown): unknown {
  if (!Array.isArray(reply)) return reply;
  if (name === 'HGETALL') return pairs(reply).sort((a, b) => (a[0]! < b[0]! ? -1 : a[0]! > b[0]! ? 1 : 0));
  return [...(reply as string[])].sort();
}

/** A complete SCAN-family iteration: every distinct item (pairs for HSCAN), sorted. */
async function fullScan(side: Side, argv: readonly string[]): Promise<unknown> {
  const [name, key, , ...options] = argv;
  const seen = new Map<string, string>();
  let cursor = '0';
  for (let guard = 0; guard < 100_000; guard++) {
    const reply = await side([name!, key!, cursor, ...options]);
    if (!Array.isArray(reply)) return reply;
    cursor = reply[0] as string;
    const items = reply[1] as string[];
    if (name!.toUpperCase() === 'HSCAN') for (const [f, v] of pairs(items)) seen.set(f, v);
    else for (const m of items) seen.set(m, '');
    if (cursor === '0') break;
  }
  return [...seen.entries()].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
}

/** Shape of a random reply: errors and nil as they are, strings as 'a member', arrays by length. */
function shape(reply: unknown): unknown {
  if (Array.isArray(reply)) return { length: reply.length };
  if (typeof reply === 'string') return 'a member';
  return reply;
}

export async function expectSameHashSetReplies(conn: Connection, redis: RespClient, commands: readonly (readonly string[])[]): Promise<void> {
  const ours: Side = async (argv) => comparable(await engineReply(conn, argv));
  const theirs: Side = async (argv) => comparable((await redis.call(argv)) as never);
  for (const argv of commands) {
    const label = argv.join(' ').slice(0, 200);
    const name = argv[0]!.toUpperCase();
    if ((name === 'HSCAN' || name === 'SSCAN') && argv[2] === 'FULL') {
      expect(await fullScan(ours, argv), label).toEqual(await fullScan(theirs, argv));
      continue;
    }
    const encoding = ORDERED_BY_ENCODING[name] !== undefined && argv.length >= 2 ? await redis.call(['OBJECT', 'ENCODING', argv[1]!]) : null;
    const [a, b] = await Promise.all([ours(argv), theirs(argv)]);
    if (RANDOM.has(name)) {
      expect(shape(a), label).toEqual(shape(b));
      await expectMembers(ours, argv, a);
    } else if (name === 'SPOP') {
      expect(shape(a), label).toEqual(shape(b));
      if (a !== null && typeof a === 'object' && 'error' in a) continue;
      const popped = (x: unknown) => (x === null ? [] : Array.isArray(x) ? (x as string[]) : [x as string]);
      const mine = popped(a);
      const redisPopped = popped(b);
      if (mine.length > 0 && (await ours(['EXISTS', argv[1]!])) === 1) {
        await ours(['SADD', argv[1]!, ...mine]);
        await ours(['SREM', argv[1]!, ...redisPopped]);
        await reconcileEncoding(ours, theirs, argv[1]!);
      } else if (mine.length > 0) {
        // Both took the whole set: nothing to reconcile.
        expect([...mine].sort(), label).toEqual([...redisPopped].sort());
      }
    } else if ((name === 'HSCAN' || name === 'SSCAN') && encoding !== ORDERED_BY_ENCODING[name] && Array.isArray(a) && Array.isArray(b)) {
      // A hashtable's cursors are Redis's own: only a call that ends the scan compares items.
      if (argv[2] === '0' && a[0] === '0' && b[0] === '0') expect(sorted(name === 'HSCAN' ? 'HGETALL' : name, a[1]), label).toEqual(sorted(name === 'HSCAN' ? 'HGETALL' : name, b[1]));
    } else if (UNORDERED.has(name) && encoding !== ORDERED_BY_ENCODING[name]) {
      expect(sorted(name, a), label).toEqual(sorted(name, b));
    } else {
      expect(a, label).toEqual(b);
    }
  }
}

/** Give our set at `key` Redis's encoding (same members assumed). */
async function reconcileEncoding(ours: Side, theirs: Side, key: string): Promise<void> {
  const wanted = await theirs(['OBJECT', 'ENCODING', key]);
  if ((await ours(['OBJECT', 'ENCODING', key])) === wanted) return;
  const members = (await ours(['SMEMBERS', key])) as string[];
  await ours(['DEL', key]);
  await ours(['SADD', key, ...members]);
  if (wanted === 'hashtable') {
    await ours(['SADD', key, '\u0000not an integer']);
    await ours(['SREM', key, '\u0000not an integer']);
  }
  expect(await ours(['OBJECT', 'ENCODING', key])).toBe(wanted);
}

/** Our HRANDFIELD/SRANDMEMBER items are members of our key; distinct for a positive count. */
async function expectMembers(ours: Side, argv: readonly string[], reply: unknown): Promise<void> {
  if (reply === null || (typeof reply === 'object' && 'error' in reply)) return;
  const hash = argv[0]!.toUpperCase() === 'HRANDFIELD';
  const items = Array.isArray(reply) ? (reply as string[]) : [reply as string];
  const withValues = hash && argv.length === 4;
  const members = withValues ? pairs(items).map((p) => p[0]!) : items;
  for (const [i, member] of members.entries()) {
    if (hash) {
      const value = await ours(['HGET', argv[1]!, member]);
      expect(value, `${argv.join(' ')}: ${member}`).not.toBeNull();
      if (withValues) expect(items[2 * i + 1]).toEqual(value);
    } else expect(await ours(['SISMEMBER', argv[1]!, member]), `${argv.join(' ')}: ${member}`).toBe(1);
  }
  if (argv.length >= 3 && !argv[2]!.startsWith('-')) expect(new Set(members).size).toBe(members.length);
}
