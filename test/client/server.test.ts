import { expect, it } from 'vitest';
import { describeBackends, T0 } from './support.js';

describeBackends('server methods', (h, backend) => {
  it('TIME answers a Date with microseconds', async () => {
    const { client } = h();
    const time = await client.time();
    expect(time).toBeInstanceOf(Date);
    expect(time.microseconds).toBeTypeOf('number');
    if (backend.fakeClock) expect(time.getTime()).toBe(T0);
    else expect(Math.abs(time.getTime() - Date.now())).toBeLessThan(60_000);
    expect(h().lastSent()).toEqual(['TIME']);
  });

  it('INFO with and without a section', async () => {
    const { client } = h();
    expect(await client.info()).toMatch(/# Server\r\n[\s\S]*redis_version:/);
    expect(h().lastSent()).toEqual(['INFO']);
    const keyspace = await client.info('keyspace');
    expect(keyspace).toMatch(/^# Keyspace/);
    expect(keyspace).not.toMatch(/# Server/);
    expect(h().lastSent()).toEqual(['INFO', 'keyspace']);
  });

  it('CONFIG GET answers a record', async () => {
    const { client } = h();
    expect(await client.configGet('maxmemory-policy')).toEqual({ 'maxmemory-policy': 'noeviction' });
    expect(h().lastSent()).toEqual(['CONFIG', 'GET', 'maxmemory-policy']);
    const several = await client.configGet('maxmemory*');
    expect(several['maxmemory']).toBe('0');
    expect(several['maxmemory-policy']).toBe('noeviction');
    expect(await client.configGet('no-such-parameter')).toEqual({});
  });

  it('CONFIG SET with a name and value, or a record', async () => {
    const { client } = h();
    try {
      expect(await client.configSet('maxmemory-policy', 'allkeys-lru')).toBe('OK');
      expect(h().lastSent()).toEqual(['CONFIG', 'SET', 'maxmemory-policy', 'allkeys-lru']);
      expect(await client.configSet({ 'maxmemory-policy': 'volatile-lru', 'notify-keyspace-events': 'KEA' })).toBe('OK');
      expect(h().lastSent()).toEqual([
        'CONFIG', 'SET', 'maxmemory-policy', 'volatile-lru', 'notify-keyspace-events', 'KEA',
      ]);
      expect(await client.configGet('maxmemory-policy')).toEqual({ 'maxmemory-policy': 'volatile-lru' });
      await expect(client.configSet('no-such-parameter', 'x')).rejects.toThrow(/^ERR Unknown option or number of arguments for CONFIG SET - 'no-such-parameter'/);
    } finally {
      await client.configSet({ 'maxmemory-policy': 'noeviction', 'notify-keyspace-events': '' });
    }
  });

  it('CONFIG RESETSTAT and CONFIG REWRITE', async () => {
    const { client } = h();
    expect(await client.configResetStat()).toBe('OK');
    expect(h().lastSent()).toEqual(['CONFIG', 'RESETSTAT']);
    await expect(client.configRewrite()).rejects.toThrow('ERR The server is running without a config file');
  });

  it('DBSIZE, FLUSHDB, FLUSHALL', async () => {
    const { client } = h();
    await client.mSet({ a: '1', b: '2' });
    expect(await client.dbSize()).toBe(2);
    expect(await client.flushDb()).toBe('OK');
    expect(h().lastSent()).toEqual(['FLUSHDB']);
    expect(await client.dbSize()).toBe(0);
    await client.set('a', '1');
    expect(await client.flushAll('SYNC')).toBe('OK');
    expect(h().lastSent()).toEqual(['FLUSHALL', 'SYNC']);
    expect(await client.flushDb('ASYNC')).toBe('OK');
    expect(await client.dbSize()).toBe(0);
  });

  it('COMMAND, COMMAND COUNT', async () => {
    const { client } = h();
    const all = await client.command();
    expect(await client.commandCount()).toBe(all.length);
    expect(h().lastSent()).toEqual(['COMMAND', 'COUNT']);
    const ping = all.find((c) => c.name === 'ping')!;
    expect(ping.arity).toBe(-1);
    expect(ping.flags.has('fast')).toBe(true);
  });

  it('COMMAND INFO answers typed entries and null for unknown names', async () => {
    const { client } = h();
    const [get, nosuch] = await client.commandInfo(['get', 'nosuch']);
    expect(h().lastSent()).toEqual(['COMMAND', 'INFO', 'get', 'nosuch']);
    expect(nosuch).toBeNull();
    expect(get).toEqual({
      name: 'get',
      arity: 2,
      flags: new Set(['readonly', 'fast']),
      firstKeyIndex: 1,
      lastKeyIndex: 1,
      step: 1,
      categories: new Set(['@read', '@string', '@fast']),
    });
  });

  it('COMMAND LIST with FILTERBY', async () => {
    const { client } = h();
    expect(await client.commandList()).toContain('echo');
    expect(await client.commandList({ FILTERBY: { type: 'PATTERN', value: 'ech*' } })).toEqual(['echo']);
    expect(h().lastSent()).toEqual(['COMMAND', 'LIST', 'FILTERBY', 'PATTERN', 'ech*']);
  });

  it('COMMAND GETKEYS and GETKEYSANDFLAGS', async () => {
    const { client } = h();
    expect(await client.commandGetKeys(['SET', 'a', 'b'])).toEqual(['a']);
    expect(h().lastSent()).toEqual(['COMMAND', 'GETKEYS', 'SET', 'a', 'b']);
    expect(await client.commandGetKeys(['MSET', 'a', '1', 'b', '2'])).toEqual(['a', 'b']);
    expect(await client.commandGetKeysAndFlags(['SET', 'a', 'b'])).toEqual([{ key: 'a', flags: ['OW', 'update'] }]);
    expect(h().lastSent()).toEqual(['COMMAND', 'GETKEYSANDFLAGS', 'SET', 'a', 'b']);
  });
});
