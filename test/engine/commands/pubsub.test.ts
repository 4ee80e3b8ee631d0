/**
 * Pub/sub and MONITOR in-process (names after Redis's pubsub.tcl where they match). The
 * differential suite checks replies against Redis; these check delivery through
 * `Connection.onPush`, connection lifetime and keyspace events with a fake clock.
 */
import { describe, expect, it } from 'vitest';
import { createEngine } from '../../../src/index.js';
import type { Connection } from '../../../src/engine/connection.js';
import type { Reply } from '../../../src/engine/reply.js';
import { isSubscribeFamily } from '../../../src/engine/commands/pubsub.js';
import { quoteArg } from '../../../src/engine/pubsub.js';

function subscriber(conn: Connection): Reply[] {
  const pushes: Reply[] = [];
  conn.onPush((push) => pushes.push(push));
  return pushes;
}

describe('pub/sub', () => {
  it('PUBLISH/SUBSCRIBE basics', async () => {
    const engine = createEngine();
    const [a, b, pub] = [engine.connect(), engine.connect(), engine.connect()];
    const pa = subscriber(a);
    const pb = subscriber(b);
    expect(await a.call(['SUBSCRIBE', 'chan1', 'chan2'])).toEqual([['subscribe', 'chan1', 1], ['subscribe', 'chan2', 2]]);
    await b.call(['SUBSCRIBE', 'chan1']);
    expect(await pub.call(['PUBLISH', 'chan1', 'hello'])).toBe(2);
    expect(await pub.call(['PUBLISH', 'chan2', 'world'])).toBe(1);
    expect(pa).toEqual([
      ['subscribe', 'chan1', 1], ['subscribe', 'chan2', 2], ['message', 'chan1', 'hello'], ['message', 'chan2', 'world'],
    ]);
    expect(pb).toEqual([['subscribe', 'chan1', 1], ['message', 'chan1', 'hello']]);
    await a.call(['UNSUBSCRIBE', 'chan1']);
    expect(await pub.call(['PUBLISH', 'chan1', 'again'])).toBe(1);
  });

  it('PUBLISH/PSUBSCRIBE: a client matching channel and pattern counts twice', async () => {
    const engine = createEngine();
    const [sub, pub] = [engine.connect(), engine.connect()];
    const pushes = subscriber(sub);
    await sub.call(['SUBSCRIBE', 'foo.bar']);
    await sub.call(['PSUBSCRIBE', 'foo.*']);
    pushes.length = 0;
    expect(await pub.call(['PUBLISH', 'foo.bar', 'm'])).toBe(2);
    expect(pushes).toEqual([['message', 'foo.bar', 'm'], ['pmessage', 'foo.*', 'foo.bar', 'm']]);
  });

  it('messages are delivered after the publishing command, and a listener may run commands', async () => {
    const engine = createEngine();
    const [sub, pub] = [engine.connect(), engine.connect()];
    const other = engine.connect();
    const seen: Array<string | Reply> = [];
    sub.onPush((push) => {
      if (!Array.isArray(push) || push[0] !== 'message') return;
      seen.push(push[2]!);
      // Re-entering from a listener: the publish below is delivered after this one.
      if (push[2] === 'first') seen.push(other.callSync(['PUBLISH', 'c', 'second']));
    });
    await sub.call(['SUBSCRIBE', 'c']);
    await pub.call(['PUBLISH', 'c', 'first']);
    expect(seen).toEqual(['first', 1, 'second']);
  });

  it('binary-safe channels and payloads come back as sent', async () => {
    const engine = createEngine();
    const [sub, pub] = [engine.connect(), engine.connect()];
    const pushes = subscriber(sub);
    await sub.call(['SUBSCRIBE', 'é']);
    await pub.call(['PUBLISH', 'é', '😀']);
    expect(pushes[1]).toEqual(['message', 'é', '😀']);
    const raw: unknown[] = [];
    sub.onPushRaw((push) => raw.push(push));
    await pub.call(['PUBLISH', 'é', new Uint8Array([0xff, 0])]);
    expect(raw).toEqual([['message', '\xc3\xa9', '\xff\x00']]);
  });

  it('closing a subscribed connection drops its subscriptions', async () => {
    const engine = createEngine();
    const [sub, pub] = [engine.connect(), engine.connect()];
    await sub.call(['SUBSCRIBE', 'a']);
    await sub.call(['PSUBSCRIBE', 'b*']);
    await sub.call(['SSUBSCRIBE', 's']);
    sub.close();
    expect(await pub.call(['PUBLISH', 'a', 'x'])).toBe(0);
    expect(await pub.call(['PUBSUB', 'NUMPAT'])).toBe(0);
    expect(await pub.call(['PUBSUB', 'SHARDCHANNELS'])).toEqual([]);
    expect(await pub.call(['PUBSUB', 'CHANNELS'])).toEqual([]);
  });

  it('INFO stats counts channels, patterns and shard channels', async () => {
    const engine = createEngine();
    const [sub, other] = [engine.connect(), engine.connect()];
    await sub.call(['SUBSCRIBE', 'a', 'b']);
    await sub.call(['PSUBSCRIBE', 'p*']);
    await sub.call(['SSUBSCRIBE', 's']);
    const info = (await other.call(['INFO', 'stats'])) as string;
    expect(info).toMatch(/pubsub_channels:2\r\npubsub_patterns:1\r\npubsubshard_channels:1\r\n/);
  });

  it('RESET leaves subscribed mode without confirmations', async () => {
    const engine = createEngine();
    const sub = engine.connect();
    const pushes = subscriber(sub);
    await sub.call(['SUBSCRIBE', 'a']);
    await expect(sub.call(['GET', 'k'])).rejects.toThrow(/^ERR Can't execute 'get'/);
    expect(await sub.call(['RESET'])).toBe('RESET');
    expect(await sub.call(['GET', 'k'])).toBeNull();
    expect(pushes).toEqual([['subscribe', 'a', 1]]);
  });

  it('CLIENT LIST shows sub/psub/ssub counts, flag P and TYPE pubsub', async () => {
    const engine = createEngine();
    const [sub, other] = [engine.connect(), engine.connect()];
    await sub.call(['SUBSCRIBE', 'a', 'b']);
    await sub.call(['PSUBSCRIBE', 'p*']);
    await sub.call(['SSUBSCRIBE', 's']);
    const line = (await other.call(['CLIENT', 'LIST', 'TYPE', 'pubsub'])) as string;
    expect(line).toMatch(new RegExp(`^id=${sub.id} .* flags=P .* sub=2 psub=1 ssub=1 `));
    expect(await other.call(['CLIENT', 'LIST', 'TYPE', 'normal'])).not.toMatch(new RegExp(`id=${sub.id} `));
    expect(await other.call(['CLIENT', 'KILL', 'TYPE', 'pubsub'])).toBe(1);
    expect(sub.closed).toBe(true);
  });

  it('keyspace events: the registry listens only while someone is subscribed', async () => {
    let now = 1_000;
    const engine = createEngine({ clock: () => now, activeExpire: false });
    const [sub, pub] = [engine.connect(), engine.connect()];
    const pushes = subscriber(sub);
    await pub.call(['CONFIG', 'SET', 'notify-keyspace-events', 'KEA']);
    await pub.call(['SET', 'before', 'v']);
    await sub.call(['PSUBSCRIBE', '__keyspace@0__:*']);
    await pub.call(['SET', 'k', 'v', 'PX', '50']);
    now += 100;
    engine.runActiveExpire();
    expect(pushes.slice(1)).toEqual([
      ['pmessage', '__keyspace@0__:*', '__keyspace@0__:k', 'set'],
      ['pmessage', '__keyspace@0__:*', '__keyspace@0__:k', 'expire'],
      ['pmessage', '__keyspace@0__:*', '__keyspace@0__:k', 'expired'],
    ]);
    await sub.call(['PUNSUBSCRIBE']);
    pushes.length = 0;
    await pub.call(['SET', 'after', 'v']);
    expect(pushes).toEqual([]);
  });

  it('isSubscribeFamily names the commands whose replies are pushed confirmations', () => {
    expect(['SUBSCRIBE', 'punsubscribe', 'SSubscribe'].every(isSubscribeFamily)).toBe(true);
    expect(['PUBLISH', 'PUBSUB', 'PING'].some(isSubscribeFamily)).toBe(false);
  });
});

describe('MONITOR', () => {
  it('MONITOR lines: timestamp, db, client address, quoted arguments, after execution', async () => {
    const engine = createEngine({ clock: () => 1_700_000_000_123 });
    const [mon, conn] = [engine.connect(), engine.connect()];
    const lines = subscriber(mon);
    expect(await mon.call(['MONITOR'])).toBe('OK');
    await conn.call(['SET', 'k', 'a "b"\n']);
    await conn.call(['MULTI']);
    await conn.call(['INCR', 'n']);
    await conn.call(['EXEC']);
    await conn.call(['CONFIG', 'GET', 'x']); // admin: not shown
    await conn.call(['NOSUCH']).catch(() => null); // rejected before running: not shown
    expect(lines).toEqual([
      `1700000000.123000 [0 local:${conn.id}] "SET" "k" "a \\"b\\"\\n"`,
      `1700000000.123000 [0 local:${conn.id}] "MULTI"`,
      `1700000000.123000 [0 local:${conn.id}] "INCR" "n"`,
      `1700000000.123000 [0 local:${conn.id}] "EXEC"`,
    ]);
    expect(await conn.call(['CLIENT', 'LIST', 'ID', String(mon.id)])).toMatch(/ flags=O /);
  });

  it('MONITOR inside MULTI is refused', async () => {
    const conn = createEngine().connect();
    await conn.call(['MULTI']);
    await conn.call(['MONITOR']);
    expect(await conn.call(['EXEC'])).toEqual([expect.objectContaining({ message: "ERR MONITOR isn't allowed for DENY BLOCKING client" })]);
  });

  it('quoteArg escapes like sdscatrepr', () => {
    expect(quoteArg('a\\b"\r\t\x07\x08\x00\xff~')).toBe('"a\\\\b\\"\\r\\t\\a\\b\\x00\\xff~"');
  });
});
