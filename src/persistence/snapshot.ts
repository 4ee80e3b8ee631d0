/**
 * A point-in-time walk of the keyspace that does not stop the world (snapshots, export).
 *
 * Design note (key-level copy-on-write over the keyspace's dense slots):
 * - The walk starts between engine turns, so the data it captures is exactly the data every
 *   effect logged so far produced. It then visits slots from the last one down to 0, a
 *   time-boxed slice per macrotask, while commands keep running between slices.
 * - Slots 0..cursor are "not visited yet". Before any write to a key there (the keyspace's
 *   WriteHook, fired by set/delete/overwriteString/setExpire and ctx.lookupWrite), the key's
 *   current value is serialised first and the key is marked done. Keys created during the
 *   walk live in slots past the cursor, so they are never captured.
 * - `delete` fills the freed slot with the last key. When that moves an already visited
 *   (or new) key into the unvisited range, it is marked done so the walk skips it.
 * - FLUSHALL/FLUSHDB (`clear`) during a walk: the unvisited entries are detached into an
 *   array first (references only: one pass, no serialisation) and the walk finishes from
 *   there; the hook is then no longer needed.
 * - With no walk running the keyspace's hook is null: one field check per write.
 * - Scheduling: chunks that fall due (a full chunk, a full bucket, every bucket at the
 *   memory bound or at the walk's end) are queued, not written at once: a slice emits them
 *   one at a time (join + the put's structured clone, ~1 ms per 256 KiB) between its
 *   deadline checks, so neither a flush of every bucket nor the end of the walk is one long
 *   stretch. Up to `writesInFlight` chunk writes overlap; then the walk waits for the
 *   oldest (backpressure: memory stays bounded by what is held plus those writes).
 *
 * Output is RESP commands from TYPE_OPS[type].rewrite plus PEXPIREAT for deadlines, cut
 * into chunks of about `chunkBytes`. With `strings` (snapshots), plain strings are handed
 * over apart instead, as a chunk's parallel fields (codec.ts, format 2): no RESP to build
 * here nor to parse when loading. A walk of at least 4 × `bucketKeys` keys groups those
 * strings by hash bucket (engine/pending-load.ts: about `bucketKeys` keys per bucket, each
 * chunk's strings of one bucket, collections in chunks of their own), so a load can serve
 * before it has built every key. Buckets are emitted when one fills a chunk, and all of
 * them when the strings held reach HELD_CHUNKS chunks' worth (bounded memory: a bucket may
 * then span several chunks, smaller ones: IndexedDB reads many small records slower).
 */
import type { Engine } from '../engine/engine.js';
import type { Entry, Keyspace, WriteHook } from '../engine/keyspace.js';
import { typeOps } from '../engine/type-ops.js';
import { keyBucket } from '../engine/pending-load.js';
import { packCommand, type ChunkStrings } from './codec.js';

export interface WalkSink {
  /**
   * A chunk is ready: `count` commands (and, with `strings`, those plain strings) rebuilding
   * `keys` keys; `bytes` is its size as RESP (what the same data takes as commands). A
   * returned promise holds the walk until it settles (backpressure; with `writesInFlight`
   * above 1, once that many are pending); a rejection aborts the walk with that error.
   */
  chunk(data: string, count: number, keys: number, strings?: ChunkStrings, bytes?: number): void | Promise<void>;
}

export interface WalkOptions {
  /** Target bytes per chunk (default 256 KiB). */
  chunkBytes?: number;
  /** Work per slice before yielding to commands, in ms (default 8). */
  sliceMs?: number;
  /** Plain strings apart, as chunk fields (default false: everything as RESP, as an export is). */
  strings?: boolean;
  /** Chunks the sink may have pending at once before the walk waits for the oldest (default 1). */
  writesInFlight?: number;
  /** With `strings`: target keys per hash bucket (default 8192; 0 = no buckets). */
  bucketKeys?: number;
}

