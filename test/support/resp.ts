/**
 * RESP2 over a socket, for tests that talk to a real Redis. One codec, two reply shapes:
 * `RespClient` answers in the engine's public shape (bulk strings decoded as UTF-8,
 * statuses as strings, errors as ReplyError values, integers as numbers or bigints past
 * 2^53) so differential tests compare both sides with one `toEqual`; the client tests'
 * transport builds the worker's wire form with its own `ReplyBuilder`.
 */
import { Socket, createConnection } from 'node:net';
import { ReplyError } from '../../src/engine/errors.js';
import type { Reply } from '../../src/engine/reply.js';

/** How parsed RESP2 values become replies of type T. */
export interface ReplyBuilder<T> {
  status(buf: Buffer, from: number, to: number): T;
  error(buf: Buffer, from: number, to: number): T;
  integer(value: bigint): T;
  bulk(buf: Buffer, from: number, to: number): T;
  nil(): T;
  array(items: T[]): T;
}

const safe = (big: bigint): number | bigint =>
  big >= -9007199254740991n && big <= 9007199254740991n ? Number(big) : big;

/** The engine's public reply shape. */
export const publicReplies: ReplyBuilder<Reply> = {
  status: (buf, from, to) => buf.toString('utf8', from, to),
  error: (buf, from, to) => new ReplyError(buf.toString('utf8', from, to)),
  integer: safe,
  bulk: (buf, from, to) => buf.toString('utf8', from, to),
  nil: () => null,
  array: (items) => items,
};

export function encodeCommand(argv: readonly (string | Uint8Array)[]): Buffer {
  const parts: Buffer[] = [Buffer.from(`*${argv.length}\r\n`)];
  for (const arg of argv) {
    const bytes = typeof arg === 'string' ? Buffer.from(arg, 'utf8') : Buffer.from(arg);
    parts.push(Buffer.from(`$${bytes.length}\r\n`), bytes, Buffer.from('\r\n'));
  }
  return Buffer.concat(parts);
}

/** Parse one reply at `start`; null when the buffer does not hold all of it yet. */
export function parseReply<T>(buf: Buffer, start: number, build: ReplyBuilder<T>): { value: T; end: number } | null {
  const lineEnd = buf.indexOf('\r\n', start);
  if (lineEnd === -1) return null;
  const type = String.fromCharCode(buf[start]!);
  const next = lineEnd + 2;
  switch (type) {
    case '+':
      return { value: build.status(buf, start + 1, lineEnd), end: next };
    case '-':
      return { value: build.error(buf, start + 1, lineEnd), end: next };
    case ':':
      return { value: build.integer(BigInt(buf.toString('latin1', start + 1, lineEnd))), end: next };
    case '$': {
      const len = Number(buf.toString('latin1', start + 1, lineEnd));
      if (len === -1) return { value: build.nil(), end: next };
      if (buf.length < next + len + 2) return null;
      return { value: build.bulk(buf, next, next + len), end: next + len + 2 };
    }
    case '*': {
      const count = Number(buf.toString('latin1', start + 1, lineEnd));
      if (count === -1) return { value: build.nil(), end: next };
      const items: T[] = [];
      let pos = next;
      for (let i = 0; i < count; i++) {
        const item = parseReply(buf, pos, build);
        if (item === null) return null;
        items.push(item.value);
        pos = item.end;
      }
      return { value: build.array(items), end: pos };
    }
    default:
      throw new Error(`bad RESP type byte ${type}`);
  }
}

/** A pipelining RESP2 connection: replies resolve in order, built by `build`. */
export class RespConnection<T> {
  private buffer: Buffer = Buffer.alloc(0);
  private readonly waiting: Array<(reply: T) => void> = [];
  /** Replies no `call` waits for (pub/sub pushes, extra confirmations), for `read`. */
  private readonly unclaimed: T[] = [];
  private readonly readers: Array<(reply: T) => void> = [];

  private constructor(private readonly socket: Socket, private readonly build: ReplyBuilder<T>) {
    socket.on('data', (chunk: Buffer) => {
      this.buffer = this.buffer.length === 0 ? chunk : Buffer.concat([this.buffer, chunk]);
      for (;;) {
        const parsed = parseReply(this.buffer, 0, this.build);
        if (parsed === null) return;
        this.buffer = this.buffer.subarray(parsed.end);
        const waiter = this.waiting.shift() ?? this.readers.shift();
        if (waiter !== undefined) waiter(parsed.value);
        else this.unclaimed.push(parsed.value);
      }
    });
  }

  static open<T>(port: number, build: ReplyBuilder<T>): Promise<RespConnection<T>> {
    return new Promise((resolve, reject) => {
      const socket = createConnection({ host: '127.0.0.1', port }, () => resolve(new RespConnection(socket, build)));
      socket.once('error', reject);
    });
  }

  /** Send one command; resolves with its reply (error replies resolve too, as built). */
  call(argv: readonly (string | Uint8Array)[]): Promise<T> {
    this.socket.write(encodeCommand(argv));
    return new Promise((resolve) => this.waiting.push(resolve));
  }

  /** Send without claiming a reply: what arrives is taken with `read` (subscribed mode). */
  send(argv: readonly (string | Uint8Array)[]): void {
    this.socket.write(encodeCommand(argv));
  }

  /** The next reply no `call` claimed, in arrival order (waits for it). */
  read(): Promise<T> {
    if (this.unclaimed.length > 0) return Promise.resolve(this.unclaimed.shift()!);
    return new Promise((resolve) => this.readers.push(resolve));
  }

  close(): void {
    this.socket.destroy();
  }
}

/** The differential tests' client: replies in the engine's public shape. */
export type RespClient = RespConnection<Reply>;
export const RespClient = {
  connect: (port: number): Promise<RespClient> => RespConnection.open(port, publicReplies),
};
