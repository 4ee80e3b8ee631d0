import { describe, expect, it } from 'vitest';
import type { Engine } from '../../../src/index.js';
import type { Connection } from '../../../src/engine/connection.js';
import type { Entry } from '../../../src/engine/keyspace.js';
import { parseInt64 } from '../../../src/engine/parse.js';
import { stringCommands } from '../../../src/engine/commands/string.js';
import { comparable, expectSameCommandMetadata, expectSameReplies, haveRedis, type RedisOracle, useDifferentialSides } from '../../support/redis-server.js';
import { rng, pick, type Rand } from '../../support/random.js';

/** Seeded generator so a failing random sequence reproduces. */

const digits = (r: Rand, n: number): string => Array.from({ length: n }, () => String(Math.floor(r() * 10))).join('');

/** Random INCRBYFLOAT operands: integers, decimals, exponents, hex, tiny, huge, and junk. */
function floatOperand(r: Rand): string {
  const sign = pick(r, ['', '', '-', '+']);
  switch (Math.floor(r() * 9)) {
    case 0: return sign + digits(r, 1 + Math.floor(r() * 20));
    case 1: return sign + digits(r, 1 + Math.floor(r() * 6)) + '.' + digits(r, 1 + Math.floor(r() * 20));
    case 2: return sign + digits(r, 1 + Math.floor(r() * 4)) + '.' + digits(r, Math.floor(r() * 5)) + pick(r, ['e', 'E']) + pick(r, ['', '-', '+']) + Math.floor(r() * 40);
    case 3: return sign + '0.' + '0'.repeat(Math.floor(r() * 20)) + digits(r, 1 + Math.floor(r() * 5));
    case 4: return sign + digits(r, 1 + Math.floor(r() * 3)) + 'e' + pick(r, ['', '-']) + Math.floor(r() * 5000);
    case 5: return sign + pick(r, ['0x', '0X']) + Array.from({ length: 1 + Math.floor(r() * 18) }, () => pick(r, [...'0123456789abcdefABCDEF'])).join('') + pick(r, ['', '', `p${Math.floor(r() * 300 - 150)}`, '.8', '.Fp-3']);
    case 6: return sign + pick(r, ['0.1', '0.2', '0.3', '1.1', '2.5', '3.0', '1e20', '1e-20', '5e-20', '1.5e300', '99999999999999999', '0.000003814697265625', '9223372036854775807', '1.18973149535723176502e+4932', '3.6e-4951']);
    case 7: return sign + digits(r, 1 + Math.floor(r() * 3)) + '.' + digits(r, 1 + Math.floor(r() * 3));
    default: return pick(r, ['abc', '', ' 1', '1 ', '1e', '.', 'nan', 'NaN', 'inf', '-inf', 'Infinity', '1.2.3', '0x', '--1', '+-1', '1e-5000', '1e5000', '0x1p16384', '0x1p-16446', '1,5', '1d', '1_0', 'infinit']);
  }
}

const KEYS = ['k1', 'k2', 'k3', 'n1', 'n2', 'f'];
const VALUES = ['', 'a', 'hello', 'hello world', 'ohmytext', 'mynewtext', '0', '1', '-1', '42', '007', '+5', ' 5', '3.5', '1e3', '9223372036854775807',
  '-9223372036854775808', '9223372036854775806', '18446744073709551616', 'x'.repeat(45), 'é', '12345678901234567890123456789012345678901234'];
const NUMBERS = ['0', '1', '-1', '42', '-7', '100', '9223372036854775807', '-9223372036854775808', '9223372036854775806', '4611686018427387904', '2.5', '0.1'];
const INTEGERS = ['1', '-1', '0', '10', '-10', '5', '-5', '1000', '-1000', '4611686018427387904', '9223372036854775807', '-9223372036854775808', '9223372036854775808', '4611686018427387904', '1.5', 'abc', '', '+1', '01', ' 1'];
const RELATIVE = ['100', '100000', '0', '-5', 'abc', '9223372036854775807', '9223372036854775', '1.5', '3600'];
const ABSOLUTE = ['1', '0', '4102444800', '4102444800000', '9223372036854775', '9223372036854776', 'x', '-1'];
const INDEXES = ['0', '1', '-1', '2', '-3', '5', '100', '-100', '9223372036854775807', '-9223372036854775808', 'a', '1.5'];
const OFFSETS = ['0', '1', '3', '10', '-1', 'abc', '536870912', '9223372036854775807', '9223372036854775808', '1000'];

