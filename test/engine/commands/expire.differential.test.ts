import { describe, expect, it } from 'vitest';
import type { Engine } from '../../../src/index.js';
import type { Connection } from '../../../src/engine/connection.js';
import { expireCommands } from '../../../src/engine/commands/expire.js';
import { expectSameCommandMetadata, expectSameReplies, haveRedis, type RedisOracle, useDifferentialSides } from '../../support/redis-server.js';
import { rng, pick, type Rand } from '../../support/random.js';

/** Seeded generator so a failing random sequence reproduces. */

const KEYS = ['k1', 'k2', 'k3', 'hasOwnProperty'];
/** Relative times: far enough that no key expires during a run, or already past. */
const RELATIVE = ['100', '200', '5000', '0', '-1', '-100', 'abc', '', '1.5', '9223372036854775', '9223372036854775807', '-9223372036854775808', '+5', '007'];
/** Absolute times in seconds: past, year 2100 and 2200, overflow. */
const ABSOLUTE_S = ['1', '0', '-5', '4102444800', '7258118400', '9223372036854775', '9223372036854776', 'x'];
const ABSOLUTE_MS = ['1', '0', '4102444800000', '7258118400000', '4102444800001', '9223372036854775807', '-9223372036854775808', '1.0'];
const FLAGS = ['NX', 'XX', 'GT', 'LT', 'nx', 'gt', 'Lt', 'FOO', ''];
/**
 * GT and LT between two relative deadlines depend on the milliseconds between the
 * commands on each server, so relative forms only get the other flags.
 */
const RELATIVE_FLAGS = ['NX', 'XX', 'xx', 'FOO', ''];

/** One random command of the expire family (plus SET/GET/DEL to vary the keyspace), valid or not. */
function randomCommand(r: Rand): string[] {
  const key = pick(r, KEYS);
  const some = (from: readonly string[]) => (r() < 0.5 ? [] : Array.from({ length: 1 + Math.floor(r() * 2) }, () => pick(r, from)));
  const flags = some(FLAGS);
  const relativeFlags = some(RELATIVE_FLAGS);
  switch (Math.floor(r() * 13)) {
    case 0: case 1: return ['SET', key, 'v', ...(r() < 0.4 ? ['EX', pick(r, ['100', '300'])] : [])];
    case 2: return ['EXPIRE', key, pick(r, RELATIVE), ...relativeFlags];
    case 3: return ['PEXPIRE', key, pick(r, [...RELATIVE, '150000', '250000']), ...relativeFlags];
    case 4: return ['EXPIREAT', key, pick(r, ABSOLUTE_S), ...flags];
    case 5: return ['PEXPIREAT', key, pick(r, ABSOLUTE_MS), ...flags];
    case 6: return [pick(r, ['TTL', 'PTTL', 'EXPIRETIME', 'PEXPIRETIME']), key];
    case 7: return ['PERSIST', key];
    case 8: return ['EXISTS', key];
    case 9: return ['DEL', key];
    case 10: return ['GETEX', key, 'PERSIST'];
    case 11: return ['COPY', key, pick(r, KEYS), 'REPLACE'];
    default: return pick(r, [['EXPIRE', key], ['TTL'], ['TTL', key, key], ['PERSIST'], ['PEXPIREAT'], ['EXPIRETIME', key, 'x']]);
  }
}

/** Deadlines the sequences set in absolute form, in ms: the same on both servers. */
const ABSOLUTE_DEADLINES = new Set([...ABSOLUTE_MS, ...ABSOLUTE_S.map((s) => `${s}000`)]);

/**
 * Time-free forms: a remaining TTL depends on each server's clock, so it is compared as
 * "a deadline"; EXPIRETIME too (a relative time rounds differently on the two clocks).
 * PEXPIRETIME is exact for absolute deadlines, except past 2^53 ms where the engine keeps
 * the nearest double.
 */
