/**
 * A minimal RESP2 client for differential tests: replies come back in the engine's
 * public shape (bulk strings decoded as UTF-8, statuses as strings, errors as
 * ReplyError values, integers as numbers or bigints past 2^53), so both sides compare
 * with one `expect(...).toEqual(...)`.
 */
import { Socket, createConnection } from 'node:net';
import { ReplyError } from '../../src/engine/errors.js';
import type { Reply } from '../../src/engine/reply.js';

type Pending = { resolve: (r: Reply) => void };

export class RespClient {
  private buffer: Buffer = Buffer.alloc(0);
  private readonly pending: Pending[] = [];

  private constructor(private readonly socket: Socket) {
    socket.on('data', (chunk: Buffer) => {
      this.buffer = this.buffer.length === 0 ? chunk : Buffer.concat([this.buffer, chunk]);
      this.drain();
    });
  }

  static connect(port: number): Promise<RespClient> {
    return new Promise((resolve, reject) => {
      const socket = createConnection({ host: '127.0.0.1', port }, () => resolve(new RespClient(socket)));
      socket.once('error', reject);
    });
  }

  /** Send one command; resolves with its reply (errors resolve as ReplyError values). */
  call(argv: readonly (string | Uint8Array)[]): Promise<Reply> {
    const parts: Buffer[] = [Buffer.from(`*${argv.length}\r\n`)];
    for (const arg of argv) {
      const bytes = typeof arg === 'string' ? Buffer.from(arg, 'utf8') : Buffer.from(arg);
      parts.push(Buffer.from(`$${bytes.length}\r\n`), bytes, Buffer.from('\r\n'));
    }
    this.socket.write(Buffer.concat(parts));
    return new Promise((resolve) => this.pending.push({ resolve }));
  }

  close(): void {
    this.socket.destroy();
  }

  private drain(): void {
    for (;;) {
      const parsed = parse(this.buffer, 0);
      if (parsed === null) return;
      this.buffer = this.buffer.subarray(parsed.end);
      this.pending.shift()?.resolve(parsed.value);
    }
  }
}

function parse(buf: Buffer, start: number): { value: Reply; end: number } | null {
  const lineEnd = buf.indexOf('\r\n', start);
  if (lineEnd === -1) return null;
  const type = String.fromCharCode(buf[start]!);
  const line = buf.toString('utf8', start + 1, lineEnd);
  const next = lineEnd + 2;
  switch (type) {
    case '+':
      return { value: line, end: next };
    case '-':
      return { value: new ReplyError(line), end: next };
    case ':': {
      const big = BigInt(line);
      const value = big >= -9007199254740991n && big <= 9007199254740991n ? Number(big) : big;
      return { value, end: next };
    }
    case '$': {
      const len = Number(line);
      if (len === -1) return { value: null, end: next };
      if (buf.length < next + len + 2) return null;
      return { value: buf.toString('utf8', next, next + len), end: next + len + 2 };
    }
    case '*': {
      const count = Number(line);
      if (count === -1) return { value: null, end: next };
      const items: Reply[] = [];
      let pos = next;
      for (let i = 0; i < count; i++) {
        const item = parse(buf, pos);
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