/**
 * Plain strings of one bucket waiting for their chunk. Held across many slices (a bucketed
 * walk may hold every string to its end), so a scavenge copies and then promotes these
 * arrays: two slots per key, lengths taken at emission, deadlines only once one is set.
 */
interface StringsBuffer {
  keys: string[];
  values: string[];
  /** Deadline per key once any key here has one (earlier keys backfilled with 0), else null. */
  deadlines: number[] | null;
  /** Their size as RESP (SET + PEXPIREAT). */
  resp: number;
  /** Their size held (what chunkBytes compares). */
  bytes: number;
}

function stringsBuffer(): StringsBuffer {
  return { keys: [], values: [], deadlines: null, resp: 0, bytes: 0 };
}

/** Bucket count for a walk over `keys` keys: a power of two (at most 2^20, what a reader accepts), 1 below 4 buckets' worth. */
export function bucketCount(keys: number, bucketKeys: number): number {
  if (bucketKeys <= 0 || keys < 4 * bucketKeys) return 1;
  return Math.min(2 ** 20, 2 ** Math.ceil(Math.log2(keys / bucketKeys)));
}

export interface WalkResult {
  keys: number;
  bytes: number;
  chunks: number;
}

const locks = new WeakMap<Keyspace, Promise<void>>();

/** Bucketed strings held before every bucket is emitted, in chunks (64 MiB by default). */
const HELD_CHUNKS = 256;

/**
 * A bucket's chunk may grow to this many chunks' worth before it is cut: a bucket of the
 * default ~8,192 keys then mostly fits one record (IndexedDB reads fewer, larger records
 * faster: cut at one chunkBytes, 1M small keys took 256 records where 128 do).
 */
const BUCKET_CHUNK = 2;

/** Serialise one entry: its rebuild commands, then its deadline. */
export function entryCommands(key: string, entry: Entry): string[][] {
  const commands = typeOps(entry).rewrite(key, entry);
  if (entry.expireAt !== 0) commands.push(['PEXPIREAT', key, String(entry.expireAt)]);
  return commands;
}

export class SnapshotWalk implements WriteHook {
  private cursor: number;
  /** Keys in 0..cursor already captured (or never to be): the walk skips them. */
  private readonly done = new Set<string>();
  /** After a clear: the entries not visited yet, detached from the keyspace. */
  private detached: Array<[string, Entry]> | null = null;
  /** RESP of the chunk being built, one string per command: joined once (a flat string, no rope). */
  private parts: string[] = [];
  private partBytes = 0;
  /**
   * Plain strings held apart (`strings` option), per hash bucket. One bucket: they share
   * the chunk being built with the RESP (`partBytes` counts them).
   */
  private buckets: StringsBuffer[] = [stringsBuffer()];
  private bucketMask = 0;
  /** Bytes held in all buckets (more than one bucket). */
  private buffered = 0;
  /** A bucket that filled a chunk (more than one bucket), or -1. */
  private fullBucket = -1;
  private readonly splitStrings: boolean;
  private readonly bucketKeys: number;
  private count = 0;
  private keysInBuf = 0;
  private keys = 0;
  private bytes = 0;
  private chunks = 0;
  private aborted: Error | null = null;
  /** Chunks due, in emission order: a bucket, or -1 for the RESP held (see emitChunk). */
  private due: number[] = [];
  /** Chunk writes not settled yet, oldest first (they never reject: a failure aborts). */
  private writes: Promise<void>[] = [];
  private readonly db: Keyspace;
  private readonly chunkBytes: number;
  private readonly sliceMs: number;
  private readonly writesInFlight: number;

