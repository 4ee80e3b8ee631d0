/**
 * Export and import of a whole dataset as RESP commands: the byte stream `redis-cli --pipe`
 * sends to a server, so a dataset can move from the browser into a real Redis and back.
 *
 * - Export is a point-in-time snapshot taken by the same copy-on-write walk as compaction
 *   (snapshot.ts): commands keep running while it streams. Each key is its type's rebuild
 *   commands (TYPE_OPS rewrite: SET, HSET, RPUSH, SADD, ZADD … at most 64 elements each)
 *   followed by PEXPIREAT when it has a deadline.
 * - Import parses RESP incrementally across chunk boundaries and runs the commands in
 *   engine turns of up to 1,000, each as durable as the engine's mode makes any write.
 */
import type { Engine } from '../engine/engine.js';
import { ReplyError } from '../engine/errors.js';
import { toByteString, toUint8Array } from '../engine/bytes.js';
import { unpackCommands } from './codec.js';
import { SnapshotWalk } from './snapshot.js';

export interface ExportOptions {
  /** Target bytes per yielded chunk (default 1 MiB). */
  chunkBytes?: number;
}

/**
 * The dataset as RESP command bytes, in chunks. The data is as of the first chunk's request;
 * writes made while the stream is read do not show in it.
 */
export async function* exportResp(engine: Engine, options: ExportOptions = {}): AsyncGenerator<Uint8Array, void, undefined> {
  await engine.ready;
  const queue: Uint8Array[] = [];
  let wake: (() => void) | null = null;
  let taken: (() => void) | null = null;
  let finished = false;
  let failure: unknown = null;
  const walk = new SnapshotWalk(
    engine,
    {
      chunk(data) {
        queue.push(toUint8Array(data));
        wake?.();
        // Hold the walk until the reader took this chunk: memory stays one chunk deep.
        return new Promise<void>((resolve) => (taken = resolve));
      },
    },
    { chunkBytes: options.chunkBytes },
  );
  const running = walk.run().then(
    () => void (finished = true),
    (e: unknown) => void ((failure = e), (finished = true)),
  );
  void running.then(() => wake?.());
  try {
    for (;;) {
      if (queue.length > 0) {
        const chunk = queue.shift()!;
        const release = taken as (() => void) | null;
        taken = null;
        yield chunk;
        release?.();
        continue;
      }
      if (finished) break;
      await new Promise<void>((resolve) => (wake = resolve));
      wake = null;
    }
    if (failure !== null) throw failure;
  } finally {
    if (!finished) walk.abort(new Error('export stopped by its reader'));
    (taken as (() => void) | null)?.();
  }
}

/** The whole export as one Uint8Array (small datasets, tests). */
export async function exportRespBytes(engine: Engine, options: ExportOptions = {}): Promise<Uint8Array> {
  const parts: Uint8Array[] = [];
  let size = 0;
  for await (const part of exportResp(engine, options)) {
    parts.push(part);
    size += part.length;
  }
  const out = new Uint8Array(size);
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}

export interface ImportResult {
  /** Commands run. */
  commands: number;
  /** Commands answered with an error (they changed nothing). */
  errors: number;
  /** The first error reply, for the report. */
  firstError: string | null;
}

export type ImportSource = string | Uint8Array | Iterable<string | Uint8Array> | AsyncIterable<string | Uint8Array>;

const TURN = 1000;

/**
 * Run the RESP commands of `source` (bytes, or text that is read as UTF-8) on `engine`.
 * Rejects if the stream is not RESP or ends inside a command; commands before that ran.
 */
export async function importResp(engine: Engine, source: ImportSource): Promise<ImportResult> {
  await engine.ready;
  const conn = engine.connect();
  const result: ImportResult = { commands: 0, errors: 0, firstError: null };
  let rest = '';
  let inTurn = 0;
  const run = (argv: string[]) => {
    engine.noteBytes(argv);
    const reply = engine.execute(conn, argv);
    result.commands++;
    if (reply instanceof ReplyError) {
      result.errors++;
      result.firstError ??= reply.message;
    }
    inTurn++;
  };
  const endTurn = async () => {
    if (inTurn === 0) return;
    inTurn = 0;
    engine.endTurn();
    await engine.persistence?.pendingGate();
  };
  const chunks: Iterable<string | Uint8Array> | AsyncIterable<string | Uint8Array> =
    typeof source === 'string' || source instanceof Uint8Array ? [source] : source;
  try {
    for await (const chunk of chunks) {
      const data = rest + toByteString(chunk);
      let pending: string[][] = [];
      const { offset, error } = unpackCommands(data, (argv) => pending.push(argv), true);
      for (const argv of pending) {
        run(argv);
        if (inTurn >= TURN) await endTurn();
      }
      pending = [];
      if (error !== null) throw new ReplyError(`ERR import: not RESP after command ${result.commands} (${error})`);
      rest = data.slice(offset);
    }
    if (rest.length > 0) throw new ReplyError(`ERR import: the stream ends inside a command (${rest.length} bytes left)`);
    await endTurn();
    return result;
  } finally {
    if (inTurn > 0) engine.endTurn();
    conn.close();
  }
}
