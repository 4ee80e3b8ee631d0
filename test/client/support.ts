/**
 * Harness for the client's Node tests. The same typed-method suites run over two hosts:
 * - `engine`: the client over an in-process engine with a fake clock (always);
 * - `redis`: the client over a real Redis 7 through a RESP transport (when redis-server is
 *   installed; CI installs it). Real Redis checks the expectations themselves, so a test
 *   failing only on `engine` points at an engine difference, not at the client.
 */
import { afterAll, afterEach, beforeAll, beforeEach, describe } from 'vitest';
import { createEngine, type Engine } from '../../src/engine/engine.js';
import { createClientOver, type RedisClient } from '../../src/client/client.js';
import { inProcessTransport, type Transport } from '../../src/client/transport.js';
import { PROTOCOL_VERSION, type Request, type Response, type WireArg, type WireReply } from '../../src/client/protocol.js';
import { haveRedis, startRedis, type RedisOracle } from '../support/redis-server.js';
import { RespConnection, type ReplyBuilder } from '../support/resp.js';

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
  openSubscriber?: () => Transport,
): Harness {
  const record: SentLog = { sent: [], batches: 0 };
  const client = createClientOver(recording(transport, record), undefined, openSubscriber);
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
  return harnessOver(inProcessTransport(engine), engine, advance, () => engine.close(), () => inProcessTransport(engine));
}

async function redisHarness(oracle: RedisOracle): Promise<Harness> {
  const transport = await RespTransport.connect(oracle.port);
  await transport.request({ v: PROTOCOL_VERSION, type: 'batch', commands: [['FLUSHALL']] });
  const advance = (): void => {
    throw new Error('no fake clock on real Redis');
  };
  return harnessOver(transport, null, advance, () => undefined, () => new RespSubscriberTransport(oracle.port));
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

/** RESP2 → wire form: bulk and status strings as byte strings (latin1), errors as UTF-8. */
const wireReplies: ReplyBuilder<WireReply> = {
  status: (buf, from, to) => ({ type: 'status', value: buf.toString('latin1', from, to) }),
  error: (buf, from, to) => ({ type: 'error', message: buf.toString('utf8', from, to) }),
  integer: (big) => (big >= -(2n ** 53n) + 1n && big <= 2n ** 53n - 1n ? Number(big) : big),
  bulk: (buf, from, to) => buf.toString('latin1', from, to),
  nil: () => null,
  array: (items) => items,
};

/** A transport to a real Redis over RESP2, answering in the wire form the worker uses. */
export class RespTransport implements Transport {
  private constructor(private readonly connection: RespConnection<WireReply>) {}

  static async connect(port: number): Promise<RespTransport> {
    return new RespTransport(await RespConnection.open(port, wireReplies));
  }

  async request(request: Request): Promise<Response> {
    switch (request.type) {
      case 'batch': {
        const replies = request.commands.map((argv: WireArg[]) => this.connection.call(argv));
        return { v: PROTOCOL_VERSION, type: 'replies', replies: await Promise.all(replies) };
      }
      case 'stats':
        return { v: PROTOCOL_VERSION, type: 'stats', batches: 0, commands: 0, rejected: 0 };
      case 'close':
        return { v: PROTOCOL_VERSION, type: 'closed' };
    }
  }

  close(): void {
    this.connection.close();
  }
}

/**
 * The client's subscriber session on a real Redis: a RESP2 connection in subscribed mode,
 * where a (P|S)(UN)SUBSCRIBE of n names is answered by n confirmations and messages arrive
 * unasked. Requests are batches of one command, as the client's Subscriber sends them.
 */
class RespSubscriberTransport implements Transport {
  private readonly connection: Promise<RespConnection<WireReply>>;
  private readonly listeners = new Set<(push: WireReply) => void>();
  /** Requests waiting for their confirmations, in order. */
  private readonly waiting: Array<{ left: number; replies: WireReply[]; resolve: (r: WireReply) => void }> = [];
  private closed = false;

  constructor(port: number) {
    this.connection = RespConnection.open(port, wireReplies);
    void this.pump();
  }

  private async pump(): Promise<void> {
    const connection = await this.connection;
    while (!this.closed) {
      const reply = await connection.read();
      if (Array.isArray(reply) && typeof reply[0] === 'string' && /^[ps]?message$/.test(reply[0])) {
        for (const listener of this.listeners) listener(reply);
        continue;
      }
      const head = this.waiting[0];
      if (head === undefined) continue;
      head.replies.push(reply);
      if (--head.left === 0 || !Array.isArray(reply)) {
        this.waiting.shift();
        head.resolve(Array.isArray(reply) ? head.replies : reply);
      }
    }
  }

  onPush(listener: (push: WireReply) => void): void {
    this.listeners.add(listener);
  }

  async request(request: Request): Promise<Response> {
    if (request.type !== 'batch') return { v: PROTOCOL_VERSION, type: 'closed' };
    const connection = await this.connection;
    const replies: WireReply[] = [];
    for (const argv of request.commands) {
      const left = /subscribe$/i.test(String(argv[0])) ? Math.max(1, argv.length - 1) : 1;
      const reply = new Promise<WireReply>((resolve) => this.waiting.push({ left, replies: [], resolve }));
      connection.send(argv);
      replies.push(await reply);
    }
    return { v: PROTOCOL_VERSION, type: 'replies', replies };
  }

  close(): void {
    this.closed = true;
    void this.connection.then((c) => c.close());
  }
}
