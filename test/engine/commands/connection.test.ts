import { describe, expect, it } from 'vitest';
import { createEngine, ReplyError, type Connection, type Engine } from '../../../src/index.js';

async function reply(conn: Engine | Connection, ...argv: string[]): Promise<unknown> {
  try {
    return await conn.call(argv);
  } catch (e) {
    if (e instanceof ReplyError) return e;
    throw e;
  }
}

async function errorOf(conn: Engine | Connection, ...argv: string[]): Promise<string> {
  const r = await reply(conn, ...argv);
  expect(r).toBeInstanceOf(ReplyError);
  return (r as ReplyError).message;
}

/** CLIENT LIST line → field map. */
function fields(line: string): Record<string, string> {
  return Object.fromEntries(line.trim().split(' ').map((kv) => [kv.slice(0, kv.indexOf('=')), kv.slice(kv.indexOf('=') + 1)]));
}

describe('PING, ECHO, AUTH', () => {
  it('PING with and without a message', async () => {
    const engine = createEngine();
    expect(await engine.call(['PING'])).toBe('PONG');
    expect(await engine.call(['PING', 'hi'])).toBe('hi');
    expect(await errorOf(engine, 'PING', 'a', 'b')).toBe("ERR wrong number of arguments for 'ping' command");
  });

  it('ECHO is binary safe', async () => {
    const engine = createEngine();
    expect(await engine.call(['ECHO', 'héllo\u0000'])).toBe('héllo\u0000');
  });

  it('AUTH without a configured password', async () => {
    const engine = createEngine();
    expect(await errorOf(engine, 'AUTH', 'secret')).toMatch(/^ERR AUTH <password> called without any password configured/);
    expect(await engine.call(['AUTH', 'default', 'anything'])).toBe('OK');
    expect(await errorOf(engine, 'AUTH', 'bob', 'pw')).toBe('WRONGPASS invalid username-password pair or user is disabled.');
    expect(await errorOf(engine, 'AUTH', 'a', 'b', 'c')).toBe('ERR syntax error');
  });
});

