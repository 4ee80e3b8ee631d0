import { describe, expect, it } from 'vitest';
import { createEngine, ReplyError } from '../../../src/index.js';
import { NO_KEYS, ONE_KEY, type CommandSpec } from '../../../src/engine/command.js';
import { CommandTable } from '../../../src/engine/command-table.js';
import { aclCategories, commandFlags, commandInfo, keySpecs } from '../../../src/engine/commands/command.js';

async function reply(engine: ReturnType<typeof createEngine>, ...argv: string[]): Promise<unknown> {
  try {
    return await engine.call(argv);
  } catch (e) {
    if (e instanceof ReplyError) return e;
    throw e;
  }
}

function spec(partial: Partial<CommandSpec>): CommandSpec {
  return { name: 'x', arity: 1, flags: [], keys: NO_KEYS, group: 'server', summary: '', since: '1.0.0', ...partial };
}

describe('COMMAND', () => {
  it('COMMAND COUNT counts top-level commands', async () => {
    const engine = createEngine();
    expect(await engine.call(['COMMAND', 'COUNT'])).toBe(new CommandTable().size);
  });

  it('COMMAND returns the info of every command', async () => {
    const engine = createEngine();
    const all = (await engine.call(['COMMAND'])) as unknown[][];
    expect(all.length).toBe(new CommandTable().size);
    expect(all.map((info) => info[0])).toContain('command');
    expect(await engine.call(['COMMAND', 'INFO'])).toEqual(all);
  });

  it('COMMAND INFO reply shape: name, arity, flags, keys, ACL, tips, key specs, subcommands', async () => {
    const engine = createEngine();
    const [watch] = (await engine.call(['COMMAND', 'INFO', 'watch'])) as unknown[][];
    expect(watch).toEqual([
      'watch', -2, ['noscript', 'loading', 'stale', 'fast', 'allow_busy'], 1, -1, 1, ['@fast', '@transaction'], [],
      [['flags', ['RO'], 'begin_search', ['type', 'index', 'spec', ['index', 1]], 'find_keys', ['type', 'range', 'spec', ['lastkey', -1, 'keystep', 1, 'limit', 0]]]],
      [],
    ]);
  });

  it('COMMAND INFO with unknown names gives nil elements', async () => {
    const engine = createEngine();
    const infos = (await engine.call(['COMMAND', 'INFO', 'nosuch', 'PING', 'config|nosuch'])) as unknown[];
    expect(infos[0]).toBeNull();
    expect((infos[1] as unknown[])[0]).toBe('ping');
    expect(infos[2]).toBeNull();
  });

  it('COMMAND INFO finds subcommands by full name in any case', async () => {
    const engine = createEngine();
    const [info] = (await engine.call(['COMMAND', 'INFO', 'CONFIG|GET'])) as unknown[][];
    expect(info!.slice(0, 7)).toEqual(['config|get', -3, ['admin', 'noscript', 'loading', 'stale'], 0, 0, 0, ['@admin', '@slow', '@dangerous']]);
  });

  it('COMMAND INFO of a container lists its subcommands', async () => {
    const engine = createEngine();
    const [info] = (await engine.call(['COMMAND', 'INFO', 'config'])) as unknown[][];
    expect(info!.slice(0, 7)).toEqual(['config', -2, [], 0, 0, 0, ['@slow']]);
    expect((info![9] as unknown[][]).map((sub) => sub[0])).toEqual(
      expect.arrayContaining(['config|get', 'config|set', 'config|resetstat', 'config|help']),
    );
  });

  it('COMMAND DOCS: flat map of summary, since, group, complexity and subcommands', async () => {
    const engine = createEngine();
    expect(await engine.call(['COMMAND', 'DOCS', 'ping', 'nosuch'])).toEqual([
      'ping', ['summary', 'Ping the server', 'since', '1.0.0', 'group', 'connection', 'complexity', 'O(1)'],
    ]);
    const [name, docs] = (await engine.call(['COMMAND', 'DOCS', 'client'])) as [string, unknown[]];
    expect(name).toBe('client');
    const subs = docs[docs.indexOf('subcommands') + 1] as unknown[];
    expect(subs).toContain('client|setname');
    const all = (await engine.call(['COMMAND', 'DOCS'])) as unknown[];
    expect(all.length).toBe(2 * new CommandTable().size);
  });

  it('COMMAND LIST and its filters', async () => {
    const engine = createEngine();
    const all = (await engine.call(['COMMAND', 'LIST'])) as string[];
    expect(all).toContain('config');
    expect(all).toContain('config|get');
    expect(await engine.call(['COMMAND', 'LIST', 'FILTERBY', 'PATTERN', 'CONFIG|G*'])).toEqual(['config|get']);
    const connection = (await engine.call(['COMMAND', 'LIST', 'filterby', 'aclcat', 'CONNECTION'])) as string[];
    expect(connection).toContain('client|id');
    expect(connection).not.toContain('client');
    expect(await engine.call(['COMMAND', 'LIST', 'FILTERBY', 'ACLCAT', '@connection'])).toEqual([]);
    expect(await engine.call(['COMMAND', 'LIST', 'FILTERBY', 'MODULE', 'x'])).toEqual([]);
  });

  it('COMMAND LIST syntax errors', async () => {
    const engine = createEngine();
    for (const argv of [['FILTERBY'], ['FILTERBY', 'foo', 'x'], ['FILTERBY', 'PATTERN', 'x', 'y'], ['foo']]) {
      expect(await reply(engine, 'COMMAND', 'LIST', ...argv)).toEqual(new ReplyError('ERR syntax error'));
    }
  });

  it('COMMAND GETKEYS and its errors', async () => {
    const engine = createEngine();
    expect(await engine.call(['COMMAND', 'GETKEYS', 'WATCH', 'a', 'b'])).toEqual(['a', 'b']);
    expect(await engine.call(['COMMAND', 'GETKEYSANDFLAGS', 'watch', 'a'])).toEqual([['a', ['RO']]]);
    expect(String(await reply(engine, 'COMMAND', 'GETKEYS', 'nosuch', 'a'))).toMatch(/Invalid command specified/);
    expect(String(await reply(engine, 'COMMAND', 'GETKEYS', 'config|get', 'a'))).toMatch(/Invalid command specified/);
    expect(String(await reply(engine, 'COMMAND', 'GETKEYS', 'client', 'nosuch'))).toMatch(/Invalid command specified/);
    expect(String(await reply(engine, 'COMMAND', 'GETKEYS', 'ping', 'x'))).toMatch(/The command has no key arguments/);
    expect(String(await reply(engine, 'COMMAND', 'GETKEYS', 'config', 'get', 'x'))).toMatch(/The command has no key arguments/);
    expect(String(await reply(engine, 'COMMAND', 'GETKEYS', 'ping'))).toMatch(/wrong number of arguments for 'command\|getkeys'/);
  });

  it('COMMAND GETKEYS checks the arity of the command line', async () => {
    const engine = createEngine();
    expect(String(await reply(engine, 'COMMAND', 'GETKEYS', 'get', 'a', 'b'))).toMatch(/Invalid number of arguments specified for command/);
    expect(await engine.call(['COMMAND', 'GETKEYS', 'get', 'a'])).toEqual(['a']);
  });

  it('COMMAND HELP and unknown subcommands', async () => {
    const engine = createEngine();
    const help = (await engine.call(['COMMAND', 'HELP'])) as string[];
    expect(help[0]).toMatch(/^COMMAND <subcommand>/);
    expect(String(await reply(engine, 'COMMAND', 'nosuch'))).toBe("ReplyError: ERR unknown subcommand 'nosuch'. Try COMMAND HELP.");
  });
});

