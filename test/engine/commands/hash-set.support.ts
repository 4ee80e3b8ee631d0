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
import { pick, type Rand } from '../../support/random.js';

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

// --- random command generators (seeded), valid and invalid ---------------------------------

const n = (r: Rand, max: number) => 1 + Math.floor(r() * max);

export const HASH_KEYS = ['h1', 'h2', '__proto__', 'str'];
const LONG = 'x'.repeat(65);
const FIELDS = ['f1', 'f2', 'f3', 'f4', '__proto__', '', 'constructor', '1', 'é', LONG];
const VALUES = ['', 'v', '1', '-5', '42', '9223372036854775807', '-9223372036854775808', '1.5', 'abc', '1e3', '007', ' 1', 'inf', LONG, 'x'.repeat(64)];
const INCRS = ['1', '-1', '100', '9223372036854775807', '-9223372036854775808', 'x', '1.5', '', '0'];
const FLOAT_INCRS = ['0.1', '-1.5', '1e3', '3', 'abc', 'inf', '-inf', 'nan', '1e309', '1e4000', '0x10', '5.0e-1', ''];
export const HASH_COUNTS = ['0', '1', '2', '3', '5', '100', '-1', '-3', '-10', 'x', '1.5', '-9223372036854775808', '9223372036854775807', '4611686018427387904'];


/** One random command of the hash family (plus a few others to vary types), valid or not. */
export function randomHashCommand(r: Rand): string[] {
  const key = pick(r, HASH_KEYS);
  const field = () => pick(r, FIELDS);
  switch (Math.floor(r() * 26)) {
    case 0: case 1: case 2: return ['HSET', key, ...Array.from({ length: n(r, 3) }, () => [field(), pick(r, VALUES)]).flat()];
    case 3: return ['HMSET', key, ...Array.from({ length: n(r, 2) }, () => [field(), pick(r, VALUES)]).flat()];
    case 4: return ['HSETNX', key, field(), pick(r, VALUES)];
    case 5: return ['HGET', key, field()];
    case 6: return ['HMGET', key, ...Array.from({ length: n(r, 3) }, field)];
    case 7: case 8: return ['HDEL', key, ...Array.from({ length: n(r, 3) }, field)];
    case 9: return [pick(r, ['HLEN', 'HKEYS', 'HVALS', 'HGETALL', 'hgetall']), key];
    case 10: return [pick(r, ['HSTRLEN', 'HEXISTS']), key, field()];
    case 11: case 12: return ['HINCRBY', key, field(), pick(r, INCRS)];
    case 13: return ['HINCRBYFLOAT', key, field(), pick(r, FLOAT_INCRS)];
    case 14: return ['HRANDFIELD', key];
    case 15: return ['HRANDFIELD', key, pick(r, HASH_COUNTS)];
    case 16: return ['HRANDFIELD', key, pick(r, HASH_COUNTS), pick(r, ['WITHVALUES', 'withvalues', 'WITHVALUE', 'x'])];
    case 17: return ['HSCAN', key, 'FULL', ...pick(r, [[], ['COUNT', '2'], ['MATCH', 'f*'], ['MATCH', '*o*', 'COUNT', '1']])];
    case 18: {
      const options = pick(r, [[], ['COUNT', '1000'], ['MATCH', 'f?'], ['COUNT', '0'], ['COUNT', 'x'], ['TYPE', 'hash'], ['MATCH'], ['NOVALUES']]);
      return ['HSCAN', key, pick(r, ['0', '0', 'x', '-1']), ...options];
    }
    case 19: return ['OBJECT', 'ENCODING', key];
    case 20: return [pick(r, ['TYPE', 'EXISTS', 'DEL']), key];
    case 21: return ['SET', 'str', 'v'];
    case 22: return ['COPY', key, pick(r, HASH_KEYS), ...pick(r, [[], ['REPLACE']])];
    case 23: return ['HRANDFIELD', key, pick(r, HASH_COUNTS), 'WITHVALUES', 'x'];
    default:
      return pick(r, [['HSET', 'h1'], ['HSET', 'h1', 'f'], ['HSET', 'h1', 'f', 'v', 'g'], ['HMSET', 'h1', 'f', 'v', 'g'], ['HGET', 'h1'], ['HDEL', 'h1'], ['HLEN'], ['HSETNX', 'h1', 'f'], ['HINCRBY', 'h1', 'f'], ['HSCAN', 'h1'], ['HRANDFIELD'], ['HMGET', 'h1']]);
  }
}

