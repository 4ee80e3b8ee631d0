/**
 * The stored format: what a manifest, a snapshot chunk and a log record hold.
 *
 * Design note:
 * - Commands are stored as RESP arrays of bulk strings (`*3\r\n$3\r\nSET\r\n…`), the AOF's
 *   own format. Arguments are byte strings (one char per byte), so a packed batch is one
 *   Latin-1 JS string: IndexedDB structured-clones it as one compact value, however many
 *   commands it holds (the cost is per record, not per command), and an export is the same
 *   bytes.
 * - Every stored object carries `format`. A reader refuses a format newer than its own with
 *   a `PersistenceError` naming the object, never guessing at it.
 * - Decoding is strict: a record whose RESP does not parse, or whose command count differs
 *   from its header, is reported with its sequence number and byte offset.
 * - Snapshot chunks of format 2 hold their plain strings (most of a dataset) outside the
 *   RESP, as parallel fields: every key concatenated, every value concatenated, a
 *   Uint32Array of (key length, value length) pairs and a Float64Array of deadlines (null
 *   when none has one). IndexedDB clones two strings and two typed arrays (memcpy), and the
 *   loader slices keys and values without scanning for CRLFs (Keyspace.loadStrings).
 *   Collections stay RESP commands in `data` (their TYPE_OPS rewrite). Format-1 chunks
 *   (everything in `data`) still load.
 * - A large snapshot's strings are grouped by hash bucket (engine/pending-load.ts): such a
 *   chunk's strings all belong to bucket `bucket` of `buckets` (a power of two, the same
 *   in every chunk of the snapshot), and its `data` is empty; collections travel in
 *   chunks without strings. A reader that ignores the two fields loads the chunk as any
 *   other (they are an optional addition to format 2, not a new format); this one keeps
 *   bucketed strings unbuilt until used.
 */

/**
 * The format this build writes and the newest it reads. 3: records and manifests carry
 * their writer's epoch and a claim seals the log (storage.ts's optimistic appends); a
 * format-2 build would neither seal nor stamp, and its records would be skipped after a
 * newer seal, so it must refuse such a store, and does by this number. 4: a record may hold
 * a load's expiry mark (Engine's EXPIRED_BEFORE), which a format-3 build would not apply.
 */
export const FORMAT_VERSION = 4;

/** The root of a store: which snapshot is current and which log records follow it. */
export interface Manifest {
  format: number;
  /** Current snapshot id (0 = none yet: the log alone rebuilds the data). */
  snapshotId: number;
  /** Log records with `seq <= snapshotSeq` are covered by the snapshot. */
  snapshotSeq: number;
  /** Number of chunks of the current snapshot (indexes 0 … chunks-1). */
  chunks: number;
  /** Bytes of RESP in the snapshot (auto-aof-rewrite compares the log with it). */
  snapshotBytes: number;
  /** Keys written into the snapshot. */
  keys: number;
  /** When the snapshot was taken (ms since the epoch; LASTSAVE). */
  savedAt: number;
  /** The leadership epoch of the writer that made it current (storage.ts; absent: 0). */
  epoch?: number;
}

/** One group commit: the effects of one or more engine turns, packed as RESP. */
export interface LogRecord {
  seq: number;
  format: number;
  /** Commands in `data`. */
  count: number;
  data: string;
  /**
   * The leadership epoch of its writer (storage.ts; absent: 0). A record with no commands
   * is a seal: a new leader's mark at the end of the log it took over.
   */
  epoch?: number;
}

/** A slice of a snapshot: RESP commands that rebuild some keys, and (format 2) plain strings. */
export interface SnapshotChunk extends Partial<ChunkStrings> {
  snapshot: number;
  index: number;
  format: number;
  /** Commands in `data`. */
  count: number;
  data: string;
}

/** The plain strings of a format-2 chunk (see the design note). */
export interface ChunkStrings {
  keys: string;
  values: string;
  /** (key length, value length) per string. */
  lengths: Uint32Array;
  /** Deadline per string (ms since the epoch, 0 = none); null when no string has one. */
  deadlines: Float64Array | null;
  /** The hash bucket every string here belongs to, of `buckets` (absent: not bucketed). */
  bucket?: number;
  buckets?: number;
}

/** The chunk record to store (this build's format). */
export function snapshotChunk(snapshot: number, index: number, data: string, count: number, strings?: ChunkStrings): SnapshotChunk {
  const chunk: SnapshotChunk = { snapshot, index, format: FORMAT_VERSION, count, data };
  if (strings !== undefined) Object.assign(chunk, strings);
  return chunk;
}