describe('COMMAND INFO derivation', () => {
  it('flags come out in Redis order, with movablekeys for commands whose keys move', () => {
    const s = spec({ flags: ['fast', 'readonly', 'loading', 'write'], getKeys: () => [] });
    expect(commandFlags(s)).toEqual(['write', 'readonly', 'loading', 'fast', 'movablekeys']);
  });

  it('ACL categories: the group, then what flags imply, in Redis order', () => {
    expect(aclCategories(spec({ group: 'string', flags: ['readonly', 'fast'] }))).toEqual(['read', 'string', 'fast']);
    expect(aclCategories(spec({ group: 'generic', flags: ['write'] }))).toEqual(['keyspace', 'write', 'slow']);
    expect(aclCategories(spec({ group: 'server', flags: ['admin'] }))).toEqual(['admin', 'slow', 'dangerous']);
    expect(aclCategories(spec({ group: 'list', flags: ['write', 'blocking'] }))).toEqual(['write', 'list', 'slow', 'blocking']);
    expect(aclCategories(spec({ group: 'pubsub', flags: ['pubsub', 'fast'] }))).toEqual(['pubsub', 'fast']);
  });

  it('explicit ACL categories replace the group category', () => {
    expect(aclCategories(spec({ group: 'generic', flags: ['readonly'], acl: ['keyspace', 'dangerous'] }))).toEqual(['keyspace', 'read', 'slow', 'dangerous']);
    expect(aclCategories(spec({ group: 'server', flags: [], acl: ['connection'] }))).toEqual(['slow', 'connection']);
  });

  it('containers carry no group category', () => {
    const container = spec({ group: 'connection', arity: -2, subcommands: [spec({ name: 'x|y', group: 'connection' })] });
    expect(aclCategories(container)).toEqual(['slow']);
    expect(commandInfo(container)[9]).toHaveLength(1);
  });

  it('key specs derived from the legacy range and the flags', () => {
    expect(keySpecs(spec({ keys: ONE_KEY, flags: ['readonly'] }))).toEqual([
      { flags: ['RO', 'access'], begin: { index: 1 }, find: { lastKey: 0, keyStep: 1, limit: 0 } },
    ]);
    expect(keySpecs(spec({ keys: { first: 1, last: -1, step: 2 }, flags: ['write'] }))).toEqual([
      { flags: ['RW', 'update'], begin: { index: 1 }, find: { lastKey: -1, keyStep: 2, limit: 0 } },
    ]);
    expect(keySpecs(spec({ keys: { first: 2, last: 3, step: 1 }, flags: [] }))[0]!.find).toEqual({ lastKey: 1, keyStep: 1, limit: 0 });
    expect(keySpecs(spec({}))).toEqual([]);
  });

  it('explicit key specs are shown as given', () => {
    const s = spec({
      keys: ONE_KEY,
      flags: ['write'],
      keySpecs: [{ notes: 'n', flags: ['OW', 'update'], begin: { keyword: 'STORE', startFrom: -1 }, find: { keyNumIdx: 0, firstKey: 1, keyStep: 1 } }],
    });
    expect(commandInfo(s)[8]).toEqual([
      ['notes', 'n', 'flags', ['OW', 'update'], 'begin_search', ['type', 'keyword', 'spec', ['keyword', 'STORE', 'startfrom', -1]],
        'find_keys', ['type', 'keynum', 'spec', ['keynumidx', 0, 'firstkey', 1, 'keystep', 1]]],
    ]);
  });
});