export const SET_KEYS = ['s1', 's2', 's3', '__proto__', 'str'];
const MEMBERS = ['1', '2', '3', '-1', '10', '007', '-0', 'a', 'b', '', 'é', '9223372036854775807', '-9223372036854775808', '9223372036854775808', '18446744073709551615'];
export const SET_COUNTS = ['0', '1', '2', '3', '5', '100', '-1', '-3', '-10', 'x', '1.5', '-9223372036854775808', '9223372036854775807'];

const keys = (r: Rand, max: number) => Array.from({ length: n(r, max) }, () => pick(r, SET_KEYS));

/** One random command of the set family (plus a few others to vary types), valid or not. */
export function randomSetCommand(r: Rand): string[] {
  const key = pick(r, SET_KEYS);
  const member = () => pick(r, MEMBERS);
  switch (Math.floor(r() * 28)) {
    case 0: case 1: case 2: case 3: return ['SADD', key, ...Array.from({ length: n(r, 4) }, member)];
    case 4: case 5: return ['SREM', key, ...Array.from({ length: n(r, 3) }, member)];
    case 6: return ['SMEMBERS', key];
    case 7: return ['SISMEMBER', key, member()];
    case 8: return ['SMISMEMBER', key, ...Array.from({ length: n(r, 3) }, member)];
    case 9: return ['SCARD', key];
    case 10: return ['SPOP', key];
    case 11: return ['SPOP', key, pick(r, SET_COUNTS), ...(r() < 0.1 ? ['x'] : [])];
    case 12: return ['SRANDMEMBER', key];
    case 13: return ['SRANDMEMBER', key, pick(r, SET_COUNTS), ...(r() < 0.1 ? ['x'] : [])];
    case 14: case 15: return ['SMOVE', key, pick(r, SET_KEYS), member()];
    case 16: return [pick(r, ['SINTER', 'SUNION', 'SDIFF']), ...keys(r, 3)];
    case 17: case 18: return [pick(r, ['SINTERSTORE', 'SUNIONSTORE', 'SDIFFSTORE']), pick(r, SET_KEYS), ...keys(r, 3)];
    case 19: {
      const ks = keys(r, 3);
      const numkeys = pick(r, [String(ks.length), String(ks.length), '0', '-1', 'x', String(ks.length + 1), '1']);
      return ['SINTERCARD', numkeys, ...ks, ...pick(r, [[], [], ['LIMIT', '1'], ['LIMIT', '0'], ['LIMIT', '-1'], ['LIMIT', 'x'], ['LIMIT'], ['FOO']])];
    }
    case 20: return ['SSCAN', key, 'FULL', ...pick(r, [[], ['COUNT', '2'], ['MATCH', '1*'], ['MATCH', '*', 'COUNT', '1']])];
    case 21: {
      const options = pick(r, [[], ['COUNT', '1000'], ['MATCH', '?'], ['COUNT', '0'], ['COUNT', 'x'], ['TYPE', 'set'], ['MATCH']]);
      return ['SSCAN', key, pick(r, ['0', '0', 'x']), ...options];
    }
    case 22: return ['OBJECT', 'ENCODING', key];
    case 23: return [pick(r, ['TYPE', 'EXISTS', 'DEL']), key];
    case 24: return ['SET', 'str', 'v'];
    case 25: return ['COPY', key, pick(r, SET_KEYS), ...pick(r, [[], ['REPLACE']])];
    default:
      return pick(r, [['SADD', 's1'], ['SREM', 's1'], ['SMEMBERS'], ['SISMEMBER', 's1'], ['SMISMEMBER', 's1'], ['SPOP'], ['SMOVE', 's1', 's2'], ['SINTER'], ['SINTERSTORE', 's1'], ['SINTERCARD', '1'], ['SSCAN', 's1'], ['SCARD']]);
  }
}