/** Bytes a chunk's plain strings take stored (size accounting: persistence INFO, benches). */
export function chunkBytes(chunk: Partial<SnapshotChunk>): number {
  let bytes = typeof chunk.data === 'string' ? chunk.data.length : 0;
  if (typeof chunk.keys === 'string') bytes += chunk.keys.length;
  if (typeof chunk.values === 'string') bytes += chunk.values.length;
  if (chunk.lengths instanceof Uint32Array) bytes += chunk.lengths.byteLength;
  if (chunk.deadlines instanceof Float64Array) bytes += chunk.deadlines.byteLength;
  return bytes;
}

/** A store that cannot be read as it is: names the object and what is wrong with it. */
export class PersistenceError extends Error {
  override name = 'PersistenceError';
  constructor(
    message: string,
    /** Sequence number of the bad log record, when a record is at fault. */
    readonly seq?: number,
  ) {
    super(message);
  }
}

/**
 * A store, chunk or record written by a newer idb-redis: not damage, so never cut off by
 * `loadTruncated` (that would delete every write the newer build made).
 */
export class NewerFormatError extends PersistenceError {
  override name = 'NewerFormatError';
}

/** Append one command to a RESP string being built. */
export function packCommand(out: string, argv: readonly string[]): string {
  out += `*${argv.length}\r\n`;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    out += `$${arg.length}\r\n${arg}\r\n`;
  }
  return out;
}

/** Commands → one RESP string. */
export function packCommands(commands: readonly (readonly string[])[]): string {
  let out = '';
  for (const argv of commands) out = packCommand(out, argv);
  return out;
}

const SET_PREFIX = '*3\r\n$3\r\nSET\r\n';
/** Where the bulk string readBulk just read ends (its trailing CRLF included). */
let bulkEnd = 0;

/** The bulk string `$len\r\n…\r\n` at `pos`, or null if there is not exactly one there. */
function readBulk(data: string, pos: number): string | null {
  if (data.charCodeAt(pos) !== 36 /* $ */) return null;
  const eol = data.indexOf('\r\n', pos);
  if (eol === -1) return null;
  const len = readLength(data, pos + 1, eol);
  const from = eol + 2;
  if (len < 0 || from + len + 2 > data.length) return null;
  if (data.charCodeAt(from + len) !== 13 || data.charCodeAt(from + len + 1) !== 10) return null;
  bulkEnd = from + len + 2;
  return data.slice(from, from + len);
}

/** Parse a non-negative decimal from `from` up to the CR; -1 when malformed. */
function readLength(data: string, from: number, end: number): number {
  let n = 0;
  let i = from;
  if (i >= end) return -1;
  for (; i < end; i++) {
    const c = data.charCodeAt(i) - 48;
    if (c < 0 || c > 9) return -1;
    n = n * 10 + c;
  }
  return n;
}

/**
 * Parse RESP commands from `data`, calling `each` per command. Returns the offset where
 * parsing stopped and whether it stopped on an error (else at the end of the data, or
 * mid-command when `partial`: the unread tail is the start of an incomplete command).
 */
