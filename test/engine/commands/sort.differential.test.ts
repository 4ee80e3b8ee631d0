import { describe, it } from 'vitest';
import type { Connection } from '../../../src/engine/connection.js';
import { sortCommands } from '../../../src/engine/commands/sort.js';
import { expectSameCommandMetadata, expectSameReplies, haveRedis, type RedisOracle, useDifferentialSides } from '../../support/redis-server.js';
import { pick, rng, type Rand } from '../../support/random.js';

const NUMBERS = ['3', '1', '2', '10', '-5', '0', '1.5', '1e3', ' 7', '0x10', 'inf', '-inf', '', '007', '2'];
const WORDS = ['pear', 'apple', 'Banana', 'cherry', 'apple2', 'a', 'zz', 'kiwi'];
const OPTIONS: string[][] = [
  [], ['DESC'], ['ALPHA'], ['ALPHA', 'DESC'], ['LIMIT', '0', '3'], ['LIMIT', '2', '2'], ['LIMIT', '-1', '2'], ['LIMIT', '1', '-1'],
  ['LIMIT', '10', '5'], ['LIMIT', '0', '0'], ['BY', 'nosort'], ['BY', 'nosort', 'DESC'], ['BY', 'nosort', 'LIMIT', '1', '2'],
  ['BY', 'nosort', 'DESC', 'LIMIT', '1', '2'], ['BY', 'w_*'], ['BY', 'w_*', 'DESC'], ['BY', 'w_*', 'ALPHA'], ['BY', 'h_*->f'],
  ['BY', 'h_*->f', 'LIMIT', '0', '2'], ['GET', '#'], ['GET', 'o_*'], ['GET', '#', 'GET', 'o_*', 'GET', 'h_*->g'], ['GET', 'h_*->'],
  ['GET', 'nostar'], ['asc'], ['LIMIT', '0'], ['LIMIT', 'x', '1'], ['BY'], ['GET'], ['FOO'], ['STORE'], ['DESC', 'ASC'],
];

/** Random elements for lists, sets and sorted sets, numbers and words mixed by the caller. */
function elements(r: Rand, pool: readonly string[]): string[] {
  return Array.from({ length: 1 + Math.floor(r() * 6) }, () => pick(r, pool));
}

/** Tie-free weights and hashes for BY/GET, so every reply is fully determined. */
function externals(r: Rand): string[][] {
  const commands: string[][] = [];
  const all = [...new Set([...NUMBERS, ...WORDS])];
  const weights = all.map((_, i) => String(i * 7 % all.length));
  all.forEach((element, i) => {
    if (r() < 0.8) commands.push(['SET', `w_${element}`, weights[i]!]);
    if (r() < 0.5) commands.push(['SET', `o_${element}`, `other-${i}`]);
    if (r() < 0.6) commands.push(['HSET', `h_${element}`, 'f', weights[i]!, 'g', `g${i}`]);
  });
  commands.push(['LPUSH', 'w_pear', 'x'], ['SET', 'h_apple', 'not a hash']);
  return commands;
}

/** BY pattern, STORE and LIMIT of a SORT line, read as the parser reads them. */
function shape(argv: readonly string[]): { by: string | null; store: boolean; limit: boolean; alpha: boolean } {
  const out = { by: null as string | null, store: false, limit: false, alpha: false };
  for (let j = 2; j < argv.length; j++) {
    const token = argv[j]!.toUpperCase();
    const left = argv.length - j - 1;
    if (token === 'LIMIT' && left >= 2) {
      out.limit = true;
      j += 2;
    } else if (token === 'BY' && left >= 1) out.by = argv[++j]!;
    else if (token === 'STORE' && left >= 1) {
      out.store = argv[0]!.toUpperCase() === 'SORT';
      j++;
    } else if (token === 'GET' && left >= 1) j++;
    else if (token === 'ALPHA') out.alpha = true;
  }
  return out;
}

/**
 * Orders Redis leaves open: set elements under BY without `*` come in hash order, and
 * ALPHA by a pattern ties every element whose BY value is missing (qsort keeps no order
 * among equals). Such replies are compared as multisets.
 */
function normalize(argv: readonly string[], reply: unknown): unknown {
  if (!/^sort(_ro)?$/i.test(argv[0]!) || !Array.isArray(reply)) return reply;
  const { by, store, limit, alpha } = shape(argv);
  if (alpha && by !== null && by.includes('*')) return [...(reply as unknown[])].map(String).sort();
  if (!['s', 'ws'].includes(argv[1]!) || by === null || by.includes('*') || store) return reply;
  // LIMIT on hash order takes an arbitrary slice: only its size is comparable.
  return limit ? reply.length : [...(reply as unknown[])].map(String).sort();
}

