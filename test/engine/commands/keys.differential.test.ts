import { beforeEach, describe, expect, it } from 'vitest';
import type { Engine } from '../../../src/index.js';
import type { Connection } from '../../../src/engine/connection.js';
import { keyCommands } from '../../../src/engine/commands/keys.js';
import { expectSameCommandMetadata, expectSameReplies, haveRedis, type RedisOracle, useDifferentialSides } from '../../support/redis-server.js';
import { rng, pick, type Rand } from '../../support/random.js';

/** Seeded generator so a failing random sequence reproduces. */

const KEYS = ['a', 'b', 'c', 'key:1', 'key:2', '__proto__', 'constructor', ''];
const VALUES = ['', 'x', 'hello', '0', '42', '9999', '10000', '-1', '007', '9223372036854775807', '9223372036854775808', 'x'.repeat(44), 'x'.repeat(45)];
const PATTERNS = ['*', 'key:*', '?', '[ab]', '*o*', 'key:[^1]', '', '\\*', 'c*', '__*'];
const TTLS = ['100', '1000', '-1', '0', 'abc'];

/** One random command of the keys family (plus a few writers to vary the keyspace), valid or not. */
function randomCommand(r: Rand): string[] {
  const key = pick(r, KEYS);
  const other = pick(r, KEYS);
  switch (Math.floor(r() * 22)) {
    case 0: case 1: case 2: return ['SET', key, pick(r, VALUES)];
    case 3: return ['APPEND', key, pick(r, VALUES)];
    case 4: return ['INCR', key];
    case 5: return [pick(r, ['DEL', 'UNLINK']), ...Array.from({ length: 1 + Math.floor(r() * 3) }, () => pick(r, KEYS))];
    case 6: return ['EXISTS', ...Array.from({ length: 1 + Math.floor(r() * 4) }, () => pick(r, KEYS))];
    case 7: return ['TYPE', key];
    case 8: return [pick(r, ['RENAME', 'RENAMENX', 'rename']), key, other];
    case 9: {
      const options = pick(r, [[], ['REPLACE'], ['DB', '0'], ['db', '0', 'replace'], ['DB', '16'], ['DB', 'x'], ['DB'], ['FOO'], ['REPLACE', 'REPLACE']]);
      return ['COPY', key, other, ...options];
    }
    case 10: return ['TOUCH', key, other];
    case 11: return ['KEYS', pick(r, PATTERNS)];
    case 12: {
      const options = pick(r, [[], [], ['MATCH', pick(r, PATTERNS)], ['MATCH', pick(r, PATTERNS)], ['TYPE', pick(r, ['string', 'STRING', 'list', 'none'])], ['COUNT', '0'], ['MATCH'], ['BAD', 'x']]);
      return ['SCAN', pick(r, ['0', '0', '0', '0', '', 'x']), 'COUNT', '1000', ...options];
    }
    case 13: return ['DBSIZE'];
    case 14: return ['RANDOMKEY'];
    case 15: return ['OBJECT', pick(r, ['ENCODING', 'encoding', 'REFCOUNT']), key];
    case 16: return ['OBJECT', pick(r, ['FREQ', 'HELP', 'foo']), ...(r() < 0.5 ? [key] : [])];
    case 17: return ['EXPIRE', key, pick(r, TTLS)];
    case 18: return r() < 0.5 ? ['PERSIST', key] : ['EXPIRE', key, '500'];
    case 19: return ['TTL', key];
    case 20: return ['GET', key];
    default: {
      // Arity errors.
      return pick(r, [['DEL'], ['EXISTS'], ['TYPE'], ['TYPE', 'a', 'b'], ['RENAME', 'a'], ['COPY', 'a'], ['KEYS'], ['SCAN'], ['RANDOMKEY', 'x'], ['TOUCH'], ['OBJECT']]);
    }
  }
}