function expireOption(r: Rand): string[] {
  const opt = pick(r, ['EX', 'PX', 'EXAT', 'PXAT', 'ex', 'pxat']);
  const value = /at$/i.test(opt) ? pick(r, ABSOLUTE) : pick(r, RELATIVE);
  return r() < 0.1 ? [opt] : [opt, value];
}

/** One random command of the string family, valid or not. */
function randomCommand(r: Rand): string[] {
  const key = pick(r, KEYS);
  // Counter keys mostly hold numbers, so INCR & co. get past their parse step.
  const value = key.startsWith('n') && r() < 0.7 ? pick(r, NUMBERS) : pick(r, VALUES);
  switch (Math.floor(r() * 27)) {
    case 0: case 1: {
      const options: string[][] = [];
      for (let i = Math.floor(r() * 4); i > 0; i--) {
        options.push(pick(r, [['NX'], ['XX'], ['GET'], ['KEEPTTL'], ['get'], ['nx'], ['PERSIST'], ['FOO']]));
        if (r() < 0.4) options.push(expireOption(r));
      }
      return ['SET', key, value, ...options.flat()];
    }
    case 2: return ['SETNX', key, value];
    case 3: return ['SETEX', key, pick(r, RELATIVE), value];
    case 4: return ['PSETEX', key, pick(r, RELATIVE), value];
    case 5: return ['GETSET', key, value];
    case 6: return ['GETDEL', key];
    case 7: case 8: return ['GET', key];
    case 9: {
      const options: string[][] = [];
      for (let i = Math.floor(r() * 3); i > 0; i--) options.push(r() < 0.3 ? pick(r, [['PERSIST'], ['persist'], ['KEEPTTL'], ['NX']]) : expireOption(r));
      return ['GETEX', key, ...options.flat()];
    }
    case 10: return ['MGET', ...KEYS.filter(() => r() < 0.5), key];
    case 11: case 12: {
      const argv = [r() < 0.3 ? 'MSETNX' : 'MSET'];
      for (let i = 1 + Math.floor(r() * 3); i > 0; i--) argv.push(pick(r, KEYS), pick(r, VALUES));
      if (r() < 0.1) argv.pop();
      return argv;
    }
    case 13: return ['APPEND', key, value];
    case 14: return ['STRLEN', key];
    case 15: return [pick(r, ['GETRANGE', 'SUBSTR']), key, pick(r, INDEXES), pick(r, INDEXES)];
    case 16: return ['SETRANGE', key, pick(r, OFFSETS), pick(r, ['', 'Z', 'abc', 'xyzzy'])];
    case 17: case 18: return [pick(r, ['INCR', 'DECR']), key];
    case 19: case 20: return [pick(r, ['INCRBY', 'DECRBY']), key, pick(r, INTEGERS)];
    case 21: case 22: return ['INCRBYFLOAT', key, floatOperand(r)];
    case 23: {
      const options = [['IDX'], ['LEN'], ['WITHMATCHLEN'], ['MINMATCHLEN', pick(r, ['0', '1', '2', '4', '-3', 'x'])], ['MINMATCHLEN'], ['BAD']];
      return ['LCS', key, pick(r, KEYS), ...Array.from({ length: Math.floor(r() * 3) }, () => pick(r, options)).flat()];
    }
    case 24: return [pick(r, ['GET', 'SET', 'SETEX', 'INCRBY', 'GETRANGE', 'MSET', 'LCS', 'GETEX', 'APPEND'])];
    case 25: return ['SET', key, value, 'PXAT', '1'];
    default: return ['MGET', ...KEYS];
  }
}

