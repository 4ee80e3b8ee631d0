import { describe, expect, it } from 'vitest';
import { createEngine, memoryStorage, ReplyError } from '../../../src/index.js';
import type { Connection } from '../../../src/engine/connection.js';
import type { Reply } from '../../../src/engine/reply.js';

const T0 = 1_700_000_000_000;

/** An engine on a fake clock with three connections, its effects and keyspace events. */
function setup() {
  const clock = { now: T0 };
  const engine = createEngine({ clock: () => clock.now, activeExpire: false });
  const [a, b, c] = [engine.connect(), engine.connect(), engine.connect()];
  const effects: string[][] = [];
  const events: string[] = [];
  engine.onEffects((batch) => effects.push(...batch));
  engine.onKeyspaceEvent((e) => {
    if (e.channel.startsWith('__keyevent')) events.push(`${e.channel.slice('__keyevent@0__:'.length)} ${e.message}`);
  });
  /** Settle: a reply, or the ReplyError it rejected with. */
  const call = (conn: Connection, ...argv: string[]): Promise<Reply> => conn.call(argv).catch((e: ReplyError) => e);
  /** Run the microtasks that deliver served replies. */
  const flush = () => new Promise<void>((resolve) => setTimeout(resolve, 0));
  return {
    engine, a, b, c, effects, events, call, flush,
    r: (...argv: string[]) => a.callSync(argv),
    advance: (ms: number) => {
      clock.now += ms;
      return engine.blocking.checkTimeouts();
    },
  };
}