  constructor(
    engine: Engine,
    private sink: WalkSink,
    options: WalkOptions = {},
  ) {
    this.db = engine.db;
    this.chunkBytes = options.chunkBytes ?? 256 << 10;
    this.sliceMs = options.sliceMs ?? 8;
    this.writesInFlight = Math.max(1, options.writesInFlight ?? 1);
    this.splitStrings = options.strings ?? false;
    this.bucketKeys = options.bucketKeys ?? 8192;
    this.cursor = this.db.slotCount - 1;
  }

  /** The walk's point in time: size the buckets for the keys it will visit. */
  private begin(): void {
    this.cursor = this.db.slotCount - 1;
    const buckets = this.splitStrings ? bucketCount(this.cursor + 1, this.bucketKeys) : 1;
    this.bucketMask = buckets - 1;
    this.buckets = Array.from({ length: buckets }, stringsBuffer);
  }

  /**
   * Walk in slices, commands running in between. Only one walk runs per keyspace at a
   * time: a second one waits for the first. `onStart` runs synchronously at the instant the
   * walk's point in time is taken (between engine turns): the caller cuts its log there.
   */
  async run(onStart?: () => void): Promise<WalkResult> {
    const previous = locks.get(this.db) ?? Promise.resolve();
    let release!: () => void;
    const mine = new Promise<void>((resolve) => (release = resolve));
    const chained = previous.then(() => mine);
    locks.set(this.db, chained);
    await previous;
    try {
      // Start at a turn boundary of our own: the caller's tick may still be running commands.
      onStart?.();
      this.begin();
      this.db.writeHook = this;
      let ending = false;
      for (;;) {
        const pending = this.slice(performance.now() + this.sliceMs);
        if (pending !== null) await pending;
        if (this.aborted) throw this.aborted;
        if (this.finished() && this.due.length === 0) {
          if (ending) break;
          // Every key visited: what is held falls due, emitted over the next slices.
          ending = true;
          this.unhook();
          this.dueRest();
          if (this.due.length === 0) break;
        }
        await yieldToCommands();
      }
      await Promise.all(this.writes);
      if (this.aborted) throw this.aborted;
      return { keys: this.keys, bytes: this.bytes, chunks: this.chunks };
    } finally {
      this.unhook();
      release();
      if (locks.get(this.db) === chained) locks.delete(this.db);
    }
  }

  /** Walk everything now, in one go (SAVE: Redis blocks for it too). Call between turns. */
  runSync(): { chunks: Array<{ data: string; count: number; keys: number; strings?: ChunkStrings; bytes?: number }>; result: WalkResult } {
    const chunks: Array<{ data: string; count: number; keys: number; strings?: ChunkStrings; bytes?: number }> = [];
    const sink = this.sink;
    this.sink = { chunk: (data, count, keys, strings, bytes) => void chunks.push({ data, count, keys, strings, bytes }) };
    this.begin();
    while (!this.finished() || this.due.length > 0) this.slice(Infinity);
    this.dueRest();
    this.slice(Infinity);
    this.sink = sink;
    return { chunks, result: { keys: this.keys, bytes: this.bytes, chunks: this.chunks } };
  }

  /** Stop: the walk's run() rejects with `reason`. */
  abort(reason: Error): void {
    this.aborted ??= reason;
    this.unhook();
    this.cursor = -1;
    this.detached = null;
    this.due = [];
  }

  // --- WriteHook ------------------------------------------------------------------------

  beforeWrite(key: string): void {
    const entry = this.db.map.get(key);
    if (entry === undefined || entry.slot > this.cursor || this.done.has(key)) return;
    this.capture(key, entry);
    this.done.add(key);
  }

  slotMoved(key: string, toSlot: number): void {
    const entry = this.db.map.get(key);
    if (entry !== undefined && toSlot <= this.cursor && entry.slot > this.cursor) this.done.add(key);
  }

  beforeClear(): void {
    const rest: Array<[string, Entry]> = [];
    for (let slot = Math.min(this.cursor, this.db.slotCount - 1); slot >= 0; slot--) {
      const key = this.db.keyAtSlot(slot)!;
      if (!this.done.has(key)) rest.push([key, this.db.map.get(key)!]);
    }
    this.detached = rest;
    this.done.clear();
    this.cursor = -1;
    this.unhook();
  }