export function unpackCommands(
  data: string,
  each: (argv: string[]) => void,
  partial = false,
  onSet?: (key: string, value: string) => void,
): { offset: number; error: string | null } {
  let pos = 0;
  const n = data.length;
  while (pos < n) {
    const start = pos;
    // Loading a snapshot: `SET key value` (most of one) without an argv array per key.
    if (onSet !== undefined && data.startsWith(SET_PREFIX, pos)) {
      const key = readBulk(data, pos + SET_PREFIX.length);
      if (key !== null) {
        const afterKey = bulkEnd;
        const value = readBulk(data, afterKey);
        if (value !== null) {
          pos = bulkEnd;
          onSet(key, value);
          continue;
        }
      }
      // Anything off the fast path is parsed (and reported) by the general one below.
    }
    if (data.charCodeAt(pos) !== 42 /* * */) return { offset: pos, error: `expected '*' at byte ${pos}` };
    let eol = data.indexOf('\r\n', pos);
    if (eol === -1) return partial ? { offset: start, error: null } : { offset: pos, error: `truncated command at byte ${pos}` };
    const argc = readLength(data, pos + 1, eol);
    if (argc < 1) return { offset: pos, error: `bad argument count at byte ${pos}` };
    pos = eol + 2;
    const argv: string[] = new Array(argc);
    for (let a = 0; a < argc; a++) {
      if (pos >= n) return partial ? { offset: start, error: null } : { offset: pos, error: `truncated command at byte ${pos}` };
      if (data.charCodeAt(pos) !== 36 /* $ */) return { offset: pos, error: `expected '$' at byte ${pos}` };
      eol = data.indexOf('\r\n', pos);
      if (eol === -1) return partial ? { offset: start, error: null } : { offset: pos, error: `truncated command at byte ${pos}` };
      const len = readLength(data, pos + 1, eol);
      if (len < 0) return { offset: pos, error: `bad bulk length at byte ${pos}` };
      const from = eol + 2;
      if (from + len + 2 > n) return partial ? { offset: start, error: null } : { offset: pos, error: `truncated argument at byte ${pos}` };
      if (data.charCodeAt(from + len) !== 13 || data.charCodeAt(from + len + 1) !== 10) {
        return { offset: from + len, error: `missing CRLF after argument at byte ${from + len}` };
      }
      argv[a] = data.slice(from, from + len);
      pos = from + len + 2;
    }
    each(argv);
  }
  return { offset: pos, error: null };
}

/** Shape and version check of a manifest read from a store. */
export function checkManifest(value: unknown, store: string): Manifest {
  const m = value as Partial<Manifest> | null;
  if (typeof m !== 'object' || m === null || typeof m.format !== 'number') {
    throw new PersistenceError(`idb-redis store '${store}': the manifest is unreadable`);
  }
  if (m.format > FORMAT_VERSION) {
    throw new NewerFormatError(
      `idb-redis store '${store}' was written by a newer idb-redis (format ${m.format}; this build reads up to ${FORMAT_VERSION})`,
    );
  }
  for (const field of ['snapshotId', 'snapshotSeq', 'chunks', 'snapshotBytes', 'keys', 'savedAt'] as const) {
    if (typeof m[field] !== 'number') throw new PersistenceError(`idb-redis store '${store}': the manifest has no valid '${field}'`);
  }
  return m as Manifest;
}

/**
 * Decode one log record: `each` gets its commands in order. Throws a PersistenceError
 * naming the record when it is not a record, is of a newer format, or does not parse.
 */
export function decodeRecord(value: unknown, store: string, each: (argv: string[]) => void): void {
  const r = value as Partial<LogRecord> | null;
  const seq = typeof r === 'object' && r !== null && typeof r.seq === 'number' ? r.seq : undefined;
  const where = `idb-redis store '${store}': log record ${seq ?? '?'}`;
  if (seq === undefined || typeof r!.format !== 'number' || typeof r!.data !== 'string' || typeof r!.count !== 'number') {
    throw new PersistenceError(`${where} is not a log record`, seq);
  }
  if (r!.format > FORMAT_VERSION) {
    throw new NewerFormatError(`${where} was written by a newer idb-redis (format ${r!.format}; this build reads up to ${FORMAT_VERSION})`, seq);
  }
  // Parse fully before applying any of it: a damaged record is applied not at all.
  const commands: string[][] = [];
  const { error } = unpackCommands(r!.data, (argv) => commands.push(argv));
  if (error !== null) throw new PersistenceError(`${where} cannot be decoded: ${error}`, seq);
  if (commands.length !== r!.count) {
    throw new PersistenceError(`${where} cannot be decoded: ${commands.length} commands where its header says ${r!.count}`, seq);
  }
  for (const argv of commands) each(argv);
}

/**
 * Decode one snapshot chunk (same rules as records). A format-2 chunk's plain strings are
 * checked whole (field types, lengths adding up to the concatenations) and handed to
 * `onStrings` before its commands run; a damaged chunk is applied not at all.
 */
