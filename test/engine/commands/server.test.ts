import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { createEngine, ReplyError, type Engine } from '../../../src/index.js';
import { bytesToHuman, IDB_REDIS_VERSION } from '../../../src/engine/commands/info.js';
import { parseMemory } from '../../../src/engine/config.js';
import { Notify } from '../../../src/engine/notify.js';

async function reply(engine: Engine, ...argv: string[]): Promise<unknown> {
  try {
    return await engine.call(argv);
  } catch (e) {
    if (e instanceof ReplyError) return e;
    throw e;
  }
}

async function errorOf(engine: Engine, ...argv: string[]): Promise<string> {
  const r = await reply(engine, ...argv);
  expect(r).toBeInstanceOf(ReplyError);
  return (r as ReplyError).message;
}

/** Store a string without going through another family's commands. */
function put(engine: Engine, key: string, value: string, expireAt = 0): void {
  engine.db.set(key, { type: 'string', value, expireAt, access: 0, slot: 0 });
}

function infoFields(text: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const line of text.split('\r\n')) {
    const colon = line.indexOf(':');
    if (colon > 0 && !line.startsWith('#')) out.set(line.slice(0, colon), line.slice(colon + 1));
  }
  return out;
}

const sectionsOf = (text: string) => [...text.matchAll(/^# (\w+)\r$/gm)].map((m) => m[1]);

describe('TIME', () => {
  it('TIME returns seconds and microseconds of the clock', async () => {
    const engine = createEngine({ clock: () => 1_700_000_000_123 });
    expect(await engine.call(['TIME'])).toEqual(['1700000000', '123000']);
  });
});

describe('INFO', () => {
  it('INFO default sections in Redis order, CRLF lines, blank line between sections', async () => {
    const engine = createEngine();
    const text = (await engine.call(['INFO'])) as string;
    expect(text.startsWith('# Server\r\nredis_version:7.0.0\r\n')).toBe(true);
    expect(sectionsOf(text)).toEqual(['Server', 'Clients', 'Memory', 'Persistence', 'Stats', 'Replication', 'CPU', 'Modules', 'Cluster', 'Keyspace']);
    expect(text).toContain('\r\n\r\n# Clients\r\n');
    expect(text.endsWith('# Keyspace\r\n')).toBe(true);
    expect(text.replace(/\r\n/g, '')).not.toMatch(/[\r\n]/);
    for (const arg of ['default', 'all', 'everything', 'ALL']) expect(sectionsOf((await engine.call(['INFO', arg])) as string)).toEqual(sectionsOf(text));
  });

  it('INFO with sections: any case, any order, unknown ones ignored', async () => {
    const engine = createEngine();
    expect(sectionsOf((await engine.call(['INFO', 'KEYSPACE', 'cpu', 'cpu', 'nosuch'])) as string)).toEqual(['CPU', 'Keyspace']);
    expect(await engine.call(['INFO', 'nosuch'])).toBe('');
    expect(await engine.call(['INFO', 'cluster'])).toBe('# Cluster\r\ncluster_enabled:0\r\n');
  });

  it('INFO server reports the compatible Redis version and our own', async () => {
    const engine = createEngine({ clock: () => 5_000_000 });
    const fields = infoFields((await engine.call(['INFO', 'server'])) as string);
    expect(fields.get('redis_version')).toBe('7.0.0');
    expect(fields.get('idb_redis_version')).toBe(IDB_REDIS_VERSION);
    expect(fields.get('redis_mode')).toBe('standalone');
    expect(fields.get('run_id')).toMatch(/^[0-9a-f]{40}$/);
    expect(fields.get('server_time_usec')).toBe('5000000000');
    expect(fields.get('uptime_in_seconds')).toBe('0');
  });

  it('idb_redis_version follows package.json', () => {
    const pkg = JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as { version: string };
    expect(IDB_REDIS_VERSION).toBe(pkg.version);
  });

  it('INFO keyspace: db0 line only when keys exist, with expires and avg_ttl', async () => {
    let now = 1_000_000;
    const engine = createEngine({ clock: () => now, activeExpire: false });
    expect(await engine.call(['INFO', 'keyspace'])).toBe('# Keyspace\r\n');
    put(engine, 'a', '1');
    put(engine, 'b', '2', now + 10_000);
    put(engine, 'c', '3', now + 30_000);
    expect(await engine.call(['INFO', 'keyspace'])).toBe('# Keyspace\r\ndb0:keys=3,expires=2,avg_ttl=20000\r\n');
    now += 5000;
    expect(await engine.call(['INFO', 'keyspace'])).toBe('# Keyspace\r\ndb0:keys=3,expires=2,avg_ttl=15000\r\n');
  });

  it('INFO memory and keyspace on a big keyspace: estimated from a sample, close to the walk', async () => {
    let seed = 7;
    const random = () => ((seed = (seed * 1664525 + 1013904223) >>> 0), seed / 2 ** 32);
    const now = 1_000_000;
    const engine = createEngine({ clock: () => now, activeExpire: false, random });
    const n = 100_000;
    // Values of 10 to 100 bytes, a quarter of the keys with a TTL of 1 to 100 s.
    let exactValues = 0;
    let exactTtl = 0;
    for (let i = 0; i < n; i++) {
      const value = 'v'.repeat(10 + (i % 91));
      exactValues += value.length;
      const ttl = i % 4 === 0 ? 1000 * (1 + (i % 100)) : 0;
      exactTtl += ttl;
      put(engine, `key:${i}`, value, ttl === 0 ? 0 : now + ttl);
    }
    engine.stats.dirty++;
    const memory = infoFields((await engine.call(['INFO', 'memory'])) as string);
    let keyBytes = 0;
    for (let i = 0; i < n; i++) keyBytes += `key:${i}`.length;
    const walked = keyBytes + exactValues + n * 48 + (n / 4) * 24;
    expect(Math.abs(Number(memory.get('used_memory')) - walked) / walked).toBeLessThan(0.05);
    const line = ((await engine.call(['INFO', 'keyspace'])) as string).split('\r\n')[1]!;
    const [, keys, expires, avgTtl] = line.match(/^db0:keys=(\d+),expires=(\d+),avg_ttl=(\d+)$/)!.map(Number);
    expect([keys, expires]).toEqual([n, n / 4]);
    const exactAvg = exactTtl / (n / 4);
    expect(Math.abs(avgTtl! - exactAvg) / exactAvg).toBeLessThan(0.1);
  });

  it('INFO clients counts open connections', async () => {
    const engine = createEngine();
    const other = engine.connect();
    const count = async () => infoFields((await engine.call(['INFO', 'clients'])) as string).get('connected_clients');
    expect(await count()).toBe('2');
    other.close();
    expect(await count()).toBe('1');
  });

  it('INFO memory estimates used memory from the data', async () => {
    const engine = createEngine();
    const used = async () => Number(infoFields((await engine.call(['INFO', 'memory'])) as string).get('used_memory'));
    const empty = await used();
    put(engine, 'key', 'x'.repeat(10_000));
    engine.stats.dirty++;
    const full = await used();
    expect(full - empty).toBeGreaterThanOrEqual(10_003);
    const fields = infoFields((await engine.call(['INFO', 'memory'])) as string);
    expect(fields.get('used_memory_peak')).toBe(String(full));
    expect(fields.get('maxmemory_policy')).toBe('noeviction');
    await engine.call(['CONFIG', 'SET', 'maxmemory', '1mb']);
    expect(infoFields((await engine.call(['INFO', 'memory'])) as string).get('maxmemory_human')).toBe('1.00M');
  });

  it('INFO stats and persistence report the engine counters', async () => {
    const engine = createEngine();
    engine.stats.keyspaceHits = 7;
    engine.stats.keyspaceMisses = 3;
    const stats = infoFields((await engine.call(['INFO', 'stats'])) as string);
    expect(stats.get('keyspace_hits')).toBe('7');
    expect(stats.get('keyspace_misses')).toBe('3');
    expect(stats.get('total_connections_received')).toBe('1');
    await engine.call(['FLUSHALL']);
    const persistence = infoFields((await engine.call(['INFO', 'persistence'])) as string);
    expect(persistence.get('rdb_changes_since_last_save')).toBe('1');
    expect(persistence.get('aof_enabled')).toBe('0');
    expect(persistence.get('loading')).toBe('0');
    expect(infoFields((await engine.call(['INFO', 'replication'])) as string).get('role')).toBe('master');
  });

  it('bytesToHuman formats like Redis', () => {
    expect(bytesToHuman(0)).toBe('0B');
    expect(bytesToHuman(1023)).toBe('1023B');
    expect(bytesToHuman(1024)).toBe('1.00K');
    expect(bytesToHuman(1536 * 1024)).toBe('1.50M');
    expect(bytesToHuman(1024 ** 3)).toBe('1.00G');
  });
});

describe('CONFIG', () => {
  it('CONFIG GET with an exact name echoes it as spelled', async () => {
    const engine = createEngine();
    expect(await engine.call(['CONFIG', 'GET', 'HZ'])).toEqual(['HZ', '10']);
    expect(await engine.call(['CONFIG', 'GET', 'hz', 'HZ', 'Hz'])).toEqual(['hz', '10']);
    expect(await engine.call(['CONFIG', 'GET', 'nosuch'])).toEqual([]);
  });

  it('CONFIG GET patterns match names and aliases, each reported once', async () => {
    const engine = createEngine();
    const r = (await engine.call(['CONFIG', 'GET', 'hash-max-*-entries', '*listpack-entries', 'H?'])) as string[];
    expect(r).toEqual(['hash-max-listpack-entries', '512', 'hash-max-ziplist-entries', '512', 'zset-max-listpack-entries', '128', 'hz', '10']);
    expect(await engine.call(['CONFIG', 'GET', 'hash-max-ziplist-entries'])).toEqual(['hash-max-ziplist-entries', '512']);
    const all = (await engine.call(['CONFIG', 'GET', '*'])) as string[];
    expect(all).toContain('maxmemory-policy');
    expect(all).toContain('lua-time-limit');
  });

  it('CONFIG GET without a pattern is an arity error', async () => {
    expect(await errorOf(createEngine(), 'CONFIG', 'GET')).toBe("ERR wrong number of arguments for 'config|get' command");
  });

  it('CONFIG SET of each type and the values it shows', async () => {
    const engine = createEngine();
    const roundTrip = async (name: string, value: string) => {
      expect(await engine.call(['CONFIG', 'SET', name, value])).toBe('OK');
      return ((await engine.call(['CONFIG', 'GET', name])) as string[])[1];
    };
    expect(await roundTrip('maxmemory', '1gb')).toBe('1073741824');
    expect(await roundTrip('maxmemory', '2k')).toBe('2000');
    expect(await roundTrip('maxmemory', '')).toBe('0');
    expect(await roundTrip('maxmemory', '99999999999999999999')).toBe('18446744073709551615');
    expect(await roundTrip('maxmemory-policy', 'ALLKEYS-LRU')).toBe('allkeys-lru');
    expect(await roundTrip('activerehashing', 'NO')).toBe('no');
    expect(await roundTrip('list-max-ziplist-size', '-5')).toBe('-5');
    expect(((await engine.call(['CONFIG', 'GET', 'list-max-listpack-size'])) as string[])[1]).toBe('-5');
    expect(await roundTrip('maxmemory-clients', '10%')).toBe('10%');
    expect(await roundTrip('save', '100 10 +50 5')).toBe('100 10 50 5');
    expect(await roundTrip('save', '')).toBe('');
  });

  it('CONFIG SET notify-keyspace-events round-trips like Redis', async () => {
    const engine = createEngine();
    const cases: Array<[string, string]> = [['KEA', 'AKE'], ['An', 'A'], ['Kmn', 'nKm'], ['E$', '$E'], ['gxE', 'gxE'], ['', '']];
    for (const [set, shown] of cases) {
      await engine.call(['CONFIG', 'SET', 'notify-keyspace-events', set]);
      expect(await engine.call(['CONFIG', 'GET', 'notify-keyspace-events'])).toEqual(['notify-keyspace-events', shown]);
    }
    await engine.call(['CONFIG', 'SET', 'notify-keyspace-events', 'Kg']);
    expect(engine.notifyFlags).toBe(Notify.keyspace | Notify.generic);
    expect(await errorOf(engine, 'CONFIG', 'SET', 'notify-keyspace-events', 'q')).toBe(
      "ERR CONFIG SET failed (possibly related to argument 'notify-keyspace-events') - Invalid event class character. Use 'Ag$lshzxeKEtmdn'.",
    );
  });

  it('CONFIG SET error texts for each type', async () => {
    const engine = createEngine();
    const failed = (name: string, reason: string) => `ERR CONFIG SET failed (possibly related to argument '${name}') - ${reason}`;
    expect(await errorOf(engine, 'CONFIG', 'SET', 'foo', 'bar')).toBe("ERR Unknown option or number of arguments for CONFIG SET - 'foo'");
    expect(await errorOf(engine, 'CONFIG', 'SET', 'HZ', 'abc')).toBe(failed('hz', "argument couldn't be parsed into an integer"));
    expect(await errorOf(engine, 'CONFIG', 'SET', 'hz', '-1')).toBe(failed('hz', 'argument must be between 0 and 2147483647 inclusive'));
    expect(await errorOf(engine, 'CONFIG', 'SET', 'maxmemory', '1.5gb')).toBe(failed('maxmemory', 'argument must be a memory value'));
    expect(await errorOf(engine, 'CONFIG', 'SET', 'proto-max-bulk-len', '1')).toBe(
      failed('proto-max-bulk-len', 'argument must be between 1048576 and 9223372036854775807 inclusive'),
    );
    expect(await errorOf(engine, 'CONFIG', 'SET', 'appendonly', 'maybe')).toBe(failed('appendonly', "argument must be 'yes' or 'no'"));
    expect(await errorOf(engine, 'CONFIG', 'SET', 'appendfsync', 'x')).toBe(
      failed('appendfsync', 'argument(s) must be one of the following: everysec, always, no'),
    );
    expect(await errorOf(engine, 'CONFIG', 'SET', 'databases', '3')).toBe(failed('databases', "can't set immutable config"));
    expect(await errorOf(engine, 'CONFIG', 'SET', 'save', '100')).toBe(failed('save', 'Invalid save parameters'));
    expect(await errorOf(engine, 'CONFIG', 'SET', 'maxmemory-clients', '101%')).toBe(
      failed('maxmemory-clients', 'percentage argument must be less or equal to 100'),
    );
    expect(await errorOf(engine, 'CONFIG', 'SET', 'hz', '1', 'maxmemory')).toBe('ERR syntax error');
  });

  it('CONFIG SET with several parameters is all or nothing', async () => {
    const engine = createEngine();
    expect(await engine.call(['CONFIG', 'SET', 'hz', '20', 'maxmemory', '1mb'])).toBe('OK');
    expect(await errorOf(engine, 'CONFIG', 'SET', 'hz', '30', 'maxmemory', 'abc')).toMatch(/'maxmemory'/);
    expect(await engine.call(['CONFIG', 'GET', 'hz', 'maxmemory'])).toEqual(['hz', '20', 'maxmemory', '1048576']);
  });

  it('CONFIG SET reports unknown names first, then immutable or repeated ones', async () => {
    const engine = createEngine();
    expect(await errorOf(engine, 'CONFIG', 'SET', 'hz', 'x', 'foo', '1')).toMatch(/Unknown option .* - 'foo'/);
    expect(await errorOf(engine, 'CONFIG', 'SET', 'databases', '3', 'foo', '1')).toMatch(/'databases'\) - can't set immutable config/);
    expect(await errorOf(engine, 'CONFIG', 'SET', 'hz', '5', 'HZ', '6')).toMatch(/'HZ'\) - duplicate parameter/);
    // An alias is not a repeat of its name, as in Redis 7.0: the later value wins.
    expect(await engine.call(['CONFIG', 'SET', 'hash-max-ziplist-entries', '1', 'hash-max-listpack-entries', '2'])).toBe('OK');
    expect(await engine.call(['CONFIG', 'GET', 'hash-max-ziplist-entries'])).toEqual(['hash-max-ziplist-entries', '2']);
  });

  it('CONFIG RESETSTAT, REWRITE and HELP', async () => {
    const engine = createEngine();
    engine.stats.keyspaceHits = 4;
    engine.stats.expiredKeys = 2;
    expect(await engine.call(['CONFIG', 'RESETSTAT'])).toBe('OK');
    expect(engine.stats.keyspaceHits).toBe(0);
    expect(engine.stats.expiredKeys).toBe(0);
    expect(engine.stats.commandsProcessed).toBe(1);
    expect(await errorOf(engine, 'CONFIG', 'REWRITE')).toBe('ERR The server is running without a config file');
    expect(((await engine.call(['CONFIG', 'HELP'])) as string[])[0]).toMatch(/^CONFIG <subcommand>/);
    expect(await errorOf(engine, 'CONFIG', 'nosuch')).toBe("ERR unknown subcommand 'nosuch'. Try CONFIG HELP.");
  });

  it('parseMemory reads units like memtoull', () => {
    expect(parseMemory('5')).toBe(5n);
    expect(parseMemory('1k')).toBe(1000n);
    expect(parseMemory('1KB')).toBe(1024n);
    expect(parseMemory('3m')).toBe(3_000_000n);
    expect(parseMemory('2gb')).toBe(2n * 1024n ** 3n);
    expect(parseMemory('')).toBe(0n);
    expect(parseMemory('kb')).toBe(0n);
    expect(parseMemory('-1')).toBeNull();
    expect(parseMemory('+1')).toBeNull();
    expect(parseMemory('1.5k')).toBeNull();
    expect(parseMemory('1kb5')).toBeNull();
  });
});

describe('DBSIZE, FLUSHDB, FLUSHALL', () => {
  it('DBSIZE counts keys', async () => {
    const engine = createEngine();
    expect(await engine.call(['DBSIZE'])).toBe(0);
    put(engine, 'a', '1');
    put(engine, 'b', '2');
    expect(await engine.call(['DBSIZE'])).toBe(2);
  });

  it('FLUSHALL and FLUSHDB empty the keyspace and are always logged', async () => {
    const engine = createEngine();
    const effects: string[][] = [];
    engine.onEffects((batch) => effects.push(...batch));
    put(engine, 'a', '1');
    put(engine, 'b', '2', Date.now() + 100_000);
    expect(await engine.call(['FLUSHALL'])).toBe('OK');
    expect(await engine.call(['DBSIZE'])).toBe(0);
    expect(engine.db.volatileCount).toBe(0);
    expect(engine.stats.dirty).toBe(3);
    expect(await engine.call(['flushdb', 'async'])).toBe('OK');
    expect(await engine.call(['FLUSHALL', 'SYNC'])).toBe('OK');
    expect(effects).toEqual([['FLUSHALL'], ['flushdb', 'async'], ['FLUSHALL', 'SYNC']]);
    expect(engine.stats.dirty).toBe(4);
  });

  it('FLUSHALL with a bad option is a syntax error', async () => {
    const engine = createEngine();
    expect(await errorOf(engine, 'FLUSHALL', 'LATER')).toBe('ERR syntax error');
    expect(await errorOf(engine, 'FLUSHDB', 'SYNC', 'ASYNC')).toBe('ERR syntax error');
  });

  it('FLUSHALL touches WATCHed keys that existed', async () => {
    const engine = createEngine();
    const conn = engine.connect();
    put(engine, 'x', '1');
    await conn.call(['WATCH', 'x', 'nokey']);
    await engine.call(['FLUSHALL']);
    await conn.call(['MULTI']);
    expect(await conn.call(['EXEC'])).toBeNull();
    await conn.call(['WATCH', 'nokey']);
    await engine.call(['FLUSHALL']);
    await conn.call(['MULTI']);
    expect(await conn.call(['EXEC'])).toEqual([]);
  });
});