/** Keys whose encoding Redis derives from content: int, embstr (≤ 44 bytes) or raw. */
function expectedEncoding(entry: Entry): string {
  if (entry.encoding !== undefined) return entry.encoding;
  if (entry.value.length <= 20 && parseInt64(entry.value) !== null) return 'int';
  return entry.value.length <= 44 ? 'embstr' : 'raw';
}

// Differential: needs a real redis-server (CI installs it); skipped where it is absent.
describe.skipIf(!haveRedis)('string commands against Redis 7.0', () => {
  let redis: RedisOracle;
  let engine: Engine;
  let conn: Connection;

  const reset = useDifferentialSides((sides) => ({ redis, engine, conn } = sides));

  /** A list at `key` on both sides (the engine gets a stand-in entry of another type). */
  async function putList(key: string): Promise<void> {
    await redis.client.call(['RPUSH', key, 'x']);
    engine.db.set(key, { type: 'list', value: ['x'], expireAt: 0, access: 0, slot: 0 } as unknown as Entry);
  }

  it('COMMAND INFO and DOCS of every string command match', async () => {
    await expectSameCommandMetadata(conn, redis.client, stringCommands.map((spec) => spec.name));
    // SET's key flags depend on its GET argument (variable_flags).
    await expectSameReplies(conn, redis.client, [
      ['COMMAND', 'GETKEYSANDFLAGS', 'SET', 'k', 'v'], ['COMMAND', 'GETKEYSANDFLAGS', 'SET', 'k', 'v', 'EX', '1', 'get'],
      ['COMMAND', 'GETKEYSANDFLAGS', 'SET', 'k', 'v', 'GET'], ['COMMAND', 'GETKEYSANDFLAGS', 'MSET', 'a', '1', 'b', '2'],
      ['COMMAND', 'GETKEYSANDFLAGS', 'LCS', 'a', 'b'], ['COMMAND', 'GETKEYSANDFLAGS', 'GETEX', 'a', 'PERSIST'],
    ]);
  });

  it('SET options: combinations, repeats and errors', async () => {
    await putList('L');
    await expectSameReplies(conn, redis.client, [
      ['SET', 'k', 'v', 'EX', '10', 'EX', '20'], ['SET', 'k', 'v', 'EX', '10', 'PX', '20'], ['SET', 'k', 'v', 'KEEPTTL', 'EX', '10'],
      ['SET', 'k', 'v', 'EX', '10', 'KEEPTTL'], ['SET', 'k', 'v', 'GET', 'GET'], ['SET', 'k', 'v', 'NX', 'NX'], ['SET', 'k', 'v', 'NX', 'XX'],
      ['SET', 'k', 'v', 'XX', 'NX'], ['SET', 'k', 'v', 'EX'], ['SET', 'k', 'v', 'EX', 'abc'], ['SET', 'k', 'v', 'EX', '1.5'],
      ['SET', 'k', 'v', 'EX', '0'], ['SET', 'k', 'v', 'EX', '-1'], ['SET', 'k', 'v', 'PX', '0'], ['SET', 'k', 'v', 'EXAT', '0'],
      ['SET', 'k', 'v', 'PXAT', '0'], ['SET', 'k', 'v', 'EX', '9223372036854775'], ['SET', 'k', 'v', 'EX', '9223372036854776'],
      ['SET', 'k', 'v', 'EXAT', '9223372036854775'], ['SET', 'k', 'v', 'EXAT', '9223372036854776'], ['SET', 'k', 'v', 'PX', '9223372036854775807'],
      ['SET', 'k', 'v', 'PXAT', '9223372036854775807'], ['SET', 'k', 'v', 'EX', '9223372036854775808'], ['SET', 'k', 'v', 'ex', '10', 'foo'],
      ['SET', 'k', 'v', 'persist'], ['SET', 'k', 'w', 'get', 'xx'], ['SET', 'nk', 'w', 'GET', 'XX'], ['SET', 'nk', 'w', 'GET', 'NX'],
      ['SET', 'nk', 'z', 'GET', 'NX'], ['SET', 'L', 'v', 'GET'], ['SET', 'L', 'v', 'EX', '0', 'GET'], ['SET', 'L', 'v', 'GET', 'NX'],
      ['SET', 'L', 'v', 'NX'], ['SET', 'L', 'v'], ['GET', 'L'], ['SET', 'p', 'v', 'PXAT', '1'], ['GET', 'p'], ['SET', 'p', 'v', 'EXAT', '1', 'GET'],
      ['SET', 'p', 'v', 'XX'], ['SET', 'k', 'v', 'NX\0junk'], ['SET', 'k', 'v', 'KEEPTTL\0x'],
    ]);
  });

  it('SETNX, SETEX, PSETEX, GETSET, GETDEL, GETEX', async () => {
    await putList('L');
    await expectSameReplies(conn, redis.client, [
      ['SETNX', 'a', '1'], ['SETNX', 'a', '2'], ['GET', 'a'], ['SETEX', 'a', '0', 'v'], ['SETEX', 'a', 'abc', 'v'], ['SETEX', 'a', '9223372036854776', 'v'],
      ['PSETEX', 'a', '0', 'v'], ['PSETEX', 'a', '-5', 'v'], ['SETEX', 'a', '100', 'v'], ['PSETEX', 'a', '100000', 'w'], ['GET', 'a'],
      ['GETEX', 'nokey', 'EX', '-5'], ['GETEX', 'nokey', 'EX', 'abc'], ['GETEX', 'nokey', 'foo'], ['GETEX', 'a', 'PERSIST', 'EX', '10'],
      ['GETEX', 'a', 'EX', '10', 'PERSIST'], ['GETEX', 'a', 'EX', '-5'], ['GETEX', 'a', 'EX', 'abc'], ['GETEX', 'a', 'EXAT', '0'],
      ['GETEX', 'a', 'KEEPTTL'], ['GETEX', 'a', 'NX'], ['GETEX', 'a', 'GET'], ['GETEX', 'a', 'persist', 'persist'], ['GETEX', 'a', 'EX', '10', 'EX', '20'],
      ['GETEX', 'a', 'EX'], ['GETEX', 'a', 'PXAT', '1'], ['GET', 'a'], ['GETEX', 'L'], ['GETEX', 'L', 'EX', '-5'], ['GETEX', 'L', 'foo'],
      ['GETDEL', 'L'], ['GETSET', 'L', 'v'], ['GETSET', 'L', 'w'], ['GETDEL', 'L'], ['GETDEL', 'L'], ['GETSET', 'g', '1'], ['GET', 'g'],
    ]);
  });

  it('MGET, MSET, MSETNX, APPEND, STRLEN', async () => {
    await putList('L');
    await expectSameReplies(conn, redis.client, [
      ['MSET', 'a', '1', 'b'], ['MSETNX', 'a', '1', 'b'], ['MSET', 'a', '1', 'b', '2', 'a', '3'], ['MGET', 'a', 'b', 'L', 'none'],
      ['MSETNX', 'L', '1', 'z', '2'], ['GET', 'z'], ['MSETNX', 'm', '1', 'm', '2'], ['GET', 'm'], ['MSETNX', 'm', '1', 'n', '2'],
      ['APPEND', 'L', 'x'], ['STRLEN', 'L'], ['APPEND', 'ap', 'hello'], ['APPEND', 'ap', ' world'], ['APPEND', 'ap', ''], ['GET', 'ap'],
      ['STRLEN', 'ap'], ['STRLEN', 'none'], ['APPEND', 'n', '5'], ['APPEND', 'n', '6'], ['INCR', 'n'],
    ]);
  });

  it('GETRANGE, SUBSTR and SETRANGE', async () => {
    await putList('L');
    await expectSameReplies(conn, redis.client, [
      ['SET', 'a', 'ohmytext'], ['SET', 'e', ''], ['GETRANGE', 'a', '0', '-1'], ['GETRANGE', 'a', '-3', '-1'], ['GETRANGE', 'a', '-1', '-3'],
      ['GETRANGE', 'a', '5', '2'], ['GETRANGE', 'a', '-100', '2'], ['GETRANGE', 'a', '2', '100'],
      ['GETRANGE', 'a', '-9223372036854775808', '-9223372036854775807'], ['GETRANGE', 'a', '-9223372036854775807', '-9223372036854775808'],
      ['GETRANGE', 'a', '9223372036854775807', '9223372036854775807'], ['GETRANGE', 'a', '-9007199254740993', '-9007199254740992'],
      ['GETRANGE', 'e', '0', '-1'], ['GETRANGE', 'e', '0', '0'], ['GETRANGE', 'none', '0', '-1'], ['GETRANGE', 'a', 'x', '1'],
      ['GETRANGE', 'L', '0', '1'], ['GETRANGE', 'L', 'x', '1'], ['SUBSTR', 'a', '1', '2'], ['SET', 'n', '12345'], ['GETRANGE', 'n', '1', '2'],
      ['SETRANGE', 'L', '0', 'x'], ['SETRANGE', 'L', '-1', 'x'], ['SETRANGE', 'L', 'a', 'x'], ['SETRANGE', 'a', '-1', ''],
      ['SETRANGE', 'a', '2', 'XY'], ['SETRANGE', 'a', '10', 'Z'], ['GET', 'a'], ['SETRANGE', 'a', '536870912', 'x'],
      ['SETRANGE', 'a', '536870912', ''], ['SETRANGE', 'nk', '536870912', 'x'], ['SETRANGE', 'nk', '5', ''], ['GET', 'nk'],
      ['SETRANGE', 'a', '9223372036854775807', 'x'], ['SETRANGE', 'a', '9223372036854775808', 'x'], ['SETRANGE', 'nk', '3', 'abc'], ['GET', 'nk'],
      ['SETRANGE', 'n', '0', '9'], ['INCR', 'n'],
    ]);
  });

  it('INCR, DECR, INCRBY, DECRBY at the int64 limits', async () => {
    await putList('L');
    await expectSameReplies(conn, redis.client, [
      ['INCR', 'c'], ['INCRBY', 'c', '9223372036854775806'], ['INCR', 'c'], ['DECRBY', 'c', '-1'], ['SET', 'c', '-9223372036854775808'],
      ['DECR', 'c'], ['INCRBY', 'c', '-1'], ['INCRBY', 'c', '9223372036854775807'], ['DECRBY', 'c', '-9223372036854775808'],
      ['DECRBY', 'L', '-9223372036854775808'], ['DECRBY', 'c', '9223372036854775807'], ['INCRBY', 'c', '9223372036854775808'],
      ['INCRBY', 'c', '1.5'], ['INCR', 'L'], ['SET', 's', ' 1'], ['INCR', 's'], ['SET', 's', '+1'], ['INCR', 's'], ['SET', 's', '01'],
      ['INCR', 's'], ['SET', 's', '9007199254740993'], ['INCR', 's'], ['DECRBY', 's', '18014398509481984'], ['INCRBY', 'big', '-4611686018427387904'],
      ['DECRBY', 'big', '4611686018427387904'], ['DECR', 'big'],
    ]);
  });

  it('INCRBYFLOAT errors and formatting', async () => {
    await putList('L');
    await expectSameReplies(conn, redis.client, [
      ['INCRBYFLOAT', 'L', '1'], ['INCRBYFLOAT', 'L', 'abc'], ['SET', 'k', 'v'], ['INCRBYFLOAT', 'k', '1'], ['INCRBYFLOAT', 'nk', 'abc'],
      ['INCRBYFLOAT', 'f', '0.1'], ['INCRBYFLOAT', 'f', '0.2'], ['INCRBYFLOAT', 'f', '1e4932'], ['INCRBYFLOAT', 'f', 'inf'],
      ['INCRBYFLOAT', 'f', '-0.3'], ['INCRBYFLOAT', 'f', '\0'], ['INCRBYFLOAT', 'f', '1\0'], ['SET', 'f', '1\0'], ['INCRBYFLOAT', 'f', '1'],
      ['SET', 'f', '0'.repeat(5118) + '1'], ['INCRBYFLOAT', 'f', '0'], ['SET', 'f', '0'.repeat(5119) + '1'], ['INCRBYFLOAT', 'f', '0'],
      ['INCRBYFLOAT', 'f', '0.' + '0'.repeat(5116) + '1'],
    ]);
  });

  it('INCRBYFLOAT of thousands of random operands', async () => {
    const r = rng(20240601);
    for (let round = 0; round < 10; round++) {
      const pairs = Array.from({ length: 500 }, () => [floatOperand(r), floatOperand(r)] as const);
      const theirs = pairs.map(([a, b]) => {
        void redis.client.call(['SET', 'f', a]);
        return redis.client.call(['INCRBYFLOAT', 'f', b]);
      });
      const replies = await Promise.all(theirs);
      pairs.forEach(([a, b], i) => {
        conn.callSync(['SET', 'f', a]);
        expect(comparable(conn.callSync(['INCRBYFLOAT', 'f', b])), `${a} + ${b}`).toEqual(comparable(replies[i]!));
      });
    }
  });

  it('LCS: text, LEN, IDX with MINMATCHLEN and WITHMATCHLEN, errors', async () => {
    await putList('L');
    await expectSameReplies(conn, redis.client, [
      ['SET', 'a', 'ohmytext'], ['SET', 'b', 'mynewtext'], ['SET', 'e', ''], ['LCS', 'a', 'L'], ['LCS', 'L', 'a', 'foo'], ['LCS', 'L', 'nokey', 'LEN', 'IDX'],
      ['LCS', 'a', 'b'], ['LCS', 'a', 'b', 'LEN'], ['LCS', 'a', 'b', 'IDX'], ['LCS', 'a', 'b', 'IDX', 'WITHMATCHLEN'], ['LCS', 'a', 'b', 'IDX', 'MINMATCHLEN', '4'],
      ['LCS', 'a', 'b', 'IDX', 'MINMATCHLEN', '4', 'WITHMATCHLEN'], ['LCS', 'a', 'b', 'LEN', 'WITHMATCHLEN'], ['LCS', 'a', 'b', 'WITHMATCHLEN'],
      ['LCS', 'a', 'b', 'MINMATCHLEN', '2'], ['LCS', 'a', 'b', 'idx', 'len'], ['LCS', 'a', 'nokey', 'IDX'], ['LCS', 'a', 'e', 'IDX'], ['LCS', 'nk', 'nk2'],
      ['LCS', 'a', 'b', 'MINMATCHLEN'], ['LCS', 'a', 'b', 'MINMATCHLEN', 'abc'], ['LCS', 'a', 'b', 'MINMATCHLEN', '-5', 'IDX'], ['LCS', 'a', 'a', 'IDX'],
      ['LCS', 'a', 'b', 'IDX', 'MINMATCHLEN', '9223372036854775807'], ['LCS', 'a', 'b', 'LEN\0x'],
    ]);
    const r = rng(7);
    const commands: string[][] = [];
    for (let i = 0; i < 150; i++) {
      const gen = () => Array.from({ length: Math.floor(r() * 40) }, () => pick(r, ['a', 'b', 'c', 'd', 'a', 'b'])).join('');
      commands.push(['MSET', 'x', gen(), 'y', gen()], ['LCS', 'x', 'y'], ['LCS', 'x', 'y', 'IDX', 'WITHMATCHLEN'], ['LCS', 'y', 'x', 'IDX', 'MINMATCHLEN', '2']);
    }
    await expectSameReplies(conn, redis.client, commands);
  });

  it('random command sequences over a few keys (seeded)', async () => {
    for (const seed of [1, 2, 3, 4, 5, 6]) {
      await reset();
      const r = rng(seed);
      const commands = Array.from({ length: 400 }, () => randomCommand(r));
      await expectSameReplies(conn, redis.client, commands);
      await expectSameReplies(conn, redis.client, [['MGET', ...KEYS]]);
      // Encodings: the entry's field (or the content rule) must say what OBJECT ENCODING says.
      for (const key of KEYS) {
        const entry = engine.db.peek(key);
        const theirs = await redis.client.call(['OBJECT', 'ENCODING', key]);
        expect(entry === undefined ? null : expectedEncoding(entry), `seed ${seed} key ${key}`).toEqual(theirs);
      }
    }
  });
});
