import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEngine, type Engine } from '../../../src/index.js';
import { CONFIG_DEFS, type ConfigDef } from '../../../src/engine/config.js';
import { comparable, engineReply, expectSameReplies, haveRedis, startRedis, type RedisOracle } from '../../support/redis-server.js';
import type { Connection } from '../../../src/engine/connection.js';
import { rng } from '../../support/random.js';

/** Every name CONFIG knows here, with its definition. */
const NAMES: Array<[string, ConfigDef]> = CONFIG_DEFS.flatMap((def) => [
  [def.name, def] as [string, ConfigDef],
  ...(def.alias ? [[def.alias, def] as [string, ConfigDef]] : []),
]);

/** Settings whose default differs on purpose: the oracle runs with `--save ''`; only db 0 exists here. */
const DEFAULT_DIFFERS = new Set(['save', 'databases']);

const INT_PROBES = ['0', '1', '5', '-1', '-0', '007', '+5', ' 5', '1.5', 'abc', '', '0x10', '100', '101', '2147483647', '2147483648',
  '-2147483648', '-2147483649', '4294967295', '4294967296', '9223372036854775807', '99999999999999999999', '-9223372036854775808'];
const MEMORY_PROBES = ['0', '1', '5', '1k', '1kb', '1K', '1m', '1mb', '2g', '1gb', '1.5gb', '-1', '-0', '+1', '', 'kb', '00', '1kb5', '1 kb',
  '1048576', '9223372036854775807', '9223372036854775808', '18446744073709551615', '99999999999999999999', '10%', '101%', '0%',
  'abc%', '-5%', '%', '100%'];
const BOOL_PROBES = ['yes', 'no', 'YES', 'No', 'maybe', '', '1'];
const NOTIFY_PROBES = ['KEA', 'AKE', 'An', 'A', 'Agtd', 'Kmn', 'g$lshzxetd', 'g$lshzxet', 'E$', 'Ee', 'AgK', 'gn', 'm', 'q', 'KEq', '', 'nA', 'xEg'];
const SAVE_PROBES = ['', '100', '100 10', '100 10 50 5', ' 100 10', '+100 10', '0 10', '100 -1', '100  10', '\t100 10', 'a b', '100 10 ', '3600 1 300 100 60 10000'];

/** Values that would disturb the oracle process itself rather than just be stored. */
function harmful(name: string, value: string): boolean {
  if (name === 'appendonly') return value.toLowerCase() === 'yes';
  // Redis checks maxclients against the process's file limit.
  if (name === 'maxclients') return /^\d+$/.test(value) && Number(value) > 10_000 && Number(value) <= 4294967295;
  if (name === 'timeout') return /^\d+$/.test(value) && Number(value) > 0 && Number(value) < 60;
  return false;
}

function probesFor(def: ConfigDef): string[] {
  switch (def.type.kind) {
    case 'bool': return BOOL_PROBES;
    case 'int': return INT_PROBES;
    case 'memory': return MEMORY_PROBES;
    case 'enum': return [...def.type.values, ...def.type.values.map((v) => v.toUpperCase()), 'x', ''];
    case 'custom': return def.name === 'save' ? SAVE_PROBES : NOTIFY_PROBES;
  }
}

/** Seeded generator so a failing random sequence reproduces. */

/** CONFIG GET reply → map (Redis orders it by its dict). */
const asMap = (reply: unknown): Record<string, string> => {
  const list = reply as string[];
  const out: Record<string, string> = {};
  for (let i = 0; i < list.length; i += 2) out[list[i]!] = list[i + 1]!;
  return out;
};