/** Order-free and time-free forms of replies whose exact value Redis leaves open. */
function normalize(argv: readonly string[], reply: unknown): unknown {
  const name = argv[0]!.toUpperCase();
  if (name === 'KEYS' && Array.isArray(reply)) return [...(reply as string[])].sort();
  if (name === 'SCAN' && Array.isArray(reply)) return [reply[0], [...(reply[1] as string[])].sort()];
  if (name === 'RANDOMKEY') return reply === null ? null : 'some key';
  if (['TTL', 'PTTL', 'EXPIRETIME', 'PEXPIRETIME'].includes(name) && typeof reply === 'number' && reply >= 0) return 'a deadline';
  return reply;
}

/** COMMAND INFO with subcommands by name: Redis lists them in its (seeded) dict order. */
function sortSubcommands(info: unknown): unknown {
  const entry = [...(info as unknown[])];
  entry[9] = [...(entry[9] as unknown[][])].sort((x, y) => String(x[0]).localeCompare(String(y[0])));
  return entry;
}

// Differential: needs a real redis-server (CI installs it); skipped where it is absent.
describe.skipIf(!haveRedis)('keys commands against Redis 7.0', () => {
  let redis: RedisOracle;
  let engine: Engine;
  let conn: Connection;

  const reset = useDifferentialSides((sides) => ({ redis, engine, conn } = sides));
  beforeEach(async () => {
    await redis.client.call(['CONFIG', 'SET', 'maxmemory-policy', 'noeviction']);
  });

  const same = (commands: readonly (readonly string[])[]) => expectSameReplies(conn, redis.client, commands, normalize);

  it('COMMAND INFO and DOCS of every keys command match', async () => {
    const names = keyCommands.flatMap((spec) => [spec.name, ...(spec.subcommands ?? []).map((sub) => sub.name)]);
    expect(names).toContain('object|freq');
    await expectSameCommandMetadata(conn, redis.client, names, sortSubcommands);
    await same([
      ['COMMAND', 'GETKEYSANDFLAGS', 'RENAME', 'a', 'b'], ['COMMAND', 'GETKEYSANDFLAGS', 'COPY', 'a', 'b', 'DB', '0'],
      ['COMMAND', 'GETKEYSANDFLAGS', 'DEL', 'a', 'b', 'c'], ['COMMAND', 'GETKEYSANDFLAGS', 'OBJECT', 'ENCODING', 'k'],
      ['COMMAND', 'GETKEYS', 'TOUCH', 'a', 'b'], ['COMMAND', 'GETKEYS', 'SCAN', '0'],
    ]);
  });

  it('RENAME, RENAMENX and COPY: same-key rules, missing keys, options', async () => {
    await same([
      ['RENAME', 'a', 'a'], ['RENAMENX', 'a', 'a'], ['RENAME', 'a', 'b'], ['SET', 'a', '1'], ['RENAME', 'a', 'a'],
      ['RENAMENX', 'a', 'a'], ['SET', 'b', '2'], ['RENAMENX', 'a', 'b'], ['RENAME', 'a', 'b'], ['GET', 'b'], ['EXISTS', 'a', 'b'],
      ['COPY', 'b', 'b'], ['COPY', 'x', 'x'], ['COPY', 'x', 'y'], ['COPY', 'b', 'c', 'DB', '0'], ['COPY', 'b', 'c'],
      ['COPY', 'b', 'c', 'REPLACE'], ['COPY', 'b', 'b', 'DB', '0'], ['COPY', 'b', 'c', 'DB', '16'], ['COPY', 'b', 'c', 'DB', '-1'],
      ['COPY', 'b', 'c', 'DB', '2147483648'], ['COPY', 'b', 'c', 'DB', '+0'], ['COPY', 'b', 'c', 'DB'], ['COPY', 'b', 'c', 'REPLACE', 'x'],
      ['COPY', 'b', 'd', 'db\0x', '0'], ['SET', 'e', 'v', 'EX', '100'], ['COPY', 'e', 'f'], ['TTL', 'f'], ['RENAME', 'e', 'g'], ['TTL', 'g'],
    ]);
  });

  it('OBJECT ENCODING and REFCOUNT for string shapes, HELP and errors', async () => {
    const commands: string[][] = [];
    for (const value of [...VALUES, '-0', '1e3', '12345678901234567890', '-9223372036854775808', ' 1', '3.0', 'é'.repeat(22), 'é'.repeat(23)]) {
      commands.push(['SET', 'k', value], ['OBJECT', 'ENCODING', 'k'], ['OBJECT', 'REFCOUNT', 'k']);
    }
    commands.push(
      ['SET', 'r', 'abc'], ['APPEND', 'r', 'd'], ['OBJECT', 'ENCODING', 'r'], ['INCR', 'n'], ['OBJECT', 'ENCODING', 'n'],
      ['OBJECT', 'ENCODING', 'nokey'], ['OBJECT', 'REFCOUNT', 'nokey'], ['OBJECT', 'FREQ', 'nokey'], ['OBJECT', 'HELP'],
      ['OBJECT', 'help'], ['OBJECT', 'HELP', 'x'], ['OBJECT'], ['OBJECT', 'ENCODING'], ['OBJECT', 'ENCODING', 'a', 'b'], ['OBJECT', 'nope'],
      ['OBJECT', 'FREQ', 'k'], ['CONFIG', 'SET', 'maxmemory-policy', 'allkeys-lfu'], ['OBJECT', 'IDLETIME', 'k'],
      ['OBJECT', 'IDLETIME', 'nokey'], ['SET', 'fresh', 'v'], ['OBJECT', 'FREQ', 'fresh'], ['CONFIG', 'SET', 'maxmemory-policy', 'volatile-lru'],
      ['OBJECT', 'FREQ', 'k'], ['SET', 'small', '12'], ['OBJECT', 'REFCOUNT', 'small'], ['CONFIG', 'SET', 'maxmemory-policy', 'noeviction'],
    );
    await same(commands);
  });

  it('SCAN cursors, options and errors; KEYS patterns', async () => {
    const commands: string[][] = [];
    for (const key of KEYS) commands.push(['SET', key, 'v']);
    for (const cursor of ['0', '', '+0', '00', '-0', ' 0', 'x', '-', '1.0', '18446744073709551616', '0x0']) {
      commands.push(['SCAN', cursor, 'COUNT', '100']);
    }
    commands.push(
      ['SCAN', '0', 'COUNT', '0'], ['SCAN', '0', 'COUNT', '-5'], ['SCAN', '0', 'COUNT', 'ten'], ['SCAN', '0', 'COUNT'],
      ['SCAN', '0', 'MATCH', 'key:*', 'COUNT', '100'], ['SCAN', '0', 'count', '100', 'match', '*o*', 'type', 'STRING'],
      ['SCAN', '0', 'COUNT', '100', 'TYPE', 'hash'], ['SCAN', '0', 'COUNT', '100', 'TYPE', 'str'], ['SCAN', '0', 'TYPE'],
      ['SCAN', '0', 'COUNT', '100', 'MATCH', 'nope', 'MATCH', '*'], ['SCAN', 'x', 'COUNT', '0'], ['SCAN', '0', 'COUNT', '0', 'MATCH'],
    );
    for (const pattern of [...PATTERNS, '**', '[', '[]', 'key:\\1', '[a-', 'K*']) commands.push(['KEYS', pattern]);
    await same(commands);
  });

  it('random command sequences over a few keys (seeded)', async () => {
    for (const seed of [11, 12, 13, 14, 15, 16]) {
      await reset();
      const r = rng(seed);
      const commands = Array.from({ length: 400 }, () => randomCommand(r));
      await same(commands);
      await same([['KEYS', '*'], ['DBSIZE'], ['MGET', ...KEYS], ['SCAN', '0', 'COUNT', '1000']]);
    }
  });
});
