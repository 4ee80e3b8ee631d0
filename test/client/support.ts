/**
 * Harness for the client's Node tests. The same typed-method suites run over two hosts:
 * - `engine`: the client over an in-process engine with a fake clock (always);
 * - `redis`: the client over a real Redis 7 through a RESP transport (when redis-server is
 *   installed; CI installs it). Real Redis checks the expectations themselves, so a test
 *   failing only on `engine` points at an engine difference, not at the client.
 */
import { createConnection, type Socket } from 'node:net';
import { afterAll, afterEach, beforeAll, beforeEach, describe } from 'vitest';
import { createEngine, type Engine } from '../../src/engine/engine.js';
import { createClientOver, type RedisClient } from '../../src/client/client.js';
import { inProcessTransport, type Transport } from '../../src/client/transport.js';
import { PROTOCOL_VERSION, type Request, type Response, type WireArg, type WireReply } from '../../src/client/protocol.js';
import { haveRedis, startRedis, type RedisOracle } from '../support/redis-server.js';

export const T0 = 1_700_000_000_000;

export interface Harness {
  client: RedisClient;
  /** Every command sent, in order, as the client encoded it. */
  sent: WireArg[][];
  /** The last argv sent, with Uint8Arrays kept. */
  lastSent(): WireArg[];
  /** Batch requests sent (one per auto-pipelined flush). */
  readonly batches: number;
  /** Move the fake clock (engine only). */
  advance(ms: number): void;
  engine: Engine | null;
  close(): Promise<void>;
}

export interface Backend {
  name: 'engine' | 'redis';
  fakeClock: boolean;
}

/** Wrap a transport to record what the client sends. */
function recording(inner: Transport, harness: SentLog): Transport {
  return {
    request(request: Request) {
      if (request.type === 'batch') {
        harness.batches++;
        for (const argv of request.commands) harness.sent.push(argv);
      }
      return inner.request(request);
    },
    close: () => inner.close(),
  };
}

interface SentLog {
  sent: WireArg[][];
  batches: number;
}

function harnessOver(
  transport: Transport,
  engine: Engine | null,
  advance: (ms: number) => void,
  cleanup: () => void,
): Harness {
  const record: SentLog = { sent: [], batches: 0 };
  const client = createClientOver(recording(transport, record));
  return {
    client,
    sent: record.sent,
    lastSent: () => record.sent[record.sent.length - 1]!,
    get batches() {
      return record.batches;
    },
    advance,
    engine,
    close: async () => {
      await client.close();
      cleanup();
    },
  };
}

export function engineHarness(): Harness {
  let now = T0;
  const engine = createEngine({ clock: () => now, activeExpire: false });
  const advance = (ms: number): void => {
    now += ms;
  };
  return harnessOver(inProcessTransport(engine), engine, advance, () => engine.close());
}

async function redisHarness(oracle: RedisOracle): Promise<Harness> {
  const transport = await RespTransport.connect(oracle.port);
  await transport.request({ v: PROTOCOL_VERSION, type: 'batch', commands: [['FLUSHALL']] });
  const advance = (): void => {
    throw new Error('no fake clock on real Redis');
  };
  return harnessOver(transport, null, advance, () => undefined);
}

export const BACKENDS: Backend[] = [
  { name: 'engine', fakeClock: true },
  { name: 'redis', fakeClock: false },
];

/**
 * A describe block per backend; `h()` is the current test's harness. The redis block is
 * skipped when redis-server is missing (CI installs it).
 */
export function describeBackends(title: string, body: (h: () => Harness, backend: Backend) => void): void {
  for (const backend of BACKENDS) {
    describe.skipIf(backend.name === 'redis' && !haveRedis)(`${title} [${backend.name}]`, () => {
      let oracle: RedisOracle | null = null;
      let harness: Harness | null = null;
      beforeAll(async () => {
        if (backend.name === 'redis') oracle = await startRedis();
      });
      afterAll(async () => {
        await oracle?.stop();
      });
      beforeEach(async () => {
        harness = backend.name === 'engine' ? engineHarness() : await redisHarness(oracle!);
      });
      afterEach(async () => {
        await harness?.close();
        harness = null;
      });
      body(() => harness!, backend);
    });
  }
}