describe.skipIf(!haveRedis)('SORT against Redis 7.0', () => {
  let redis: RedisOracle;
  let conn: Connection;
  const reset = useDifferentialSides((sides) => ({ redis, conn } = sides));
  const same = (commands: readonly (readonly string[])[]) => expectSameReplies(conn, redis.client, commands, normalize);

  it('COMMAND INFO, DOCS and GETKEYS of SORT and SORT_RO match', async () => {
    await expectSameCommandMetadata(conn, redis.client, sortCommands.map((spec) => spec.name));
    await same([
      ['COMMAND', 'GETKEYS', 'SORT', 'a', 'STORE', 'd'], ['COMMAND', 'GETKEYS', 'SORT', 'a', 'STORE', 'd', 'STORE', 'e'],
      ['COMMAND', 'GETKEYS', 'SORT', 'a', 'LIMIT', '0', '1', 'GET', 'store', 'STORE', 'x'], ['COMMAND', 'GETKEYS', 'SORT', 'a', 'BY', 'store', 'x'],
      ['COMMAND', 'GETKEYSANDFLAGS', 'SORT', 'a', 'BY', 'x', 'GET', 'y', 'STORE', 'd'], ['COMMAND', 'GETKEYS', 'SORT_RO', 'a', 'STORE', 'd'],
      ['COMMAND', 'GETKEYS', 'SORT', 'a', 'STORE'],
    ]);
  });

  it('numeric and ALPHA sorts of lists, sets and sorted sets, with every option', async () => {
    const commands: string[][] = [
      ['RPUSH', 'l', '3', '1', '2', '10', '-5', '2', '1.5', '007'], ['SADD', 's', '3', '1', '2', '10', '-5', '1.5'],
      ['ZADD', 'z', '1', '3', '2', '1', '3', '2', '0', '10', '5', '-5'], ['RPUSH', 'wl', ...WORDS], ['SADD', 'ws', ...WORDS],
      ['ZADD', 'wz', '3', 'pear', '1', 'apple', '2', 'kiwi'], ['SET', 'str', 'x'], ['HSET', 'hash', 'f', 'v'],
      ...externals(rng(1)),
    ];
    for (const key of ['l', 's', 'z', 'wl', 'ws', 'wz', 'missing', 'str', 'hash']) {
      for (const options of OPTIONS) commands.push(['SORT', key, ...options], ['SORT_RO', key, ...options]);
    }
    await same(commands);
  });

  it('STORE: list result, TTL dropped, empty result deletes, errors store nothing', async () => {
    await same([
      ['RPUSH', 'l', '3', '1', '2'], ['SET', 'dst', 'old', 'EX', '100'], ['SORT', 'l', 'STORE', 'dst'], ['TYPE', 'dst'], ['TTL', 'dst'],
      ['LRANGE', 'dst', '0', '-1'], ['SORT', 'l', 'DESC', 'STORE', 'dst', 'STORE', 'dst2'], ['LRANGE', 'dst2', '0', '-1'], ['EXISTS', 'dst'],
      ['SORT', 'missing', 'STORE', 'dst'], ['EXISTS', 'dst'], ['SORT', 'l', 'LIMIT', '5', '5', 'STORE', 'dst2'], ['EXISTS', 'dst2'],
      ['SADD', 's', 'b', 'c', 'a'], ['SORT', 's', 'BY', 'nosort', 'STORE', 'dst'], ['LRANGE', 'dst', '0', '-1'],
      ['SORT', 's', 'BY', 'nosort', 'DESC', 'STORE', 'dst'], ['LRANGE', 'dst', '0', '-1'], ['SORT', 's', 'STORE', 'dst'],
      ['SORT', 's', 'ALPHA', 'GET', 'nope_*', 'STORE', 'dst'], ['LRANGE', 'dst', '0', '-1'], ['SORT', 'l', 'STORE', 'l'], ['LRANGE', 'l', '0', '-1'],
      ['SORT_RO', 'l', 'STORE', 'dst'], ['RPUSH', 'bad', '1', 'x'], ['SORT', 'bad', 'STORE', 'dst3'], ['EXISTS', 'dst3'],
    ]);
  });

  it('random sort sequences (seeded)', async () => {
    for (const seed of [21, 22, 23, 24, 25, 26, 27, 28]) {
      await reset();
      const r = rng(seed);
      const commands: string[][] = [...externals(r)];
      for (let i = 0; i < 150; i++) {
        const pool = r() < 0.5 ? NUMBERS : WORDS;
        const roll = r();
        if (roll < 0.15) commands.push(['RPUSH', 'l', ...elements(r, pool)]);
        else if (roll < 0.25) commands.push(['SADD', 's', ...elements(r, pool)]);
        else if (roll < 0.35) commands.push(['ZADD', 'z', String(Math.floor(r() * 5)), pick(r, pool)]);
        else if (roll < 0.4) commands.push(['DEL', pick(r, ['l', 's', 'z'])]);
        else {
          const options = [...pick(r, OPTIONS), ...(r() < 0.3 ? pick(r, OPTIONS) : [])];
          if (r() < 0.2) options.push('STORE', 'out');
          commands.push([pick(r, ['SORT', 'SORT', 'sort_ro']), pick(r, ['l', 's', 'z', 'missing']), ...options]);
          const { by, alpha } = shape(commands[commands.length - 1]!);
          if (options.includes('STORE') && !(alpha && by?.includes('*'))) commands.push(['LRANGE', 'out', '0', '-1']);
        }
      }
      await same(commands);
    }
  });
});
