import { describe, expect, it } from 'vitest';
import type { Engine } from '../../../src/index.js';
import type { Connection } from '../../../src/engine/connection.js';
import { zsetCommands } from '../../../src/engine/commands/zset.js';
import {
  comparable, engineReply, expectSameCommandMetadata, haveRedis, type RedisOracle, useDifferentialSides,
} from '../../support/redis-server.js';
import { pick, rng, type Rand } from '../../support/random.js';
import { RespClient } from '../../support/resp.js';
import { expectSameServed } from './list.support.js';

const KEYS = ['z1', 'z2', 'z3', 'str', 's1'];
const MEMBERS = ['a', 'b', 'c', 'd', 'e', 'f', 'g', '', 'é', '__proto__', 'x'.repeat(65)];
const SCORES = [
  '0', '1', '-1', '2', '2.5', '0.1', '1e20', '1.5e-7', '3.0', '-0', '-0.0', 'inf', '+inf', '-inf', '1e308', '-1e-5',
  '0x10', '1e400', 'nan', 'abc', '', ' 1', '1 ', '5.', '.5', '9007199254740993', '123456789012345678',
];
const BOUNDS = ['-inf', '+inf', '0', '1', '(1', '2.5', '(2.5', '(-inf', '+inf', '10', ' 2', '', '(', 'x', 'nan', '1e400'];
const LEX = ['-', '+', '[a', '(a', '[c', '(c', '[', '(', 'a', '[é', '+x', '-\0'];
const INDEXES = ['0', '1', '-1', '2', '-2', '10', '-10', 'x', '9223372036854775807'];

type Side = (argv: readonly string[]) => Promise<unknown>;

/** A whole ZSCAN iteration from cursor 0: the distinct (member, score) pairs, sorted. */
async function fullScan(side: Side, key: string, options: readonly string[]): Promise<unknown> {
  const seen = new Map<string, string>();
  let cursor = '0';
  for (let guard = 0; guard < 100_000; guard++) {
    const reply = await side(['ZSCAN', key, cursor, ...options]);
    if (!Array.isArray(reply)) return reply;
    cursor = reply[0] as string;
    const items = reply[1] as string[];
    for (let i = 0; i + 1 < items.length; i += 2) seen.set(items[i]!, items[i + 1]!);
    if (cursor === '0') break;
  }
  return [...seen.entries()].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
}

/** ZRANDMEMBER replies are compared by shape: errors and nil as they are, arrays by length. */
function shape(reply: unknown): unknown {
  if (Array.isArray(reply)) return { length: reply.length };
  return typeof reply === 'string' ? 'a member' : reply;
}

/**
 * Run `commands` on both sides, reply by reply. `['ZSCAN', key, 'FULL', …options]` runs a
 * whole iteration on each side; ZRANDMEMBER compares shapes.
 */
async function expectSameZsetReplies(conn: Connection, redis: RedisOracle, commands: readonly (readonly string[])[]): Promise<void> {
  const ours: Side = async (argv) => comparable(await engineReply(conn, argv));
  const theirs: Side = async (argv) => comparable(await redis.client.call(argv));
  for (const argv of commands) {
    const name = argv[0]!.toUpperCase();
    if (name === 'ZSCAN' && argv[2] === 'FULL') {
      const options = argv.slice(3);
      expect(await fullScan(ours, argv[1]!, options), argv.join(' ')).toEqual(await fullScan(theirs, argv[1]!, options));
      continue;
    }
    const [a, b] = await Promise.all([ours(argv), theirs(argv)]);
    if (name === 'ZRANDMEMBER') expect(shape(a), argv.join(' ')).toEqual(shape(b));
    else expect(a, argv.join(' ')).toEqual(b);
  }
}

/**
 * A random range command. `lex` false leaves out lex ranges: over unequal scores Redis
 * leaves them unspecified (a skiplist's answer depends on its random node levels).
 */
function randomRangeCommand(r: Rand, key: string, lex = true): string[] {
  const withScores = r() < 0.4 ? ['WITHSCORES'] : [];
  const limit = r() < 0.3 ? ['LIMIT', pick(r, ['0', '1', '-1', '2', 'x']), pick(r, ['1', '2', '-1', '0', '10'])] : [];
  let which = Math.floor(r() * 9);
  if (!lex && (which === 2 || which === 4 || which === 7)) which = 1;
  switch (which) {
    case 0: return ['ZRANGE', key, pick(r, INDEXES), pick(r, INDEXES), ...withScores, ...(r() < 0.3 ? ['REV'] : [])];
    case 1: return ['ZRANGE', key, pick(r, BOUNDS), pick(r, BOUNDS), 'BYSCORE', ...(r() < 0.5 ? ['REV'] : []), ...limit, ...withScores];
    case 2: return ['ZRANGE', key, pick(r, LEX), pick(r, LEX), 'BYLEX', ...(r() < 0.5 ? ['REV'] : []), ...limit];
    case 3: return [pick(r, ['ZRANGEBYSCORE', 'ZREVRANGEBYSCORE']), key, pick(r, BOUNDS), pick(r, BOUNDS), ...withScores, ...limit];
    case 4: return [pick(r, ['ZRANGEBYLEX', 'ZREVRANGEBYLEX']), key, pick(r, LEX), pick(r, LEX), ...limit];
    case 5: return ['ZREVRANGE', key, pick(r, INDEXES), pick(r, INDEXES), ...withScores];
    case 6: return ['ZCOUNT', key, pick(r, BOUNDS), pick(r, BOUNDS)];
    case 7: return ['ZLEXCOUNT', key, pick(r, LEX), pick(r, LEX)];
    default: return ['ZRANGESTORE', pick(r, KEYS), key, pick(r, BOUNDS), pick(r, BOUNDS), 'BYSCORE', ...limit];
  }
}

