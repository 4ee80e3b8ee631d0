import { describe, expect, it } from 'vitest';
import { createEngine } from '../../src/engine/engine.js';
import { ReplyError } from '../../src/engine/errors.js';
import { Status } from '../../src/engine/reply.js';
import { PROTOCOL_VERSION, isRequest, type Request } from '../../src/client/protocol.js';
import { createSession, refusingSession, toWire } from '../../src/client/session.js';
import { toBufferReply, toReply, toRespReply } from '../../src/client/replies.js';
import { createClientOver } from '../../src/client/client.js';
import { inProcessTransport } from '../../src/client/transport.js';

const v = PROTOCOL_VERSION;

describe('wire protocol', () => {
  it('requests are shape-checked', () => {
    expect(isRequest({ v, type: 'batch', commands: [['PING'], ['ECHO', new Uint8Array([1])]] })).toBe(true);
    expect(isRequest({ v, type: 'stats' })).toBe(true);
    expect(isRequest({ v, type: 'close' })).toBe(true);
    for (const bad of [
      null,
      'PING',
      { type: 'batch', commands: [['PING']] },
      { v: v + 1, type: 'batch', commands: [['PING']] },
      { v, type: 'batch', commands: [[]] },
      { v, type: 'batch', commands: [['SET', 'k', 1]] },
      { v, type: 'batch', commands: 'PING' },
      { v, type: 'nope' },
    ]) {
      expect(isRequest(bad), JSON.stringify(bad)).toBe(false);
    }
  });

  it('a session answers a malformed request with an error response and counts it', () => {
    const engine = createEngine();
    const session = createSession(engine.connect());
    expect(session.handle({ v, type: 'batch', commands: [[42]] } as unknown as Request)).toEqual({
      v,
      type: 'error',
      message: 'idb-redis malformed request',
    });
    expect(session.handle({ v: 99, type: 'stats' } as unknown as Request)).toEqual({
      v,
      type: 'error',
      message: `idb-redis protocol version mismatch: host speaks ${v}, client sent 99`,
    });
    expect(session.handle({ v, type: 'stats' })).toEqual({ v, type: 'stats', batches: 0, commands: 0, rejected: 2 });
    engine.close();
  });

  it('a batch runs in order and its replies are in wire form', () => {
    const engine = createEngine();
    const session = createSession(engine.connect());
    const response = session.handle({
      v,
      type: 'batch',
      commands: [['PING'], ['ECHO', 'é'], ['ECHO', new Uint8Array([0xff])], ['NOPE']],
    });
    expect(response).toEqual({
      v,
      type: 'replies',
      replies: [
        { type: 'status', value: 'PONG' },
        '\xc3\xa9',
        '\xff',
        { type: 'error', message: "ERR unknown command 'NOPE', with args beginning with: " },
      ],
      // Bytes ≥ 0x80 came in: the client must decode.
      ascii: false,
    });
    // Everything on the wire survives structured clone unchanged.
    expect(structuredClone(response)).toEqual(response);
    engine.close();
  });

  it('close ends the engine connection; later batches answer ERR', () => {
    const engine = createEngine();
    const conn = engine.connect();
    const session = createSession(conn);
    expect(session.handle({ v, type: 'close' })).toEqual({ v, type: 'closed' });
    expect(conn.closed).toBe(true);
    expect(session.handle({ v, type: 'batch', commands: [['PING']] })).toEqual({
      v,
      type: 'replies',
      replies: [{ type: 'error', message: 'ERR Connection closed' }],
      ascii: true,
    });
    engine.close();
  });

  it('replies say when every string is ASCII, and the client then decodes nothing', async () => {
    const engine = createEngine();
    const session = createSession(engine.connect());
    expect(session.handle({ v, type: 'batch', commands: [['SET', 'k', 'v'], ['GET', 'k']] })).toEqual({ v, type: 'replies', replies: [{ type: 'status', value: 'OK' }, 'v'], ascii: true });
    const client = createClientOver(inProcessTransport(engine));
    expect(await client.get('k')).toBe('v');
    await client.set('k', 'ünïcode');
    expect(engine.asciiOnly).toBe(false);
    expect(await client.get('k')).toBe('ünïcode');
    await client.close();
    engine.close();
  });

  it('a refusing session refuses everything', () => {
    expect(refusingSession('no').handle({ v, type: 'stats' })).toEqual({ v, type: 'error', message: 'no' });
  });
});

describe('reply decoding', () => {
  const wire = toWire([new Status('OK'), '\xc3\xa9', 7, 2n ** 60n, null, new ReplyError('ERR x \xc3\xa9'), ['\xff']]);

  it('text form', () => {
    const reply = toReply(wire);
    expect(reply).toEqual(['OK', 'é', 7, 2n ** 60n, null, new ReplyError('ERR x é'), ['\ufffd']]);
    expect((reply as unknown[])[5]).toBeInstanceOf(ReplyError);
  });

  it('buffer form', () => {
    expect(toBufferReply(wire)).toEqual([
      new Uint8Array([79, 75]),
      new Uint8Array([0xc3, 0xa9]),
      7,
      2n ** 60n,
      null,
      new ReplyError('ERR x é'),
      [new Uint8Array([0xff])],
    ]);
  });

  it('RESP form', () => {
    expect(toRespReply(wire)).toEqual({
      type: 'array',
      items: [
        { type: 'simple', value: 'OK' },
        { type: 'bulk', value: new Uint8Array([0xc3, 0xa9]) },
        { type: 'integer', value: 7 },
        { type: 'integer', value: 2n ** 60n },
        { type: 'null' },
        { type: 'error', error: new ReplyError('ERR x é') },
        { type: 'array', items: [{ type: 'bulk', value: new Uint8Array([0xff]) }] },
      ],
    });
  });
});
