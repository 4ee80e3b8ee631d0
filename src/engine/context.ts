/**
 * What a handler sees: the keyspace, its connection, the command's time snapshot, and
 * the side-effect hooks every write goes through in a fixed order
 * (dirty count → effect log → keyspace notification; redis: zaddGenericCommand).
 */
import type { Engine } from './engine.js';
import type { Connection } from './connection.js';
import type { Entry, Keyspace, RedisType } from './keyspace.js';
import type { CommandSpec } from './command.js';
import { Errors, fail } from './errors.js';
import { Notify } from './notify.js';

export class CommandContext {
  /** The connection running the command. */
  conn!: Connection;
  spec!: CommandSpec;
  /** The command's time snapshot; -1 until first read (see `now`). */
  private snapshot = -1;
  /** Changes made by the current command (redis: server.dirty delta). */
  dirty = 0;
  /** Replacement for the logged form of the current command (redis: rewriteClientCommandVector). */
  rewritten: string[] | null = null;
  /** Extra effects logged after (or, if rewritten is empty, instead of) the command. */
  extraEffects: string[][] | null = null;
  preventPropagation = false;

  constructor(readonly engine: Engine, readonly db: Keyspace) {}

  /**
   * The command's time snapshot in ms: every key in one command expires by the same clock.
   * Read from the clock on first use only: most commands on keys without a deadline never
   * need it, and a system clock read costs as much as a simple command.
   */
  get now(): number {
    let now = this.snapshot;
    if (now < 0) now = this.snapshot = this.engine.clock();
    return now;
  }

  set now(value: number) {
    this.snapshot = value;
  }

  /** The snapshot if this command took one already, else -1. */
  get nowIfTaken(): number {
    return this.snapshot;
  }

  /** A new top-level command: its snapshot is taken when first needed. */
  newTimeSnapshot(): void {
    this.snapshot = -1;
  }

  /** Lookup for reading: counts keyspace hits and misses. */
  lookupRead(key: string): Entry | undefined {
    const entry = this.db.lookup(key);
    if (entry === undefined) this.keyMiss(key);
    else this.engine.stats.keyspaceHits++;
    return entry;
  }

  /** A read found no `key`: count the miss, publish `keymiss` (redis: lookupKey). */
  keyMiss(key: string): void {
    this.engine.stats.keyspaceMisses++;
    this.engine.notify(0x800 /* keyMiss */, 'keymiss', key);
  }

  /**
   * Lookup for reading without marking the key accessed (redis: LOOKUP_NOTOUCH): TYPE,
   * EXISTS, TTL, OBJECT. Counts hits and misses; `notifyMiss` false skips the keymiss
   * event (LOOKUP_NONOTIFY).
   */
  lookupReadNoTouch(key: string, notifyMiss = true): Entry | undefined {
    const entry = this.db.peek(key);
    if (entry === undefined) {
      this.engine.stats.keyspaceMisses++;
      if (notifyMiss) this.engine.notify(0x800 /* keyMiss */, 'keymiss', key);
    } else this.engine.stats.keyspaceHits++;
    return entry;
  }

  lookupWrite(key: string): Entry | undefined {
    // A snapshot in progress copies the key's current value before it can change.
    if (this.db.writeHook !== null) this.db.writeHook.beforeWrite(key);
    return this.db.lookup(key);
  }

  /** Throw WRONGTYPE unless `entry` is absent or of `type`. */
  checkType<T extends RedisType>(entry: Entry | undefined, type: T): asserts entry is Extract<Entry, { type: T }> | undefined {
    if (entry !== undefined && entry.type !== type) fail(Errors.wrongType);
  }

  /**
   * Store a new value at `key`, which the caller's lookupWrite found missing (redis:
   * dbAdd): the keyspace's `new` event follows. The caller still calls `modified`.
   */
  addKey(key: string, entry: Entry): void {
    this.db.set(key, entry);
    this.engine.notify(Notify.newKey, 'new', key);
  }

  /**
   * Record a change to `key`: invalidate WATCHers, count it dirty and publish the
   * keyspace event (when `event` is given).
   */
  modified(key: string, notifyClass: number, event: string | null, dirty = 1): void {
    this.engine.signalModifiedKey(key);
    this.dirty += dirty;
    if (event !== null) this.engine.notify(notifyClass, event, key);
  }

  /**
   * True while the effect log is collected: a handler may skip building a rewrite (or an
   * extra effect) no one will read.
   */
  get logging(): boolean {
    return this.engine.recordEffects;
  }

  /** Log `argv` as this command's effect instead of the command itself. */
  rewrite(...argv: string[]): void {
    this.rewritten = argv;
  }

  /** Log one more effect after this command's own. */
  alsoPropagate(...argv: string[]): void {
    (this.extraEffects ??= []).push(argv);
  }
}