export function decodeChunk(
  value: unknown,
  store: string,
  snapshot: number,
  index: number,
  each: (argv: string[]) => void,
  onSet?: (key: string, value: string) => void,
  onStrings?: (strings: ChunkStrings) => void,
): void {
  const c = value as Partial<SnapshotChunk> | null | undefined;
  const where = `idb-redis store '${store}': snapshot ${snapshot} chunk ${index}`;
  if (c === undefined || c === null) throw new PersistenceError(`${where} is missing`);
  if (typeof c.format !== 'number' || typeof c.data !== 'string' || typeof c.count !== 'number') {
    throw new PersistenceError(`${where} is not a snapshot chunk`);
  }
  if (c.format > FORMAT_VERSION) {
    throw new NewerFormatError(`${where} was written by a newer idb-redis (format ${c.format}; this build reads up to ${FORMAT_VERSION})`);
  }
  const strings = c.format >= 2 && c.lengths !== undefined ? checkStrings(c, where) : null;
  // Format 2: the RESP part is parsed before anything is applied (format 1 keeps its
  // streaming fast path: its chunks are what a SAVE of the previous build wrote).
  if (strings !== null) {
    const commands: string[][] = [];
    const { error } = unpackCommands(c.data, (argv) => commands.push(argv));
    if (error !== null) throw new PersistenceError(`${where} cannot be decoded: ${error}`);
    if (commands.length !== c.count) {
      throw new PersistenceError(`${where} cannot be decoded: ${commands.length} commands where its header says ${c.count}`);
    }
    if (onStrings !== undefined) onStrings(strings);
    else {
      forEachString(strings, (k, v, when) => {
        if (onSet !== undefined) onSet(k, v);
        else each(['SET', k, v]);
        if (when !== 0) each(['PEXPIREAT', k, String(when)]);
      });
    }
    for (const argv of commands) each(argv);
    return;
  }
  let count = 0;
  const { error } = unpackCommands(
    c.data,
    (argv) => {
      count++;
      each(argv);
    },
    false,
    onSet === undefined
      ? undefined
      : (k, v) => {
          count++;
          onSet(k, v);
        },
  );
  if (error !== null) throw new PersistenceError(`${where} cannot be decoded: ${error}`);
  if (count !== c.count) throw new PersistenceError(`${where} cannot be decoded: ${count} commands where its header says ${c.count}`);
}

/** The plain strings of a format-2 chunk, checked: the types and that the lengths add up. */
function checkStrings(c: Partial<SnapshotChunk>, where: string): ChunkStrings {
  const { keys, values, lengths, deadlines } = c;
  if (typeof keys !== 'string' || typeof values !== 'string' || !(lengths instanceof Uint32Array) || lengths.length % 2 !== 0) {
    throw new PersistenceError(`${where} is not a snapshot chunk (bad string fields)`);
  }
  const n = lengths.length >> 1;
  if (deadlines != null && !(deadlines instanceof Float64Array && deadlines.length === n)) {
    throw new PersistenceError(`${where} is not a snapshot chunk (bad deadlines)`);
  }
  let kl = 0;
  let vl = 0;
  for (let i = 0; i < lengths.length; i += 2) {
    kl += lengths[i]!;
    vl += lengths[i + 1]!;
  }
  if (kl !== keys.length || vl !== values.length) {
    throw new PersistenceError(`${where} cannot be decoded: string lengths add up to ${kl}/${vl} bytes, the data holds ${keys.length}/${values.length}`);
  }
  if (deadlines != null) {
    for (let i = 0; i < n; i++) {
      const when = deadlines[i]!;
      if (!(Number.isSafeInteger(when) && when >= 0)) throw new PersistenceError(`${where} cannot be decoded: bad deadline ${when} for string ${i}`);
    }
  }
  const strings: ChunkStrings = { keys, values, lengths, deadlines: deadlines ?? null };
  const { bucket, buckets } = c;
  if (bucket !== undefined || buckets !== undefined) {
    // A power of two up to 2^20, and a bucket within it; anything else is damage.
    if (!(Number.isInteger(buckets) && buckets! >= 2 && buckets! <= 1 << 20 && (buckets! & (buckets! - 1)) === 0 && Number.isInteger(bucket) && bucket! >= 0 && bucket! < buckets!)) {
      throw new PersistenceError(`${where} is not a snapshot chunk (bad bucket ${String(bucket)} of ${String(buckets)})`);
    }
    strings.bucket = bucket;
    strings.buckets = buckets;
  }
  return strings;
}

/** Each plain string of a format-2 chunk: key, value, deadline (0 = none). */
export function forEachString(strings: ChunkStrings, each: (key: string, value: string, when: number) => void): void {
  const { keys, values, lengths, deadlines } = strings;
  let kp = 0;
  let vp = 0;
  for (let i = 0; i < lengths.length >> 1; i++) {
    const key = keys.slice(kp, (kp += lengths[2 * i]!));
    const value = values.slice(vp, (vp += lengths[2 * i + 1]!));
    each(key, value, deadlines === null ? 0 : deadlines[i]!);
  }
}