/** A transport to a real Redis over RESP2, answering in the wire form the worker uses. */
export class RespTransport implements Transport {
  private buffer: Buffer = Buffer.alloc(0);
  private readonly waiting: Array<(reply: WireReply) => void> = [];

  private constructor(private readonly socket: Socket) {
    socket.on('data', (chunk: Buffer) => {
      this.buffer = this.buffer.length === 0 ? chunk : Buffer.concat([this.buffer, chunk]);
      for (;;) {
        const parsed = parseResp(this.buffer, 0);
        if (parsed === null) break;
        this.buffer = this.buffer.subarray(parsed.end);
        this.waiting.shift()!(parsed.value);
      }
    });
  }

  static connect(port: number): Promise<RespTransport> {
    return new Promise((resolve, reject) => {
      const socket = createConnection({ host: '127.0.0.1', port }, () => resolve(new RespTransport(socket)));
      socket.once('error', reject);
    });
  }

  async request(request: Request): Promise<Response> {
    switch (request.type) {
      case 'batch': {
        const replies = request.commands.map((argv) => {
          this.socket.write(encodeResp(argv));
          return new Promise<WireReply>((resolve) => this.waiting.push(resolve));
        });
        return { v: PROTOCOL_VERSION, type: 'replies', replies: await Promise.all(replies) };
      }
      case 'stats':
        return { v: PROTOCOL_VERSION, type: 'stats', batches: 0, commands: 0, rejected: 0 };
      case 'close':
        return { v: PROTOCOL_VERSION, type: 'closed' };
    }
  }

  close(): void {
    this.socket.destroy();
  }
}

function encodeResp(argv: WireArg[]): Buffer {
  const parts: Buffer[] = [Buffer.from(`*${argv.length}\r\n`)];
  for (const arg of argv) {
    const bytes = typeof arg === 'string' ? Buffer.from(arg, 'utf8') : Buffer.from(arg);
    parts.push(Buffer.from(`$${bytes.length}\r\n`), bytes, Buffer.from('\r\n'));
  }
  return Buffer.concat(parts);
}

/** RESP2 → wire form: bulk and status strings as byte strings (latin1), errors as UTF-8. */
function parseResp(buf: Buffer, start: number): { value: WireReply; end: number } | null {
  const lineEnd = buf.indexOf('\r\n', start);
  if (lineEnd === -1) return null;
  const type = String.fromCharCode(buf[start]!);
  const line = buf.toString('latin1', start + 1, lineEnd);
  const next = lineEnd + 2;
  switch (type) {
    case '+':
      return { value: { type: 'status', value: line }, end: next };
    case '-':
      return { value: { type: 'error', message: buf.toString('utf8', start + 1, lineEnd) }, end: next };
    case ':': {
      const big = BigInt(line);
      return { value: big >= -(2n ** 53n) + 1n && big <= 2n ** 53n - 1n ? Number(big) : big, end: next };
    }
    case '$': {
      const len = Number(line);
      if (len === -1) return { value: null, end: next };
      if (buf.length < next + len + 2) return null;
      return { value: buf.toString('latin1', next, next + len), end: next + len + 2 };
    }
    case '*': {
      const count = Number(line);
      if (count === -1) return { value: null, end: next };
      const items: WireReply[] = [];
      let pos = next;
      for (let i = 0; i < count; i++) {
        const item = parseResp(buf, pos);
        if (item === null) return null;
        items.push(item.value);
        pos = item.end;
      }
      return { value: items, end: pos };
    }
    default:
      throw new Error(`bad RESP type byte ${type}`);
  }
}