describe('blocking list commands', () => {
  it('BLPOP with data at hand pops at once, logged as LPOP', async () => {
    const { r, b, call, effects } = setup();
    r('RPUSH', 'l', 'x', 'y');
    expect(await call(b, 'BLPOP', 'missing', 'l', '0')).toEqual(['l', 'x']);
    expect(await call(b, 'BRPOP', 'l', '0')).toEqual(['l', 'y']);
    expect(effects).toEqual([['RPUSH', 'l', 'x', 'y'], ['lpop', 'l'], ['rpop', 'l']]);
  });

  it('several clients blocked on one key are served first blocked, first served', async () => {
    const { engine, a, b, c, call, flush } = setup();
    const d = engine.connect();
    const order: string[] = [];
    const replies = [c, b, d].map((conn, i) => call(conn, 'BLPOP', 'q', '0').then((reply) => (order.push(`client${i}`), reply)));
    await flush();
    expect(engine.blocking.blockedClients).toBe(3);
    await call(a, 'RPUSH', 'q', '1', '2');
    expect(await replies[0]).toEqual(['q', '1']);
    expect(await replies[1]).toEqual(['q', '2']);
    expect(engine.blocking.blockedClients).toBe(1);
    await call(a, 'RPUSH', 'q', '3');
    expect(await replies[2]).toEqual(['q', '3']);
    expect(order).toEqual(['client0', 'client1', 'client2']);
    expect(await call(a, 'EXISTS', 'q')).toBe(0);
  });

  it('a client blocked on several keys is served by the first one written, then leaves every queue', async () => {
    const { engine, a, b, call } = setup();
    const reply = call(b, 'BRPOP', 'k1', 'k2', 'k3', '0');
    await call(a, 'RPUSH', 'k3', 'x');
    expect(await reply).toEqual(['k3', 'x']);
    expect(engine.blocking.blockedClients).toBe(0);
    await call(a, 'RPUSH', 'k1', 'y');
    expect(await call(a, 'LRANGE', 'k1', '0', '-1')).toEqual(['y']);
  });

  it('timeouts: nil once the fake clock passes the deadline; fractional seconds', async () => {
    const { engine, b, c, call, advance } = setup();
    const one = call(b, 'BLPOP', 'q', '1.5');
    const two = call(c, 'BLMOVE', 'q', 'd', 'LEFT', 'LEFT', '0.25');
    expect(advance(250)).toBe(0);
    expect(advance(1)).toBe(1);
    expect(await two).toBeNull();
    expect(advance(1249)).toBe(0);
    expect(engine.blocking.blockedClients).toBe(1);
    expect(advance(1)).toBe(1);
    expect(await one).toBeNull();
    expect(engine.blocking.blockedClients).toBe(0);
  });

  it('timeout 0 waits forever; sub-millisecond timeouts round up to 1 ms, as Redis 7.0.8+ ceils them', async () => {
    const { engine, b, c, call, advance } = setup();
    void call(b, 'BLPOP', 'q', '0');
    const tiny = call(c, 'BLPOP', 'q', '0.0001');
    expect(engine.blocking.clientsWithTimeout).toBe(1);
    expect(advance(1)).toBe(0);
    expect(advance(1)).toBe(1);
    expect(await tiny).toBeNull();
    // 0.001 · 1000 is just below 1 in long double arithmetic: it still waits 1 ms, not forever.
    const milli = call(c, 'BLMOVE', 'q', 'd', 'LEFT', 'LEFT', '0.001');
    expect(advance(2)).toBe(1);
    expect(await milli).toBeNull();
    // Negative and above -1 ms is -0: forever.
    void call(c, 'BLPOP', 'q', '-0.0001');
    advance(10 ** 9);
    expect(engine.blocking.blockedClients).toBe(2);
    expect(engine.blocking.clientsWithTimeout).toBe(0);
    engine.close();
  });

  it('timeout argument errors', async () => {
    const { b, call } = setup();
    expect(await call(b, 'BLPOP', 'q', '-1')).toEqual(new ReplyError('ERR timeout is negative'));
    expect(await call(b, 'BLPOP', 'q', 'inf')).toEqual(new ReplyError('ERR timeout is negative'));
    expect(await call(b, 'BLPOP', 'q', 'abc')).toEqual(new ReplyError('ERR timeout is not a float or out of range'));
    expect(await call(b, 'BLMPOP', 'nan', '1', 'q', 'LEFT')).toEqual(new ReplyError('ERR timeout is not a float or out of range'));
  });

  it('the real timer answers a timed-out client (default clock)', async () => {
    const engine = createEngine();
    const conn = engine.connect();
    expect(await conn.call(['BLPOP', 'q', '0.02'])).toBeNull();
    expect(engine.blocking.blockedClients).toBe(0);
    engine.close();
  });

  it('inside MULTI a blocking command behaves as its non-blocking form', async () => {
    const { engine, b, call } = setup();
    await call(b, 'MULTI');
    await call(b, 'BLPOP', 'q', '0');
    await call(b, 'BLMOVE', 'q', 'd', 'LEFT', 'LEFT', '0');
    await call(b, 'BLMPOP', '0', '1', 'q', 'LEFT');
    await call(b, 'RPUSH', 'q', 'v');
    await call(b, 'BRPOP', 'q', '0');
    expect(await call(b, 'EXEC')).toEqual([null, null, null, 1, ['q', 'v']]);
    expect(engine.blocking.blockedClients).toBe(0);
  });

  it('a push inside MULTI wakes waiters only after EXEC, which sees the whole transaction', async () => {
    const { b, c, call, r, flush } = setup();
    let served: Reply | undefined;
    const waiting = call(b, 'BLPOP', 'q', '0').then((reply) => (served = reply));
    r('MULTI');
    r('RPUSH', 'q', 'a', 'b');
    r('LPOP', 'q');
    await flush();
    expect(served).toBeUndefined();
    r('EXEC');
    expect(await waiting).toEqual(['q', 'b']);
    expect(await call(c, 'EXISTS', 'q')).toBe(0);
  });

  it('commands after a blocked one on the same connection wait for it; other connections do not', async () => {
    const { b, c, call, flush } = setup();
    const blocked = call(b, 'BLPOP', 'q', '0');
    const later = call(b, 'SET', 'x', '1');
    const batch = b.callBatch([['GET', 'x'], ['INCR', 'x']]);
    await flush();
    expect(await call(c, 'GET', 'x')).toBeNull();
    await call(c, 'RPUSH', 'q', 'v');
    expect(await blocked).toEqual(['q', 'v']);
    expect(await later).toBe('OK');
    expect(await batch).toEqual(['1', 2]);
  });

  it('a batch with a blocking command in the middle answers in order once served', async () => {
    const { b, c, call } = setup();
    const replies = b.callBatchRawOrWait([['SET', 'x', '1'], ['BLPOP', 'q', '0'], ['GET', 'x'], ['BLPOP', 'q2', '0'], ['PING']]);
    expect(Array.isArray(replies)).toBe(false);
    await call(c, 'RPUSH', 'q', 'v');
    await call(c, 'RPUSH', 'q2', 'w');
    expect(await replies).toEqual([expect.anything(), ['q', 'v'], '1', ['q2', 'w'], expect.anything()]);
    // Without a blocking command the replies come back synchronously.
    expect(Array.isArray(b.callBatchRawOrWait([['PING']]))).toBe(true);
  });

  it('a synchronous caller cannot wait: the blocking command answers as on timeout', () => {
    const { engine, r } = setup();
    expect(r('BLPOP', 'q', '0')).toBeNull();
    expect(r('BLMOVE', 'q', 'd', 'LEFT', 'LEFT', '0')).toBeNull();
    expect(engine.blocking.blockedClients).toBe(0);
  });

  it('BLMOVE wake chains: a moved element wakes the client blocked on the destination (served moves logged as Redis spells them)', async () => {
    const { b, c, call, r, effects } = setup();
    const mover = call(b, 'BLMOVE', 'src', 'mid', 'RIGHT', 'LEFT', '0');
    const popper = call(c, 'BRPOPLPUSH', 'mid', 'dst', '0');
    r('LPUSH', 'src', 'v');
    expect(await mover).toBe('v');
    expect(await popper).toBe('v');
    expect(r('LRANGE', 'dst', '0', '-1')).toEqual(['v']);
    expect(r('EXISTS', 'src', 'mid')).toBe(0);
    expect(effects).toEqual([['LPUSH', 'src', 'v'], ['lmove', 'src', 'mid', 'right', 'left'], ['rpoplpush', 'mid', 'dst']]);
  });

  it('BLMPOP served pops up to COUNT, logged as LPOP key n', async () => {
    const { b, call, r, effects } = setup();
    const reply = call(b, 'BLMPOP', '0', '2', 'a', 'b', 'LEFT', 'COUNT', '5');
    r('RPUSH', 'b', '1', '2', '3');
    expect(await reply).toEqual(['b', ['1', '2', '3']]);
    expect(effects.at(-1)).toEqual(['lpop', 'b', '3']);
  });

  it('a list created by RENAME, COPY or SORT … STORE wakes its waiters', async () => {
    const { b, c, engine, call, r } = setup();
    const d = engine.connect();
    const renamed = call(b, 'BLPOP', 'r', '0');
    const copied = call(c, 'BRPOP', 'c', '0');
    r('RPUSH', 'src', '1', '2');
    r('COPY', 'src', 'c');
    r('RENAME', 'src', 'r');
    expect(await copied).toEqual(['c', '2']);
    expect(await renamed).toEqual(['r', '1']);
    const stored = call(d, 'BLPOP', 's', '0');
    r('RPUSH', 'unsorted', '3', '1', '2');
    r('SORT', 'unsorted', 'STORE', 's');
    expect(await stored).toEqual(['s', '1']);
  });

  it('keyspace events of a served pop: lpop then del', async () => {
    const { b, call, r, events } = setup();
    r('CONFIG', 'SET', 'notify-keyspace-events', 'KEA');
    const reply = call(b, 'BLPOP', 'q', '0');
    r('RPUSH', 'q', 'v');
    await reply;
    expect(events).toEqual(['rpush q', 'lpop q', 'del q']);
  });

  it('a key that becomes another type keeps its waiters waiting (Redis 7.0)', async () => {
    const { engine, b, call, r, flush } = setup();
    let served: Reply | undefined;
    const reply = call(b, 'BLPOP', 'q', '0').then((v) => (served = v));
    r('SET', 'q', 'string');
    await flush();
    expect(served).toBeUndefined();
    expect(engine.blocking.blockedClients).toBe(1);
    r('DEL', 'q');
    r('RPUSH', 'q', 'v');
    expect(await reply).toEqual(['q', 'v']);
  });

  it('BLMOVE served onto a destination of another type answers WRONGTYPE and keeps the element', async () => {
    const { b, call, r } = setup();
    const reply = call(b, 'BLMOVE', 'src', 'str', 'LEFT', 'LEFT', '0');
    r('SET', 'str', 'v');
    r('RPUSH', 'src', 'x');
    expect(((await reply) as ReplyError).message).toMatch(/^WRONGTYPE/);
    expect(r('LRANGE', 'src', '0', '-1')).toEqual(['x']);
  });

  it('a served pop invalidates a WATCH on its key, and the served command is counted and monitored once', async () => {
    const { engine, a, b, c, call, flush } = setup();
    const monitor = engine.connect();
    const seen: string[] = [];
    monitor.onPush((push) => seen.push(String(push).replace(/^[\d.]+ \[0 [^\]]+\] /, '')));
    monitor.callSync(['MONITOR']);
    await call(c, 'RPUSH', 'q', 'keep');
    await call(a, 'WATCH', 'q');
    const before = engine.stats.commandsProcessed;
    await call(c, 'DEL', 'q');
    const popped = call(b, 'BLPOP', 'q', '0');
    await call(c, 'RPUSH', 'q', 'v');
    expect(await popped).toEqual(['q', 'v']);
    await call(a, 'MULTI');
    await call(a, 'SET', 'x', '1');
    expect(await call(a, 'EXEC')).toBeNull();
    // DEL, BLPOP (once, when it blocked), RPUSH, MULTI, EXEC: the queued SET never ran.
    expect(engine.stats.commandsProcessed - before).toBe(5);
    await flush();
    expect(seen.filter((line) => line.startsWith('"BLPOP"'))).toEqual(['"BLPOP" "q" "0"']);
    engine.close();
  });

  it('closing a blocked connection drops its waiter and timer', async () => {
    const { engine, b, c, call, r } = setup();
    const reply = call(b, 'BLPOP', 'q', '5');
    const behind = call(b, 'PING');
    b.close();
    expect(engine.blocking.blockedClients).toBe(0);
    expect(await reply).toEqual(new ReplyError('ERR Connection closed'));
    expect(await behind).toEqual(new ReplyError('ERR Connection closed'));
    r('RPUSH', 'q', 'v');
    expect(await call(c, 'LLEN', 'q')).toBe(1);
  });

  it('engine.close() answers every blocked client', async () => {
    const { engine, b, c, call } = setup();
    const replies = [call(b, 'BLPOP', 'q', '0'), call(c, 'BRPOP', 'q', '1')];
    engine.close();
    for (const reply of replies) expect(await reply).toBeInstanceOf(ReplyError);
    expect(engine.blocking.blockedClients).toBe(0);
  });

  it('CLIENT UNBLOCK answers as on timeout, or with -UNBLOCKED', async () => {
    const { b, c, call, r } = setup();
    const one = call(b, 'BLPOP', 'q', '0');
    expect(r('CLIENT', 'UNBLOCK', String(b.id))).toBe(1);
    expect(await one).toBeNull();
    const two = call(c, 'BLPOP', 'q', '0');
    expect(r('CLIENT', 'UNBLOCK', String(c.id), 'error')).toBe(1);
    expect(await two).toEqual(new ReplyError('UNBLOCKED client unblocked via CLIENT UNBLOCK'));
    expect(r('CLIENT', 'UNBLOCK', String(c.id))).toBe(0);
    expect((r('CLIENT', 'UNBLOCK', '1', 'x') as ReplyError).message).toBe('ERR CLIENT UNBLOCK reason should be TIMEOUT or ERROR');
  });

  it('CLIENT LIST shows a blocked client with flag b and its command', async () => {
    const { engine, b, call, r } = setup();
    void call(b, 'BLPOP', 'q', '0');
    const line = (r('CLIENT', 'LIST', 'ID', String(b.id)) as string).trim();
    expect(line).toMatch(/ flags=b /);
    expect(line).toMatch(/ cmd=blpop /);
    engine.close();
  });

  it('INFO clients counts blocked clients', async () => {
    const { engine, b, call, r } = setup();
    void call(b, 'BLPOP', 'q', '3');
    const info = r('INFO', 'clients') as string;
    expect(info).toMatch(/blocked_clients:1\r\n/);
    expect(info).toMatch(/clients_in_timeout_table:1\r\n/);
    engine.close();
  });

  it('thousands of clients on one key: served first blocked first, the rest time out by deadline, then blocking order', async () => {
    const { engine, r, advance, flush } = setup();
    const n = 3000;
    const conns = Array.from({ length: n }, () => engine.connect());
    // Deadlines cycle through 7 values, so many fall due together; every 5th waits forever.
    const order: number[] = [];
    const waits = conns.map((conn, i) =>
      conn.call(['BLPOP', 'q', i % 5 === 0 ? '0' : String(1 + (i % 7))]).then(
        (reply) => {
          order.push(i);
          return reply;
        },
        // engine.close() answers the ones still waiting at the end with an error.
        () => null,
      ),
    );
    const clients = () => (r('INFO', 'clients') as string).match(/blocked_clients:(\d+)\r\n.*clients_in_timeout_table:(\d+)\r\n/s)!.slice(1).map(Number);
    expect(clients()).toEqual([n, n - n / 5]);
    r('RPUSH', 'q', ...Array.from({ length: 1000 }, (_, i) => String(i)));
    await flush();
    expect(order).toEqual(Array.from({ length: 1000 }, (_, i) => i));
    // The served ones' timeouts are gone; the rest fall due second by second.
    let timedOut = 0;
    for (let second = 1; second <= 8; second++) timedOut += advance(1000);
    await flush();
    const waiting = Array.from({ length: n }, (_, i) => i).filter((i) => i >= 1000);
    expect(timedOut).toBe(waiting.filter((i) => i % 5 !== 0).length);
    const dueOrder = waiting.filter((i) => i % 5 !== 0).sort((x, y) => (x % 7) - (y % 7) || x - y);
    expect(order.slice(1000)).toEqual(dueOrder);
    expect(clients()).toEqual([waiting.length - dueOrder.length, 0]);
    r('RPUSH', 'q', 'last');
    await flush();
    expect(await waits[1000]).toEqual(['q', 'last']);
    engine.close();
  });
});