  // --- the walk -------------------------------------------------------------------------

  private finished(): boolean {
    return this.cursor < 0 && (this.detached === null || this.detached.length === 0);
  }

  private unhook(): void {
    if (this.db.writeHook === this) this.db.writeHook = null;
  }

  /**
   * Emit due chunks, then visit keys, until `deadline` (performance.now() ms). Returns the
   * oldest chunk write when `writesInFlight` are pending: the caller waits for it.
   */
  private slice(deadline: number): Promise<void> | null {
    let n = 0;
    for (;;) {
      if (this.due.length > 0) {
        const write = this.emitChunk(this.due.shift()!);
        if (write !== undefined && this.writes.push(write) >= this.writesInFlight) return this.writes.shift()!;
        if (performance.now() >= deadline) break;
        continue;
      }
      if (this.finished()) break;
      if (this.detached !== null && this.cursor < 0) {
        const [key, entry] = this.detached.pop()!;
        this.capture(key, entry);
      } else {
        if (this.cursor >= this.db.slotCount) this.cursor = this.db.slotCount - 1;
        if (this.cursor < 0) continue;
        const key = this.db.keyAtSlot(this.cursor--)!;
        if (this.done.size !== 0 && this.done.delete(key)) continue;
        this.capture(key, this.db.map.get(key)!);
      }
      if (this.partBytes >= this.chunkBytes || this.fullBucket >= 0 || this.buffered >= HELD_CHUNKS * this.chunkBytes) this.dueFull();
      if ((++n & 127) === 0 && performance.now() >= deadline) break;
    }
    if (this.cursor < 0) this.unhook();
    return null;
  }

  private capture(key: string, entry: Entry): void {
    if (this.splitStrings && entry.type === 'string') {
      const value = entry.value;
      const mask = this.bucketMask;
      const bucket = mask === 0 ? 0 : keyBucket(key, mask);
      const buf = this.buckets[bucket]!;
      buf.keys.push(key);
      buf.values.push(value);
      if (buf.deadlines !== null) buf.deadlines.push(entry.expireAt);
      else if (entry.expireAt !== 0) {
        buf.deadlines = new Array<number>(buf.keys.length - 1).fill(0);
        buf.deadlines.push(entry.expireAt);
      }
      // As RESP: SET key value (13 + two bulks), PEXPIREAT key ms (19 + two bulks).
      let resp = 13 + bulkBytes(key.length) + bulkBytes(value.length);
      if (entry.expireAt !== 0) {
        resp += 19 + bulkBytes(key.length) + bulkBytes(String(entry.expireAt).length);
      }
      buf.resp += resp;
      const held = key.length + value.length + 8;
      if (mask === 0) {
        this.partBytes += held;
        return;
      }
      buf.bytes += held;
      this.buffered += held;
      if (buf.bytes >= BUCKET_CHUNK * this.chunkBytes) this.fullBucket = bucket;
      return;
    }
    const commands = entryCommands(key, entry);
    for (const argv of commands) {
      const resp = packCommand('', argv);
      this.parts.push(resp);
      this.partBytes += resp.length;
    }
    this.count += commands.length;
    this.keysInBuf++;
  }

  /** Queue what is due: a full RESP chunk, a full bucket, or every bucket past the memory bound. */
  private dueFull(): void {
    const due = this.due;
    if (this.bucketMask === 0) due.push(0);
    else {
      if (this.partBytes >= this.chunkBytes) due.push(-1);
      if (this.buffered >= HELD_CHUNKS * this.chunkBytes) for (let b = 0; b <= this.bucketMask; b++) due.push(b);
      else if (this.fullBucket >= 0) due.push(this.fullBucket);
      this.fullBucket = -1;
    }
  }