/** One random sorted-set command (plus a few writers of other types), valid or not. */
function randomCommand(r: Rand, lexOnly: boolean): string[] {
  const key = pick(r, KEYS);
  const member = pick(r, MEMBERS);
  const score = () => (lexOnly ? '0' : r() < 0.8 ? String(Math.floor(r() * 10) - 3) : pick(r, SCORES));
  const pairs = () => Array.from({ length: 1 + Math.floor(r() * 4) }, () => [score(), pick(r, MEMBERS)]).flat();
  const keys = (n: number) => Array.from({ length: n }, () => pick(r, KEYS));
  switch (Math.floor(r() * 24)) {
    case 0: case 1: case 2: {
      const flags = r() < 0.5 ? [] : [pick(r, ['NX', 'XX', 'GT', 'LT', 'CH', 'INCR', 'nx', 'FOO'])];
      if (r() < 0.3) flags.push(pick(r, ['NX', 'XX', 'GT', 'LT', 'CH', 'INCR']));
      return ['ZADD', key, ...flags, ...(flags.some((f) => f.toUpperCase() === 'INCR') && r() < 0.8 ? [score(), member] : pairs())];
    }
    case 3: return ['ZINCRBY', key, lexOnly ? '0' : pick(r, ['1', '-2', '0.5', 'inf', '-inf', 'x']), member];
    case 4: return ['ZREM', key, member, ...(r() < 0.5 ? [pick(r, MEMBERS)] : [])];
    case 5: return ['ZSCORE', key, member];
    case 6: return ['ZMSCORE', key, member, pick(r, MEMBERS)];
    case 7: return ['ZCARD', key];
    case 8: return [pick(r, ['ZRANK', 'ZREVRANK']), key, member];
    case 9: case 10: case 11: return randomRangeCommand(r, key, lexOnly);
    case 12: return ['ZREMRANGEBYRANK', key, pick(r, INDEXES), pick(r, INDEXES)];
    case 13: return ['ZREMRANGEBYSCORE', key, pick(r, BOUNDS), pick(r, BOUNDS)];
    case 14: return lexOnly ? ['ZREMRANGEBYLEX', key, pick(r, LEX), pick(r, LEX)] : ['ZREMRANGEBYSCORE', key, pick(r, BOUNDS), pick(r, BOUNDS)];
    case 15: return [pick(r, ['ZPOPMIN', 'ZPOPMAX']), key, ...(r() < 0.6 ? [pick(r, ['1', '2', '0', '-1', 'x', '100'])] : [])];
    case 16: {
      const n = 1 + Math.floor(r() * 3);
      const count = r() < 0.5 ? ['COUNT', pick(r, ['1', '3', '0', 'x', '50'])] : [];
      return ['ZMPOP', pick(r, [String(n), String(n), '0', String(n + 1)]), ...keys(n), pick(r, ['MIN', 'MAX', 'min', 'foo']), ...count];
    }
    case 17: {
      const n = 1 + Math.floor(r() * 3);
      const weights = r() < 0.4 ? ['WEIGHTS', ...Array.from({ length: n }, () => pick(r, ['1', '2', '0', '-1', 'inf', '0.5', 'x']))] : [];
      const aggregate = r() < 0.4 ? ['AGGREGATE', pick(r, ['SUM', 'MIN', 'MAX', 'max', 'avg'])] : [];
      const op = pick(r, ['ZUNION', 'ZINTER', 'ZDIFF', 'ZUNIONSTORE', 'ZINTERSTORE', 'ZDIFFSTORE']);
      const store = op.endsWith('STORE');
      return [op, ...(store ? [pick(r, KEYS)] : []), String(n), ...keys(n), ...weights, ...aggregate, ...(!store && r() < 0.5 ? ['WITHSCORES'] : [])];
    }
    case 18: {
      const n = 1 + Math.floor(r() * 3);
      return ['ZINTERCARD', String(n), ...keys(n), ...(r() < 0.5 ? ['LIMIT', pick(r, ['0', '1', '2', '-1'])] : [])];
    }
    case 19: return ['ZRANDMEMBER', key, ...(r() < 0.7 ? [pick(r, ['0', '1', '3', '-3', '100', '-100', 'x'])] : []), ...(r() < 0.3 ? ['WITHSCORES'] : [])];
    case 20: return ['ZSCAN', key, 'FULL', ...(r() < 0.3 ? ['MATCH', pick(r, ['*', 'a*', '?', '[a-c]'])] : []), ...(r() < 0.3 ? ['COUNT', pick(r, ['1', '5', '100'])] : [])];
    case 21: return [pick(r, ['SET', 'SADD']), pick(r, ['str', 's1']), member];
    case 22: return ['OBJECT', 'ENCODING', key];
    default: return pick(r, [['ZADD', key], ['ZADD', key, '1'], ['ZRANGE', key, '0'], ['ZCARD'], ['ZPOPMIN'], ['ZUNION', '1'], ['ZMPOP', '1', key], ['DEL', key], ['TYPE', key]]);
  }
}