describe('CLIENT', () => {
  it('CLIENT ID is the connection id', async () => {
    const engine = createEngine();
    const a = engine.connect();
    const b = engine.connect();
    expect(await a.call(['CLIENT', 'ID'])).toBe(a.id);
    expect(await b.call(['CLIENT', 'ID'])).toBe(b.id);
    expect(a.id).not.toBe(b.id);
  });

  it('CLIENT SETNAME and GETNAME', async () => {
    const conn = createEngine().connect();
    expect(await conn.call(['CLIENT', 'GETNAME'])).toBeNull();
    expect(await conn.call(['CLIENT', 'SETNAME', 'worker-1'])).toBe('OK');
    expect(await conn.call(['CLIENT', 'GETNAME'])).toBe('worker-1');
    expect(await conn.call(['CLIENT', 'SETNAME', ''])).toBe('OK');
    expect(await conn.call(['CLIENT', 'GETNAME'])).toBeNull();
  });

  it('CLIENT SETNAME refuses spaces, newlines and non-printable names', async () => {
    const conn = createEngine().connect();
    for (const name of ['a b', 'a\nb', 'é', '\u007f']) {
      expect(await errorOf(conn, 'CLIENT', 'SETNAME', name)).toBe('ERR Client names cannot contain spaces, newlines or special characters.');
    }
    expect(await conn.call(['CLIENT', 'SETNAME', '~!'])).toBe('OK');
  });

  it('CLIENT LIST shows one line per open connection in Redis field order', async () => {
    let now = 1_000_000;
    const engine = createEngine({ clock: () => now });
    const a = engine.connect();
    const b = engine.connect();
    await b.call(['CLIENT', 'SETNAME', 'bee']);
    await b.call(['MULTI']);
    await b.call(['PING']);
    now += 3000;
    const list = (await a.call(['CLIENT', 'LIST'])) as string;
    const lines = list.split('\n');
    expect(lines.pop()).toBe('');
    expect(lines).toHaveLength(2);
    expect(Object.keys(fields(lines[0]!))).toEqual([
      'id', 'addr', 'laddr', 'fd', 'name', 'age', 'idle', 'flags', 'db', 'sub', 'psub', 'ssub', 'multi', 'qbuf', 'qbuf-free',
      'argv-mem', 'multi-mem', 'rbs', 'rbp', 'obl', 'oll', 'omem', 'tot-mem', 'events', 'cmd', 'user', 'redir', 'resp',
    ]);
    const mine = fields(lines[0]!);
    expect(mine).toMatchObject({ id: String(a.id), name: '', flags: 'N', multi: '-1', cmd: 'client|list', idle: '0', age: '3', db: '0', user: 'default', resp: '2' });
    const theirs = fields(lines[1]!);
    expect(theirs).toMatchObject({ id: String(b.id), addr: `local:${b.id}`, name: 'bee', flags: 'x', multi: '1', cmd: 'multi', idle: '3' });
  });

  it('CLIENT LIST TYPE and ID filters', async () => {
    const engine = createEngine();
    const a = engine.connect();
    const b = engine.connect();
    expect(((await a.call(['CLIENT', 'LIST', 'TYPE', 'normal'])) as string).split('\n')).toHaveLength(3);
    expect(await a.call(['CLIENT', 'LIST', 'TYPE', 'pubsub'])).toBe('');
    expect(fields((await a.call(['CLIENT', 'LIST', 'ID', String(b.id), '999'])) as string).id).toBe(String(b.id));
    expect(await errorOf(a, 'CLIENT', 'LIST', 'TYPE', 'foo')).toBe("ERR Unknown client type 'foo'");
    expect(await errorOf(a, 'CLIENT', 'LIST', 'ID', 'abc')).toBe('ERR Invalid client ID');
    expect(await errorOf(a, 'CLIENT', 'LIST', 'ID')).toBe('ERR syntax error');
    expect(await errorOf(a, 'CLIENT', 'LIST', 'foo')).toBe('ERR syntax error');
  });

  it('CLIENT INFO describes the calling connection', async () => {
    const conn = createEngine().connect();
    await conn.call(['CLIENT', 'NO-EVICT', 'on']);
    const info = (await conn.call(['CLIENT', 'INFO'])) as string;
    expect(info.endsWith('\n')).toBe(true);
    expect(fields(info)).toMatchObject({ id: String(conn.id), flags: 'e', cmd: 'client|info' });
    expect(await errorOf(conn, 'CLIENT', 'NO-EVICT', 'maybe')).toBe('ERR syntax error');
  });

  it('CLIENT KILL by address and by filters', async () => {
    const engine = createEngine();
    const a = engine.connect();
    const b = engine.connect();
    const c = engine.connect();
    expect(await a.call(['CLIENT', 'KILL', `local:${b.id}`])).toBe('OK');
    expect(b.closed).toBe(true);
    expect(await errorOf(a, 'CLIENT', 'KILL', `local:${b.id}`)).toBe('ERR No such client');
    expect(await a.call(['CLIENT', 'KILL', 'ID', String(c.id)])).toBe(1);
    expect(c.closed).toBe(true);
    expect(await a.call(['CLIENT', 'KILL', 'TYPE', 'normal'])).toBe(0);
    expect(await a.call(['CLIENT', 'KILL', 'USER', 'default', 'SKIPME', 'no'])).toBe(1);
    expect(a.closed).toBe(true);
  });

  it('CLIENT KILL errors', async () => {
    const conn = createEngine().connect();
    expect(await errorOf(conn, 'CLIENT', 'KILL', 'ID', '0')).toBe('ERR client-id should be greater than 0');
    expect(await errorOf(conn, 'CLIENT', 'KILL', 'TYPE', 'foo')).toBe("ERR Unknown client type 'foo'");
    expect(await errorOf(conn, 'CLIENT', 'KILL', 'USER', 'bob')).toBe("ERR No such user 'bob'");
    expect(await errorOf(conn, 'CLIENT', 'KILL', 'SKIPME', 'maybe')).toBe('ERR syntax error');
    expect(await errorOf(conn, 'CLIENT', 'KILL', 'foo', 'bar')).toBe('ERR syntax error');
  });

  it('CLIENT HELP, unknown subcommands and arity', async () => {
    const conn = createEngine().connect();
    expect(((await conn.call(['CLIENT', 'HELP'])) as string[])[0]).toMatch(/^CLIENT <subcommand>/);
    expect(await errorOf(conn, 'CLIENT', 'foo')).toBe("ERR unknown subcommand 'foo'. Try CLIENT HELP.");
    expect(await errorOf(conn, 'CLIENT')).toBe("ERR wrong number of arguments for 'client' command");
    expect(await errorOf(conn, 'CLIENT', 'GETNAME', 'x')).toBe("ERR wrong number of arguments for 'client|getname' command");
  });
});