  /** Queue everything held (the walk's end). */
  private dueRest(): void {
    if (this.bucketMask === 0) this.due.push(0);
    else for (let b = -1; b <= this.bucketMask; b++) this.due.push(b);
  }

  /**
   * Emit one chunk. One bucket (`bucketMask` 0): the RESP held plus bucket 0's strings.
   * More: `bucket` -1 is the RESP held alone, else that bucket's strings alone.
   */
  private emitChunk(bucket: number): Promise<void> | undefined {
    const withParts = this.bucketMask === 0 || bucket < 0;
    const buf = bucket >= 0 ? this.buckets[bucket]! : null;
    const stringKeys = buf === null ? 0 : buf.keys.length;
    const partKeys = withParts ? this.keysInBuf : 0;
    if (partKeys + stringKeys === 0) return undefined;
    const data = withParts ? this.parts.join('') : '';
    const count = withParts ? this.count : 0;
    const keys = partKeys + stringKeys;
    let strings: ChunkStrings | undefined;
    let bytes = data.length;
    if (buf !== null && stringKeys > 0) {
      strings = {
        keys: buf.keys.join(''),
        values: buf.values.join(''),
        lengths: lengthsOf(buf.keys, buf.values),
        deadlines: buf.deadlines === null ? null : Float64Array.from(buf.deadlines),
      };
      if (this.bucketMask !== 0) {
        strings.bucket = bucket;
        strings.buckets = this.bucketMask + 1;
      }
      bytes += buf.resp;
      this.buffered -= buf.bytes;
      this.buckets[bucket] = stringsBuffer();
    }
    if (withParts) {
      this.parts = [];
      this.partBytes = 0;
      this.count = 0;
      this.keysInBuf = 0;
    }
    this.keys += keys;
    this.bytes += bytes;
    this.chunks++;
    try {
      const result = strings === undefined ? this.sink.chunk(data, count, keys) : this.sink.chunk(data, count, keys, strings, bytes);
      if (result === undefined) return undefined;
      return result.catch((e: unknown) => this.abort(e instanceof Error ? e : new Error(String(e))));
    } catch (e) {
      this.abort(e instanceof Error ? e : new Error(String(e)));
      return undefined;
    }
  }
}

/** (key length, value length) per string, as a chunk stores them. */
function lengthsOf(keys: readonly string[], values: readonly string[]): Uint32Array {
  const lengths = new Uint32Array(keys.length * 2);
  for (let i = 0; i < keys.length; i++) {
    lengths[2 * i] = keys[i]!.length;
    lengths[2 * i + 1] = values[i]!.length;
  }
  return lengths;
}

/** Bytes of a RESP bulk string of `len` bytes: `$len\r\n…\r\n`. */
function bulkBytes(len: number): number {
  return 5 + len + (len < 10 ? 1 : len < 100 ? 2 : len < 1000 ? 3 : String(len).length);
}

/**
 * Let queued commands (messages, timers) run before the next slice: one macrotask. In a
 * browser a MessageChannel message, queued behind the commands that arrived meanwhile:
 * timers nested this deep wait at least 4 ms, a third of the walk's time idle. Node's
 * `setTimeout(0)` has no such clamp (and an open port would keep the process alive).
 */
const yieldToCommands: () => Promise<void> = (() => {
  const g = globalThis as { setImmediate?: unknown; MessageChannel?: typeof MessageChannel };
  if (typeof g.setImmediate === 'function' || typeof g.MessageChannel !== 'function') {
    return () => new Promise<void>((resolve) => setTimeout(resolve, 0));
  }
  const channel = new g.MessageChannel();
  const waiting: Array<() => void> = [];
  channel.port1.onmessage = () => waiting.shift()?.();
  return () =>
    new Promise<void>((resolve) => {
      waiting.push(resolve);
      channel.port2.postMessage(null);
    });
})();