// Differential: needs a real redis-server (CI installs it); skipped where it is absent.
describe.skipIf(!haveRedis)('server commands against Redis 7.0', () => {
  let redis: RedisOracle;
  let engine: Engine;
  let conn: Connection;
  const originals = new Map<string, string>();

  beforeAll(async () => {
    redis = await startRedis();
    engine = createEngine();
    conn = engine.connect();
    for (const [name] of NAMES) originals.set(name, asMap(await redis.client.call(['CONFIG', 'GET', name]))[name]!);
  });
  afterAll(async () => {
    await redis?.stop();
  });

  async function restore(): Promise<void> {
    for (const def of CONFIG_DEFS) {
      if (def.immutable) continue;
      await redis.client.call(['CONFIG', 'SET', def.name, originals.get(def.name)!]);
      await conn.call(['CONFIG', 'SET', def.name, originals.get(def.name)!]);
    }
  }

  it('CONFIG GET defaults are Redis defaults', async () => {
    for (const [name] of NAMES) {
      if (DEFAULT_DIFFERS.has(name)) continue;
      expect(asMap(await conn.call(['CONFIG', 'GET', name]))[name], name).toBe(originals.get(name));
    }
  });

  it.each(NAMES.map(([name, def]) => [name, def] as const))('CONFIG SET %s: every probe value, then CONFIG GET', async (name, def) => {
    try {
      for (const value of probesFor(def)) {
        if (harmful(name, value)) continue;
        await expectSameReplies(conn, redis.client, [['CONFIG', 'SET', name, value]]);
        if (!DEFAULT_DIFFERS.has(name) || name === 'save') await expectSameReplies(conn, redis.client, [['CONFIG', 'GET', name]]);
      }
    } finally {
      await restore();
    }
  });

  it('CONFIG SET with several parameters: random valid and invalid combinations', async () => {
    const random = rng(0xc0ff1e);
    const pool = [...NAMES.map(([name]) => name), 'nosuch', 'HZ', 'Maxmemory'];
    const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
    const randomSet = (): string[] => {
      const argv = ['CONFIG', 'SET'];
      const pairs = 1 + Math.floor(random() * 3);
      for (let i = 0; i < pairs; i++) {
        const name = pick(pool);
        const def = engine.config.definition(name);
        const value = def ? pick(probesFor(def)) : '1';
        if (!harmful(name.toLowerCase(), value)) argv.push(name, value);
      }
      if (random() < 0.05) argv.pop();
      return argv;
    };
    try {
      for (let round = 0; round < 300; round++) {
        const argv = randomSet();
        const names = argv.slice(2).filter((name, i) => i % 2 === 0 && name.toLowerCase() !== 'databases');
        await expectSameReplies(conn, redis.client, [argv, ['CONFIG', 'GET', ...names, 'nosuch']], (a, r) =>
          a[1] === 'GET' && Array.isArray(r) ? asMap(r) : r,
        );
      }
    } finally {
      await restore();
    }
  });

  it('CONFIG GET patterns match the same names (restricted to ours)', async () => {
    const known = new Set(NAMES.map(([name]) => name));
    for (const patterns of [['*'], ['*max*'], ['H?'], ['*LISTPACK*', '*ziplist*'], ['hz', 'HZ'], ['HZ', 'hz'], ['H?', 'hz'],
      ['hash-max-listpack-entries', 'hash*ziplist-entries'], ['maxmemory-[cp]*'], ['[^a-l]*'], ['nosuch'], ['lua-time-limit']]) {
      const argv = ['CONFIG', 'GET', ...patterns];
      const mine = asMap(await engineReply(conn, argv));
      const theirs = asMap(await redis.client.call(argv));
      const restricted = Object.fromEntries(Object.entries(theirs).filter(([name]) => known.has(name.toLowerCase())));
      if ('databases' in mine) mine.databases = restricted.databases!;
      expect(mine, patterns.join(' ')).toEqual(restricted);
    }
  });

  it('CONFIG errors: arity, syntax, unknown subcommands, HELP', async () => {
    await expectSameReplies(conn, redis.client, [
      ['CONFIG'],
      ['CONFIG', 'GET'],
      ['CONFIG', 'SET', 'hz'],
      ['CONFIG', 'SET', 'hz', '1', 'maxmemory'],
      ['CONFIG', 'nosuch'],
      ['CONFIG', 'HELP'],
      ['CONFIG', 'HELP', 'x'],
      ['CONFIG', 'RESETSTAT', 'x'],
      ['CONFIG', 'RESETSTAT'],
    ]);
  });

  it('INFO: the same sections for the same arguments', async () => {
    const titles = (text: unknown) => [...String(text).matchAll(/^# (\w+)\r$/gm)].map((m) => m[1]);
    // Redis also has Commandstats, Errorstats and Latencystats, which are not tracked here.
    const untracked = new Set(['Commandstats', 'Errorstats', 'Latencystats']);
    for (const args of [[], ['default'], ['all'], ['everything'], ['server'], ['KEYSPACE', 'cpu'], ['cpu', 'cpu', 'nosuch'], ['nosuch'], ['clients', 'memory', 'stats']]) {
      const argv = ['INFO', ...args];
      const [mine, theirs] = await Promise.all([engineReply(conn, argv), redis.client.call(argv)]);
      expect(titles(mine), args.join(' ')).toEqual(titles(theirs).filter((t) => !untracked.has(t!)));
    }
  });

  it('INFO: our fields are Redis fields, in Redis order', async () => {
    const fieldsOf = (text: unknown) =>
      String(text).split('\r\n').filter((l) => l.includes(':') && !l.startsWith('#')).map((l) => l.slice(0, l.indexOf(':')));
    const [mine, theirs] = await Promise.all([engineReply(conn, ['INFO', 'all']), redis.client.call(['INFO', 'all'])]);
    const ours = fieldsOf(mine).filter((f) => f !== 'idb_redis_version' && f !== 'db0');
    const redisFields = fieldsOf(theirs);
    const positions = ours.map((f) => redisFields.indexOf(f));
    expect(ours.filter((_, i) => positions[i] === -1)).toEqual([]);
    expect(positions).toEqual([...positions].sort((a, b) => a - b));
    expect(String(mine).endsWith('\r\n')).toBe(true);
  });

  it('INFO keyspace line and DBSIZE for the same data', async () => {
    // With save points configured, FLUSHALL would also write dump.rdb in the working directory.
    await redis.client.call(['CONFIG', 'SET', 'save', '']);
    await redis.client.call(['FLUSHALL']);
    await conn.call(['FLUSHALL']);
    const t = Date.now();
    for (const [key, ttl] of [['a', 0], ['b', 100_000], ['c', 0]] as const) {
      await redis.client.call(ttl ? ['SET', key, 'v', 'PX', String(ttl)] : ['SET', key, 'v']);
      engine.db.set(key, { type: 'string', value: 'v', expireAt: ttl ? t + ttl : 0, access: 0, slot: 0 });
    }
    const strip = (text: unknown) => String(text).replace(/,avg_ttl=\d+/, '');
    const [mine, theirs] = await Promise.all([engineReply(conn, ['INFO', 'keyspace']), redis.client.call(['INFO', 'keyspace'])]);
    expect(strip(mine)).toBe(strip(theirs));
    await expectSameReplies(conn, redis.client, [['DBSIZE'], ['FLUSHDB'], ['DBSIZE'], ['INFO', 'keyspace']]);
  });

  it('FLUSHALL, FLUSHDB, DBSIZE and TIME argument errors', async () => {
    await expectSameReplies(conn, redis.client, [
      ['FLUSHALL', 'SYNC'],
      ['FLUSHALL', 'async'],
      ['FLUSHALL', 'later'],
      ['FLUSHALL', 'SYNC', 'ASYNC'],
      ['FLUSHDB', 'ASYNC'],
      ['FLUSHDB', 'x'],
      ['DBSIZE', 'x'],
      ['TIME', 'x'],
      ['INFO', 'nosuch'],
    ]);
    const shape = [expect.stringMatching(/^\d+$/), expect.stringMatching(/^\d{1,6}$/)];
    expect(comparable(await engineReply(conn, ['TIME']))).toEqual(shape);
    expect(comparable(await redis.client.call(['TIME']))).toEqual(shape);
  });
});