describe('blocking commands and persistence', () => {
  it('served pops are logged as their non-blocking forms and replay to the same lists', async () => {
    const storage = memoryStorage();
    const engine = createEngine({ storage });
    await engine.ready;
    const [a, b, c] = [engine.connect(), engine.connect(), engine.connect()];
    const popped = b.call(['BLPOP', 'q', '0']);
    const moved = c.call(['BLMOVE', 'src', 'dst', 'RIGHT', 'LEFT', '0']);
    await a.call(['RPUSH', 'q', '1', '2', '3']);
    await a.call(['RPUSH', 'src', 'x', 'y']);
    expect(await popped).toEqual(['q', '1']);
    expect(await moved).toBe('y');
    const big = Array.from({ length: 150 }, (_, i) => `e${i}`);
    await a.call(['RPUSH', 'big', ...big]);
    await a.call(['BGREWRITEAOF']);
    await a.call(['LPUSH', 'after', 'snapshot']);
    engine.close();
    await engine.persistence!.close();
    const again = createEngine({ storage });
    await again.ready;
    expect(await again.call(['LRANGE', 'q', '0', '-1'])).toEqual(['2', '3']);
    expect(await again.call(['LRANGE', 'src', '0', '-1'])).toEqual(['x']);
    expect(await again.call(['LRANGE', 'dst', '0', '-1'])).toEqual(['y']);
    expect(await again.call(['LRANGE', 'after', '0', '-1'])).toEqual(['snapshot']);
    // Rebuilt from a snapshot in commands of at most 64 elements.
    expect(await again.call(['LRANGE', 'big', '0', '-1'])).toEqual(big);
    again.close();
  });
});