describe.skipIf(!haveRedis)('sorted-set commands against Redis 7.0', () => {
  let redis: RedisOracle;
  let engine: Engine;
  let conn: Connection;

  const reset = useDifferentialSides((sides) => ({ redis, engine, conn } = sides));
  const same = (commands: readonly (readonly string[])[]) => expectSameZsetReplies(conn, redis, commands);

  it('COMMAND INFO and DOCS of every sorted-set command match', async () => {
    const names = zsetCommands.map((spec) => spec.name);
    expect(names).toHaveLength(35);
    await expectSameCommandMetadata(conn, redis.client, names);
    await same([
      ['COMMAND', 'GETKEYS', 'ZUNIONSTORE', 'd', '2', 'a', 'b', 'WEIGHTS', '1', '2'], ['COMMAND', 'GETKEYS', 'ZINTER', '2', 'a', 'b'],
      ['COMMAND', 'GETKEYS', 'ZMPOP', '2', 'a', 'b', 'MIN'], ['COMMAND', 'GETKEYS', 'ZRANGESTORE', 'd', 's', '0', '1'],
      ['COMMAND', 'GETKEYSANDFLAGS', 'ZDIFFSTORE', 'd', '1', 'a'], ['COMMAND', 'GETKEYS', 'ZINTERCARD', '1', 'a', 'LIMIT', '1'],
    ]);
  });

  it('scores: strtod acceptance, errors and %.17g printing', async () => {
    const commands: string[][] = [];
    for (const score of [...SCORES, '1e-320', '5e-324', '1e-400', '0e-400', '1e15', '1e16', '1e17', '123.456', '1e-4', '1e-5', 'Infinity',
      '-Infinity', 'INF', 'NaN', '0x1p3', '0x', '0x.8', '1e', '1e+', '+1', '++1', '-', '.', '1.2.3', '1_0', '0b1', '1\0', '0.30000000000000004',
      '1.7976931348623157e308', '4503599627370496', '4503599627370495', '-4503599627370495', '12345678901234567890']) {
      commands.push(['ZADD', 'z', score, 'm'], ['ZSCORE', 'z', 'm'], ['ZINCRBY', 'z', score, 'n'], ['ZSCORE', 'z', 'n']);
    }
    commands.push(['ZADD', 'inc', '1', 'a'], ['ZINCRBY', 'inc', 'inf', 'a'], ['ZINCRBY', 'inc', '-inf', 'a'], ['ZADD', 'inc', 'INCR', '-inf', 'a'], ['ZSCORE', 'inc', 'a']);
    await same(commands);
  });

  it('ZADD options: NX, XX, GT, LT, CH, INCR and every incompatibility', async () => {
    const commands: string[][] = [];
    const flagSets = [[], ['NX'], ['XX'], ['GT'], ['LT'], ['CH'], ['INCR'], ['NX', 'XX'], ['GT', 'LT'], ['NX', 'GT'], ['NX', 'LT'], ['XX', 'GT'],
      ['XX', 'LT', 'CH'], ['GT', 'CH'], ['INCR', 'GT'], ['INCR', 'NX'], ['INCR', 'XX'], ['ch', 'gt'], ['FOO'], ['CH', 'CH']];
    for (const flags of flagSets) {
      commands.push(['DEL', 'z'], ['ZADD', 'z', ...flags, '5', 'a'], ['ZADD', 'z', '3', 'b']);
      for (const s of ['1', '5', '10']) commands.push(['ZADD', 'z', ...flags, s, 'a'], ['ZADD', 'z', ...flags, s, 'a', s, 'new']);
      commands.push(['ZRANGE', 'z', '0', '-1', 'WITHSCORES']);
    }
    commands.push(
      ['ZADD', 'z', '1'], ['ZADD', 'z', '1', 'a', '2'], ['ZADD', 'z', 'CH'], ['ZADD', 'z', 'CH', '1'], ['ZADD', 'z', 'INCR', '1', 'a', '2', 'b'],
      ['ZADD', 'z', 'NX', 'XX', 'x', 'a'], ['ZADD', 'z', 'x', 'a', '1', 'b'], ['SET', 'str', 'v'], ['ZADD', 'str', '1', 'a'], ['ZADD', 'str', 'x', 'a'],
      ['ZADD', 'str', 'XX', '1', 'a'], ['ZADD', 'nokey', 'XX', '1', 'a'], ['ZADD', 'nokey', 'XX', 'INCR', '1', 'a'], ['EXISTS', 'nokey'],
      ['ZADD', 'z', '-0', 'zero'], ['ZSCORE', 'z', 'zero'],
    );
    await same(commands);
  });

  it('-0 and whole scores as a listpack holds them: INCR replies, ZSCAN prints stored integers', async () => {
    // A listpack stores a whole score within ±2^62 as an integer (double2ll): -0 becomes 0
    // but INCR replies with the score it computed, and ZSCAN prints the integer's digits.
    const whole = ['123456789012345678', '-123456789012345678', '4611686018427387904', '4611686018427388928', '1e17', '99999999999999999', '1.5e17', '2.5', '-0'];
    const commands: string[][] = [
      ['ZADD', 'lp', 'INCR', 'NX', '-0.0', 'd'], ['ZSCORE', 'lp', 'd'], ['ZINCRBY', 'lp', '-0', 'e'], ['ZSCORE', 'lp', 'e'],
      ['ZINCRBY', 'lp', '-0', 'e'], ['ZADD', 'lp', 'INCR', '-0', 'd'], ['ZINCRBY', 'fresh', '-0', 'x'], ['ZSCORE', 'fresh', 'x'],
      ['CONFIG', 'SET', 'zset-max-listpack-entries', '0'], ['ZINCRBY', 'sk', '-0', 'x'], ['ZSCORE', 'sk', 'x'], ['ZINCRBY', 'sk', '-0', 'x'],
      ['CONFIG', 'SET', 'zset-max-listpack-entries', '128'],
    ];
    whole.forEach((score, i) => commands.push(['ZADD', 'lpw', score, `m${i}`], ['ZADD', 'skw', score, `m${i}`]));
    commands.push(['ZADD', 'skw', '1', 'x'.repeat(80)], ['OBJECT', 'ENCODING', 'lpw'], ['OBJECT', 'ENCODING', 'skw']);
    commands.push(['ZSCAN', 'lpw', '0'], ['ZSCAN', 'lpw', 'FULL'], ['ZSCAN', 'skw', 'FULL'], ['ZRANGE', 'lpw', '0', '-1', 'WITHSCORES'], ['ZRANGE', 'skw', '0', '-1', 'WITHSCORES']);
    await same(commands);
  });

  it('ranges by rank, score and lex with REV, LIMIT and WITHSCORES', async () => {
    const commands: string[][] = [
      ['ZADD', 'z', '1', 'a', '2', 'b', '2', 'bb', '3', 'c', '-inf', 'lo', 'inf', 'hi', '2.5', 'half'],
      ['ZADD', 'lex', '0', 'a', '0', 'b', '0', 'c', '0', 'd', '0', 'é', '0', '', '0', 'ab'],
    ];
    const r = rng(7);
    for (let i = 0; i < 300; i++) commands.push(randomRangeCommand(r, pick(r, ['z', 'lex', 'nokey'])));
    commands.push(
      ['ZRANGE', 'z', '0', '1', 'LIMIT', '0', '1'], ['ZRANGE', 'z', '0', '1', 'LIMIT', '0', '-1'], ['ZRANGE', 'z', '0', '1', 'BYLEX', 'WITHSCORES'],
      ['ZRANGE', 'z', '0', '1', 'BYSCORE', 'BYLEX'], ['ZRANGE', 'z', '0', '1', 'REV', 'REV'], ['ZRANGE', 'z', '0', '-1', 'WITHSCORES', 'WITHSCORES'],
      ['ZRANGE', 'z', '0', '1', 'LIMIT', '0'], ['ZRANGEBYSCORE', 'z', '0', '1', 'REV'], ['ZRANGEBYSCORE', 'z', '0', '1', 'BYSCORE'],
      ['ZRANGESTORE', 'd', 'z', '0', '-1', 'WITHSCORES'], ['ZRANGESTORE', 'd', 'z', '0', '-1'], ['ZRANGE', 'd', '0', '-1', 'WITHSCORES'],
      ['ZRANGESTORE', 'd', 'z', '5', '1'], ['EXISTS', 'd'], ['ZCOUNT', 'z', '(2', '(2'], ['ZCOUNT', 'z', '2', '2'], ['ZLEXCOUNT', 'lex', '+', '-'],
      ['ZRANGEBYLEX', 'lex', '-', '-'], ['ZRANGEBYLEX', 'lex', '+', '+'], ['ZRANGEBYLEX', 'lex', '[b', '[b'], ['ZRANGEBYLEX', 'lex', '(b', '[b'],
      ['ZRANGEBYSCORE', 'z', '2\0x', '3'], ['ZRANGEBYLEX', 'lex', '+\0', '-'],
    );
    await same(commands);
  });

  it('ZREMRANGEBY*, ZPOP*, ZMPOP: removal, empty keys deleted, errors', async () => {
    await same([
      ['ZADD', 'z', '1', 'a', '2', 'b', '3', 'c', '4', 'd', '5', 'e'], ['ZREMRANGEBYRANK', 'z', '1', '2'], ['ZRANGE', 'z', '0', '-1'],
      ['ZREMRANGEBYSCORE', 'z', '(1', '4'], ['ZRANGE', 'z', '0', '-1'], ['ZREMRANGEBYRANK', 'z', '0', '-1'], ['EXISTS', 'z'],
      ['ZADD', 'z', '0', 'a', '0', 'b', '0', 'c'], ['ZREMRANGEBYLEX', 'z', '[b', '+'], ['ZRANGE', 'z', '0', '-1'], ['ZREMRANGEBYLEX', 'z', '-', '+'],
      ['EXISTS', 'z'], ['ZREMRANGEBYRANK', 'z', 'x', '1'], ['ZREMRANGEBYSCORE', 'z', 'a', '1'], ['ZREMRANGEBYLEX', 'z', 'a', '+'],
      ['ZADD', 'p', '1', 'a', '2', 'b', '3', 'c'], ['ZPOPMIN', 'p'], ['ZPOPMAX', 'p', '5'], ['EXISTS', 'p'], ['ZPOPMIN', 'p', '0'],
      ['ZPOPMIN', 'p', '-1'], ['ZPOPMIN', 'p', 'x'], ['ZPOPMIN', 'p', '1', '2'], ['SET', 'str', 'v'], ['ZPOPMIN', 'str', '0'], ['ZPOPMIN', 'str'],
      ['ZADD', 'q', '1', 'a', '2', 'b'], ['ZMPOP', '2', 'p', 'q', 'MAX', 'COUNT', '5'], ['ZMPOP', '2', 'p', 'q', 'MIN'],
      ['ZMPOP', '0', 'q', 'MIN'], ['ZMPOP', '1', 'q', 'foo'], ['ZMPOP', '1', 'q', 'MIN', 'COUNT', '0'], ['ZMPOP', '1', 'q', 'MIN', 'COUNT', '1', 'COUNT', '2'],
      ['ZMPOP', '2', 'q', 'MIN'], ['ZMPOP', 'x', 'q', 'MIN'], ['ZMPOP', '1', 'str', 'MIN'], ['ZMPOP', '2', 'nokey', 'str', 'MIN'],
    ]);
  });

  it('ZUNION, ZINTER, ZDIFF and STORE forms: weights, aggregates, sets as inputs, errors', async () => {
    const commands: string[][] = [
      ['ZADD', 'a', '1', 'x', '2', 'y', '3', 'z', 'inf', 'big'], ['ZADD', 'b', '10', 'y', '20', 'z', '30', 'w', '-inf', 'big'], ['SADD', 's', 'x', 'w', 'q'],
      ['SET', 'str', 'v'],
    ];
    for (const op of ['ZUNION', 'ZINTER', 'ZDIFF']) {
      for (const keys of [['a'], ['a', 'b'], ['b', 'a'], ['a', 's'], ['s', 'b', 'a'], ['a', 'nokey'], ['a', 'a']]) {
        commands.push([op, String(keys.length), ...keys, 'WITHSCORES'], [`${op}STORE`, 'dst', String(keys.length), ...keys], ['ZRANGE', 'dst', '0', '-1', 'WITHSCORES']);
        if (op === 'ZDIFF') continue;
        for (const aggregate of ['SUM', 'MIN', 'MAX']) {
          commands.push([op, String(keys.length), ...keys, 'WEIGHTS', ...keys.map((_, i) => String([2, 0, -1][i])), 'AGGREGATE', aggregate, 'WITHSCORES']);
        }
      }
    }
    commands.push(
      ['ZUNIONSTORE', 'd', '0', 'a'], ['ZUNIONSTORE', 'd', '-1', 'a'], ['ZUNIONSTORE', 'd', '3', 'a'], ['ZUNION', 'x', 'a'], ['ZINTER', '1', 'a', 'WEIGHTS', 'x'],
      ['ZINTER', '1', 'a', 'WEIGHTS', '1', '2'], ['ZINTER', '1', 'a', 'AGGREGATE', 'avg'], ['ZUNIONSTORE', 'd', '1', 'a', 'WITHSCORES'],
      ['ZDIFF', '1', 'a', 'WEIGHTS', '1'], ['ZDIFF', '1', 'a', 'AGGREGATE', 'SUM'], ['ZINTER', '2', 'str', 'a', 'WEIGHTS', 'x'], ['ZINTER', '2', 'nokey', 'str'],
      ['ZUNION', '1', 'a', 'WEIGHTS', '1', 'WEIGHTS', '2', 'WITHSCORES'], ['ZINTER', '1', 'a', 'WEIGHTS', 'nan'], ['ZUNION', '2', 'a', 'b', 'WEIGHTS', '0', '0', 'WITHSCORES'],
      ['ZINTERCARD', '2', 'a', 'b'], ['ZINTERCARD', '2', 'a', 'b', 'LIMIT', '1'], ['ZINTERCARD', '2', 'a', 's', 'LIMIT', '0'], ['ZINTERCARD', '0', 'a'],
      ['ZINTERCARD', '2', 'a'], ['ZINTERCARD', '1', 'a', 'LIMIT', '-1'], ['ZINTERCARD', '1', 'a', 'LIMIT', 'x'], ['ZINTERCARD', '1', 'a', 'WITHSCORES'],
      ['ZINTERCARD', '1', 'a', 'LIMIT', '1', 'LIMIT', '2'], ['ZINTERSTORE', 'dst', '2', 'a', 'nokey'], ['EXISTS', 'dst'], ['ZUNIONSTORE', 'str', '1', 'a'], ['TYPE', 'str'],
    );
    await same(commands);
  });

  it('OBJECT ENCODING: listpack to skiplist by entries and value length, one way; store results shrink', async () => {
    const commands: string[][] = [];
    for (let i = 0; i < 130; i++) commands.push(['ZADD', 'big', String(i % 7), `m${i}`], ...(i > 125 ? [['OBJECT', 'ENCODING', 'big']] : []));
    commands.push(
      ['ZREMRANGEBYRANK', 'big', '0', '100'], ['OBJECT', 'ENCODING', 'big'], ['ZADD', 'long', '1', 'x'.repeat(64)], ['OBJECT', 'ENCODING', 'long'],
      ['ZADD', 'long', '1', 'x'.repeat(65)], ['OBJECT', 'ENCODING', 'long'], ['ZADD', 'first', '1', 'y'.repeat(65)], ['OBJECT', 'ENCODING', 'first'],
      ['ZUNIONSTORE', 'u', '1', 'big'], ['OBJECT', 'ENCODING', 'u'], ['ZRANGESTORE', 'r', 'long', '0', '0'], ['OBJECT', 'ENCODING', 'r'],
      ['ZRANGESTORE', 'r2', 'long', '0', '-1'], ['OBJECT', 'ENCODING', 'r2'], ['CONFIG', 'SET', 'zset-max-listpack-entries', '0'],
      ['ZADD', 'zero', '1', 'a'], ['OBJECT', 'ENCODING', 'zero'], ['ZADD', 'zero', '-0', 'neg'], ['ZSCORE', 'zero', 'neg'], ['ZUNIONSTORE', 'u2', '1', 'zero'],
      ['OBJECT', 'ENCODING', 'u2'], ['CONFIG', 'SET', 'zset-max-listpack-entries', '128'], ['ZUNIONSTORE', 'u3', '1', 'zero'], ['OBJECT', 'ENCODING', 'u3'],
      ['ZSCORE', 'u3', 'neg'], ['ZSCORE', 'zero', 'neg'], ['ZRANGE', 'zero', '0', '-1', 'WITHSCORES'], ['CONFIG', 'SET', 'zset-max-listpack-value', '0'],
      ['ZADD', 'v0', '1', ''], ['OBJECT', 'ENCODING', 'v0'], ['ZADD', 'v0', '1', 'a'], ['OBJECT', 'ENCODING', 'v0'], ['CONFIG', 'SET', 'zset-max-listpack-value', '64'],
      ['COPY', 'big', 'bigcopy'], ['OBJECT', 'ENCODING', 'bigcopy'], ['ZRANGE', 'bigcopy', '0', '-1', 'WITHSCORES'],
    );
    await same(commands);
  });

  it('ZSCAN of small and large sets, MATCH and COUNT, errors', async () => {
    const commands: string[][] = [['ZADD', 'small', '1', 'a', '2', 'b', '3', 'ab']];
    for (let i = 0; i < 300; i += 10) commands.push(['ZADD', 'large', ...Array.from({ length: 10 }, (_, j) => [String((i + j) * 0.5), `m${i + j}`]).flat()]);
    commands.push(
      ['ZSCAN', 'small', '0'], ['ZSCAN', 'small', '0', 'MATCH', 'a*'], ['ZSCAN', 'small', '0', 'COUNT', '1'], ['ZSCAN', 'large', 'FULL'],
      ['ZSCAN', 'large', 'FULL', 'MATCH', 'm1*', 'COUNT', '7'], ['ZSCAN', 'nokey', '0'], ['ZSCAN', 'nokey', '0', 'foo'], ['ZSCAN', 'small', 'x'],
      ['ZSCAN', 'small', '0', 'COUNT', '0'], ['ZSCAN', 'small', '0', 'COUNT', 'x'], ['ZSCAN', 'small', '0', 'foo', 'bar'], ['ZSCAN', 'small', '0', 'MATCH'],
      ['ZSCAN', 'small', '0', 'TYPE', 'zset'], ['SET', 'str', 'v'], ['ZSCAN', 'str', '0'],
    );
    await same(commands);
  });

  it('ZRANDMEMBER: shapes, counts and errors', async () => {
    await same([
      ['ZADD', 'z', '1', 'a', '2', 'b', '3', 'c'], ['ZRANDMEMBER', 'z'], ['ZRANDMEMBER', 'nokey'], ['ZRANDMEMBER', 'z', '0'], ['ZRANDMEMBER', 'z', '2'],
      ['ZRANDMEMBER', 'z', '5'], ['ZRANDMEMBER', 'z', '-5'], ['ZRANDMEMBER', 'z', '-5', 'WITHSCORES'], ['ZRANDMEMBER', 'z', '2', 'withscores'],
      ['ZRANDMEMBER', 'nokey', '5'], ['ZRANDMEMBER', 'z', 'x'], ['ZRANDMEMBER', 'z', '1', 'foo'], ['ZRANDMEMBER', 'z', '1', 'WITHSCORES', 'x'],
      ['ZRANDMEMBER', 'z', '-9223372036854775808'], ['ZRANDMEMBER', 'z', '-9223372036854775807', 'WITHSCORES'],
      ['ZRANDMEMBER', 'z', '4611686018427387904', 'WITHSCORES'], ['SET', 'str', 'v'], ['ZRANDMEMBER', 'str'], ['ZRANDMEMBER', 'str', '0'], ['ZRANDMEMBER', 'str', 'x'],
    ]);
  });

  it('BZPOPMIN, BZPOPMAX, BZMPOP: immediate pops, argument errors, short timeouts', async () => {
    await same([
      ['ZADD', 'z', '1', 'a', '2', 'b', '3', 'c'], ['SET', 'str', 'v'], ['BZPOPMIN', 'z', '0'], ['BZPOPMAX', 'nokey', 'z', '1'],
      ['BZPOPMIN', 'str', 'z', '0'], ['BZPOPMIN', 'z', 'str', '0'], ['BZPOPMIN', 'z', 'x'], ['BZPOPMIN', 'z', '-1'], ['BZPOPMIN', 'z', 'inf'],
      ['ZADD', 'z', '1', 'a', '2', 'b', '3', 'c'], ['BZMPOP', '0', '1', 'z', 'MAX', 'COUNT', '2'], ['BZMPOP', 'x', '0', 'z', 'MIN'],
      ['BZMPOP', '-1', '1', 'z', 'FOO'], ['BZMPOP', 'x', '1', 'z', 'MIN'], ['BZMPOP', '0', '1', 'z', 'MIN', 'COUNT', '0'], ['BZMPOP', '0', '2', 'z', 'MIN'],
      ['BZMPOP', '0', '1', 'z', 'MIN', 'COUNT', '5'], ['EXISTS', 'z'], ['BZPOPMIN', 'nokey', '0.01'], ['BZMPOP', '0.01', '1', 'nokey', 'MAX'],
      ['MULTI'], ['BZPOPMAX', 'nokey', '0'], ['BZMPOP', '0', '1', 'nokey', 'MIN'], ['EXEC'],
    ]);
  });

  it('blocked BZPOPMIN, BZPOPMAX, BZMPOP are served when another client writes (two connections each side)', async () => {
    const theirWaiter = await RespClient.connect(redis.port);
    try {
      const ourWaiter = engine.connect();
      const cases: Array<{ block: string[]; push: string[][] }> = [
        { block: ['BZPOPMIN', 'b1', 'b2', '0'], push: [['ZADD', 'b2', '2', 'x', '1', 'y']] },
        { block: ['BZPOPMAX', 'b3', '0'], push: [['ZADD', 'b3', '1', 'a', '5', 'b']] },
        { block: ['BZMPOP', '0', '2', 'b4', 'b5', 'MAX', 'COUNT', '2'], push: [['ZADD', 'b5', '1', 'a', '2', 'b', '3', 'c']] },
        { block: ['BZPOPMIN', 'b6', '0'], push: [['ZADD', 'src', '7', 'q'], ['ZUNIONSTORE', 'b6', '1', 'src']] },
        { block: ['BZPOPMIN', 'b7', '0'], push: [['ZINCRBY', 'b7', '3', 'm']] },
        // A key of another type keeps the client waiting; the next zset serves it.
        { block: ['BZPOPMIN', 'b8', '0'], push: [['SET', 'b8', 'v'], ['DEL', 'b8'], ['ZADD', 'b8', '1', 'z']] },
        // Created and emptied again inside one transaction: still waiting.
        { block: ['BZPOPMAX', 'b9', '0'], push: [['MULTI'], ['ZADD', 'b9', '1', 'a'], ['ZREM', 'b9', 'a'], ['EXEC'], ['ZADD', 'b9', '2', 'b']] },
        // Two of its keys ready after one EXEC: served by the one that became ready first.
        { block: ['BZPOPMIN', 'b10', 'b11', '0'], push: [['MULTI'], ['ZADD', 'b11', '1', 'x'], ['ZADD', 'b10', '1', 'y'], ['EXEC'], ['ZRANGE', 'b10', '0', '-1']] },
        { block: ['BZMPOP', '0.05', '1', 'b12', 'MIN'], push: [] },
        { block: ['BZPOPMIN', 'b12', '0.02'], push: [['SET', 'b12', 'v']] },
      ];
      for (const { block, push } of cases) {
        await expectSameServed({ conn, redis, ourWaiter, theirWaiter }, block, push);
        await same([['ZRANGE', 'b5', '0', '-1', 'WITHSCORES'], ['ZRANGE', 'b11', '0', '-1', 'WITHSCORES'], ['EXISTS', 'b6', 'b7']]);
      }
    } finally {
      theirWaiter.close();
    }
  });

  it('several clients blocked on one sorted set are served first blocked, first served', async () => {
    const theirs = await Promise.all([1, 2, 3].map(() => RespClient.connect(redis.port)));
    try {
      const ours = [1, 2, 3].map(() => engine.connect());
      const blocks = [['BZPOPMIN', 'f', '0'], ['BZPOPMAX', 'g', 'f', '0'], ['BZMPOP', '0', '1', 'f', 'MIN', 'COUNT', '2']];
      const ourReplies: Promise<unknown>[] = [];
      const theirReplies: Promise<unknown>[] = [];
      for (let i = 0; i < blocks.length; i++) {
        ourReplies.push(engineReply(ours[i]!, blocks[i]!));
        theirReplies.push(theirs[i]!.call(blocks[i]!));
        await redis.client.call(['PING']);
      }
      await same([['ZADD', 'f', '1', 'a', '2', 'b', '3', 'c', '4', 'd', '5', 'e'], ['ZRANGE', 'f', '0', '-1']]);
      for (let i = 0; i < blocks.length; i++) {
        expect(comparable((await ourReplies[i]) as never), blocks[i]!.join(' ')).toEqual(comparable((await theirReplies[i]) as never));
      }
    } finally {
      for (const client of theirs) client.close();
    }
  });

  it('random command sequences over a few keys (seeded)', async () => {
    for (const seed of [31, 32, 33, 34, 35, 36]) {
      await reset();
      const r = rng(seed);
      await same(Array.from({ length: 400 }, () => randomCommand(r, seed === 36)));
      await same(KEYS.map((key) => ['ZRANGE', key, '0', '-1', 'WITHSCORES']));
    }
  });

  it('large sets across the listpack threshold with close and infinite scores (seeded)', async () => {
    for (const seed of [41, 42]) {
      await reset();
      const r = rng(seed);
      const commands: string[][] = [];
      const scores = ['inf', '-inf', '0', '1', '1.0000000000000002', '0.9999999999999999', '1e-300', '-1e-300'];
      for (let i = 0; i < 60; i++) {
        const pairs = Array.from({ length: 10 }, () => [r() < 0.3 ? pick(r, scores) : String(Math.floor(r() * 50)), `m${Math.floor(r() * 400)}`]).flat();
        commands.push(['ZADD', 'big', ...pairs], ['ZCARD', 'big'], ['OBJECT', 'ENCODING', 'big']);
        // Equal scores: lex ranges are specified; members from a wide alphabet.
        commands.push(['ZADD', 'lexbig', ...Array.from({ length: 8 }, () => ['0', pick(r, MEMBERS) + String.fromCharCode(97 + Math.floor(r() * 26)) + Math.floor(r() * 30)]).flat()]);
        if (i % 9 === 0) commands.push(['ZREMRANGEBYLEX', 'lexbig', pick(r, LEX), pick(r, LEX)]);
        commands.push(randomRangeCommand(r, 'big', false), randomRangeCommand(r, 'lexbig'), ['ZRANK', 'big', `m${Math.floor(r() * 400)}`], ['ZREVRANK', 'big', `m${Math.floor(r() * 400)}`]);
        if (i % 5 === 0) commands.push(['ZREM', 'big', ...Array.from({ length: 5 }, () => `m${Math.floor(r() * 400)}`)]);
        if (i % 7 === 0) commands.push(['ZINCRBY', 'big', pick(r, ['1', '-1', '0.5']), `m${Math.floor(r() * 400)}`]);
      }
      commands.push(['ZRANGE', 'big', '0', '-1', 'WITHSCORES'], ['ZSCAN', 'big', 'FULL', 'COUNT', '13'], ['ZUNIONSTORE', 'u', '2', 'big', 'big', 'WEIGHTS', '1', '-1'],
        ['ZRANGE', 'u', '0', '-1', 'WITHSCORES'], ['ZPOPMAX', 'big', '10'], ['ZREMRANGEBYSCORE', 'big', '-inf', '(10'], ['ZRANGE', 'big', '0', '-1', 'WITHSCORES']);
      await same(commands);
    }
  });
});