describe('HELLO', () => {
  const helloReply = (id: number) => ['server', 'redis', 'version', '7.0.0', 'proto', 2, 'id', id, 'mode', 'standalone', 'role', 'master', 'modules', []];

  it('HELLO and HELLO 2 reply with the RESP2 map as a flat array', async () => {
    const conn = createEngine().connect();
    expect(await conn.call(['HELLO'])).toEqual(helloReply(conn.id));
    expect(await conn.call(['HELLO', '2'])).toEqual(helloReply(conn.id));
  });

  it('HELLO 3 is refused: RESP3 is not supported', async () => {
    const conn = createEngine().connect();
    expect(await errorOf(conn, 'HELLO', '3')).toBe('NOPROTO unsupported protocol version');
    expect(await errorOf(conn, 'HELLO', '1')).toBe('NOPROTO unsupported protocol version');
    expect(await errorOf(conn, 'HELLO', 'abc')).toBe('ERR Protocol version is not an integer or out of range');
  });

  it('HELLO AUTH and SETNAME options', async () => {
    const conn = createEngine().connect();
    expect(await conn.call(['HELLO', '2', 'AUTH', 'default', 'pw', 'SETNAME', 'app'])).toEqual(helloReply(conn.id));
    expect(await conn.call(['CLIENT', 'GETNAME'])).toBe('app');
    expect(await errorOf(conn, 'HELLO', '2', 'AUTH', 'bob', 'pw', 'SETNAME', 'other')).toBe('WRONGPASS invalid username-password pair or user is disabled.');
    expect(await conn.call(['CLIENT', 'GETNAME'])).toBe('app');
    expect(await errorOf(conn, 'HELLO', '2', 'SETNAME', 'a b')).toMatch(/^ERR Client names cannot contain/);
    expect(await errorOf(conn, 'HELLO', '2', 'AUTH', 'default')).toBe("ERR Syntax error in HELLO option 'AUTH'");
    expect(await errorOf(conn, 'HELLO', '2', 'foo')).toBe("ERR Syntax error in HELLO option 'foo'");
  });
});

describe('SELECT, QUIT, RESET', () => {
  it('SELECT 0 is the only database', async () => {
    const conn = createEngine().connect();
    expect(await conn.call(['SELECT', '0'])).toBe('OK');
    expect(await errorOf(conn, 'SELECT', '1')).toBe('ERR DB index is out of range');
    expect(await errorOf(conn, 'SELECT', '-1')).toBe('ERR DB index is out of range');
    expect(await errorOf(conn, 'SELECT', 'abc')).toBe('ERR value is not an integer or out of range');
    expect(await errorOf(conn, 'SELECT', '1.5')).toBe('ERR value is not an integer or out of range');
    expect(await errorOf(conn, 'SELECT', '99999999999')).toBe('ERR value is out of range, value must between -2147483648 and 2147483647');
  });

  it('QUIT replies OK and closes the connection', async () => {
    const engine = createEngine();
    const conn = engine.connect();
    expect(await conn.call(['QUIT'])).toBe('OK');
    expect(conn.closed).toBe(true);
    expect(engine.clients.has(conn.id)).toBe(false);
    expect(await errorOf(conn, 'PING')).toBe('ERR Connection closed');
  });

  it('QUIT inside MULTI runs at once', async () => {
    const conn = createEngine().connect();
    await conn.call(['MULTI']);
    expect(await conn.call(['QUIT'])).toBe('OK');
    expect(conn.closed).toBe(true);
  });

  it('RESET clears MULTI, WATCH and the name', async () => {
    const engine = createEngine();
    const conn = engine.connect();
    await conn.call(['CLIENT', 'SETNAME', 'x']);
    await conn.call(['WATCH', 'k']);
    await conn.call(['MULTI']);
    await conn.call(['PING']);
    expect(await conn.call(['RESET'])).toBe('RESET');
    expect(conn.multi).toBeNull();
    expect(conn.watched.size).toBe(0);
    expect(await conn.call(['CLIENT', 'GETNAME'])).toBeNull();
    expect(await errorOf(conn, 'EXEC')).toBe('ERR EXEC without MULTI');
  });
});