function normalize(argv: readonly string[], reply: unknown): unknown {
  const name = argv[0]!.toUpperCase();
  const deadline = (typeof reply === 'number' && reply >= 0) || typeof reply === 'bigint';
  if (['TTL', 'PTTL', 'EXPIRETIME'].includes(name) && deadline) return 'a deadline';
  if (name === 'PEXPIRETIME' && typeof reply === 'bigint') return 'a deadline past 2^53';
  if (name === 'PEXPIRETIME' && deadline && !ABSOLUTE_DEADLINES.has(String(reply))) return 'a relative deadline';
  return reply;
}

// Differential: needs a real redis-server (CI installs it); skipped where it is absent.
describe.skipIf(!haveRedis)('expire commands against Redis 7.0', () => {
  let redis: RedisOracle;
  let engine: Engine;
  let conn: Connection;

  const reset = useDifferentialSides((sides) => ({ redis, engine, conn } = sides));

  const same = (commands: readonly (readonly string[])[]) => expectSameReplies(conn, redis.client, commands, normalize);

  it('COMMAND INFO and DOCS of every expire command match', async () => {
    await expectSameCommandMetadata(conn, redis.client, expireCommands.map((spec) => spec.name));
  });

  it('every NX/XX/GT/LT combination against a key with a TTL, without one, and missing', async () => {
    const options = ['NX', 'XX', 'GT', 'LT'];
    const combos: string[][] = [[]];
    for (const a of options) {
      combos.push([a]);
      for (const b of options) combos.push([a, b]);
    }
    combos.push(['XX', 'GT', 'LT'], ['xx', 'lt', 'XX'], ['NX', 'FOO'], ['FOO', 'NX', 'XX'], ['GT', 'NX\0']);
    const commands: string[][] = [];
    for (const combo of combos) {
      // Not 100 itself: which of two relative deadlines is later depends on the clocks.
      for (const time of ['50', '99', '101', '150', '-1', 'abc']) {
        commands.push(['SET', 'ttl', 'v', 'EX', '100'], ['SET', 'plain', 'v'], ['DEL', 'missing']);
        for (const key of ['ttl', 'plain', 'missing']) commands.push(['EXPIRE', key, time, ...combo], ['PTTL', key]);
      }
    }
    await same(commands.map((argv) => (argv[0] === 'PTTL' ? ['TTL', argv[1]!] : argv)));
  });

  it('big and overflowing times, units and absolute forms', async () => {
    const commands: string[][] = [];
    for (const cmd of ['EXPIRE', 'PEXPIRE', 'EXPIREAT', 'PEXPIREAT']) {
      // '1' is in the past as an absolute time; relative, a short TTL would race the TTL read.
      const small = cmd.endsWith('AT') ? '1' : '100000';
      for (const time of ['9223372036854775', '9223372036854776', '-9223372036854775', '-9223372036854776', '9223372036854775807',
        '9223372036854775808', '-9223372036854775808', '9223370000000000000', '4611686018427387', small]) {
        commands.push(['SET', 'k', 'v'], [cmd, 'k', time], ['EXISTS', 'k'], ['TTL', 'k']);
      }
    }
    commands.push(['SET', 'k', 'v'], ['PEXPIREAT', 'k', '4102444800123'], ['PEXPIRETIME', 'k'], ['EXPIRETIME', 'k']);
    commands.push(['PEXPIREAT', 'k', '4102444800500'], ['EXPIRETIME', 'k'], ['EXPIREAT', 'k', '4102444800'], ['PEXPIRETIME', 'k']);
    await same(commands);
  });

  it('random command sequences over a few keys (seeded)', async () => {
    for (const seed of [21, 22, 23, 24, 25, 26]) {
      await reset();
      const r = rng(seed);
      const commands = Array.from({ length: 400 }, () => randomCommand(r));
      await same(commands);
      const final: string[][] = [];
      for (const key of KEYS) final.push(['EXISTS', key], ['TTL', key], ['PEXPIRETIME', key]);
      await same(final);
    }
  });
});
