/**
 * CONFIG parameters: one definition per setting, with its type, default and validation
 * (redis: config.c standardConfig table). CONFIG GET/SET/RESETSTAT read this registry.
 *
 * Settings marked `hint` are accepted, validated and reported exactly as Redis 7.0 does,
 * but do not change behaviour here (there is no TCP server, no fork, no listpack
 * encoding): tools and client libraries written for Redis read and write them freely.
 * Values are stored in canonical form (integers as decimal strings, enums lowercased,
 * notification flags as their bit mask) and shown through `display`.
 */
import { formatNotifyFlags, parseNotifyFlags } from './notify.js';
import { parseInt64 } from './parse.js';

export type ConfigType =
  | { kind: 'bool' }
  /** An integer parsed like string2ll, checked against [min, max]. */
  | { kind: 'int'; min: bigint; max: bigint }
  /**
   * A byte count with an optional unit (1k, 1kb, 5mb, 2gb), parsed like Redis's memtoull.
   * `signed`: the value is stored in a signed 64-bit field (wraps past 2^63).
   * `percent`: `N%` is also accepted (stored as -N, shown as `N%`).
   */
  | { kind: 'memory'; min: bigint; max: bigint; signed: boolean; percent?: boolean }
  | { kind: 'enum'; values: readonly string[] }
  /** Free-form: `parse` returns the canonical stored form or an error text. */
  | { kind: 'custom'; parse: (value: string) => string | { error: string }; format?: (stored: string) => string };

export interface ConfigDef {
  name: string;
  alias?: string;
  type: ConfigType;
  default: string;
  /** Accepted and reported for compatibility; it does not change behaviour here. */
  hint?: boolean;
  /** CONFIG SET refuses it (redis: IMMUTABLE_CONFIG). */
  immutable?: boolean;
  /** What a valid value becomes once applied (redis: the config's apply function). */
  apply?: (stored: string) => string;
}

export type ConfigParseResult = { ok: true; stored: string } | { ok: false; error: string };

const INT_MIN = -2147483648n;
const INT_MAX = 2147483647n;
const UINT_MAX = 4294967295n;
const LLONG_MAX = 9223372036854775807n;
const ULLONG_MAX = 18446744073709551615n;

const int = (min: bigint, max: bigint): ConfigType => ({ kind: 'int', min, max });
const bool: ConfigType = { kind: 'bool' };
/** A size_t / long long byte count: signed 64-bit storage. */
const bytes = (min: bigint, max: bigint = LLONG_MAX): ConfigType => ({ kind: 'memory', min, max, signed: true });

const MEMORY_UNITS: Readonly<Record<string, bigint>> = {
  '': 1n, b: 1n, k: 1000n, kb: 1024n, m: 1000n ** 2n, mb: 1024n ** 2n, g: 1000n ** 3n, gb: 1024n ** 3n,
};

/**
 * Redis's memtoull: digits then an optional unit; no sign, no spaces. The digits may be
 * empty (""/"kb" read as 0); strtoull saturates and the unit multiplication wraps at 2^64.
 * Returns null when rejected.
 */
export function parseMemory(s: string): bigint | null {
  if (s.startsWith('-')) return null;
  let i = 0;
  while (i < s.length && s.charCodeAt(i) >= 48 && s.charCodeAt(i) <= 57) i++;
  const unit = MEMORY_UNITS[s.slice(i).toLowerCase()];
  if (unit === undefined || i >= 128) return null;
  let value = i === 0 ? 0n : BigInt(s.slice(0, i));
  if (value > ULLONG_MAX) value = ULLONG_MAX;
  return BigInt.asUintN(64, value * unit);
}

const SAVE_NUMBER = /^[\t\n\v\f\r ]*[+-]?\d+$/;

/** strtoll on a whole token: leading space and sign allowed, saturating. */
function strtoll(token: string): bigint {
  if (token === '') return 0n;
  const v = BigInt(token.trim());
  return v > LLONG_MAX ? LLONG_MAX : v < -LLONG_MAX - 1n ? -LLONG_MAX - 1n : v;
}

/** `save "<seconds> <changes> ..."` (redis: setConfigSaveOption); '' disables snapshots. */
function parseSave(value: string): string | { error: string } {
  const invalid = { error: 'Invalid save parameters' };
  if (value === '') return '';
  const tokens = value.split(' ');
  if (tokens.length % 2 !== 0) return invalid;
  const out: string[] = [];
  for (let j = 0; j < tokens.length; j++) {
    const token = tokens[j]!;
    if (token !== '' && !SAVE_NUMBER.test(token)) return invalid;
    const v = strtoll(token);
    if (j % 2 === 0 ? v < 1n : v < 0n) return invalid;
    // Seconds are a time_t, changes an int: Redis shows what those fields hold.
    out.push(String(j % 2 === 0 ? v : BigInt.asIntN(32, v)));
  }
  return out.join(' ');
}

export const CONFIG_DEFS: readonly ConfigDef[] = [
  {
    name: 'notify-keyspace-events',
    type: {
      kind: 'custom',
      parse: (v) => {
        const flags = parseNotifyFlags(v);
        return flags === null ? { error: "Invalid event class character. Use 'Ag$lshzxeKEtmdn'." } : String(flags);
      },
      format: (stored) => formatNotifyFlags(Number(stored)),
    },
    default: '0',
  },
  { name: 'proto-max-bulk-len', type: bytes(1024n * 1024n), default: '536870912' },
  // Only database 0 exists here.
  { name: 'databases', type: int(1n, INT_MAX), default: '1', immutable: true },
  { name: 'maxmemory', type: { kind: 'memory', min: 0n, max: ULLONG_MAX, signed: false }, default: '0', hint: true },
  {
    name: 'maxmemory-policy',
    type: {
      kind: 'enum',
      values: ['volatile-lru', 'volatile-lfu', 'volatile-random', 'volatile-ttl', 'allkeys-lru', 'allkeys-lfu', 'allkeys-random', 'noeviction'],
    },
    default: 'noeviction',
  },
  { name: 'maxmemory-samples', type: int(1n, INT_MAX), default: '5', hint: true },
  { name: 'maxmemory-eviction-tenacity', type: int(0n, 100n), default: '10', hint: true },
  { name: 'maxmemory-clients', type: { kind: 'memory', min: -100n, max: LLONG_MAX, signed: true, percent: true }, default: '0', hint: true },
  { name: 'lfu-log-factor', type: int(0n, INT_MAX), default: '10' },
  { name: 'lfu-decay-time', type: int(0n, INT_MAX), default: '1' },
  // Redis runs its timers at 1..500 Hz whatever is asked (redis: updateHZ).
  { name: 'hz', type: int(0n, INT_MAX), default: '10', hint: true, apply: (v) => String(Math.min(500, Math.max(1, Number(v)))) },
  { name: 'dynamic-hz', type: bool, default: 'yes', hint: true },
  { name: 'active-expire-effort', type: int(1n, 10n), default: '1', hint: true },
  { name: 'activerehashing', type: bool, default: 'yes', hint: true },
  { name: 'timeout', type: int(0n, INT_MAX), default: '0', hint: true },
  { name: 'tcp-keepalive', type: int(0n, INT_MAX), default: '300', hint: true },
  { name: 'maxclients', type: int(1n, UINT_MAX), default: '10000', hint: true },
  { name: 'client-query-buffer-limit', type: bytes(1024n * 1024n), default: '1073741824', hint: true },
  // Real with a store in appendonly no mode (src/persistence: background snapshots).
  { name: 'save', type: { kind: 'custom', parse: parseSave }, default: '3600 1 300 100 60 10000' },
  // Persistence (src/persistence): real on an engine with a store, which sets its own
  // defaults (appendonly yes, appendfsync always); hints on an engine without one.
  { name: 'appendonly', type: bool, default: 'no' },
  { name: 'appendfsync', type: { kind: 'enum', values: ['everysec', 'always', 'no'] }, default: 'everysec' },
  { name: 'auto-aof-rewrite-percentage', type: int(0n, INT_MAX), default: '100' },
  { name: 'auto-aof-rewrite-min-size', type: bytes(0n), default: '67108864' },
  // Read when the store loads (createEngine's persistence.loadTruncated sets it).
  { name: 'aof-load-truncated', type: bool, default: 'yes', hint: true },
  { name: 'loglevel', type: { kind: 'enum', values: ['debug', 'verbose', 'notice', 'warning'] }, default: 'notice', hint: true },
  { name: 'slowlog-log-slower-than', type: int(-1n, LLONG_MAX), default: '10000', hint: true },
  { name: 'slowlog-max-len', type: int(0n, LLONG_MAX), default: '128', hint: true },
  { name: 'latency-monitor-threshold', type: int(0n, LLONG_MAX), default: '0', hint: true },
  { name: 'busy-reply-threshold', alias: 'lua-time-limit', type: int(0n, LLONG_MAX), default: '5000', hint: true },
  { name: 'lazyfree-lazy-eviction', type: bool, default: 'no', hint: true },
  { name: 'lazyfree-lazy-expire', type: bool, default: 'no' },
  { name: 'lazyfree-lazy-server-del', type: bool, default: 'no', hint: true },
  { name: 'lazyfree-lazy-user-del', type: bool, default: 'no', hint: true },
  { name: 'lazyfree-lazy-user-flush', type: bool, default: 'no', hint: true },
  { name: 'hash-max-listpack-entries', alias: 'hash-max-ziplist-entries', type: int(0n, LLONG_MAX), default: '512', hint: true },
  { name: 'hash-max-listpack-value', alias: 'hash-max-ziplist-value', type: bytes(0n), default: '64', hint: true },
  { name: 'list-max-listpack-size', alias: 'list-max-ziplist-size', type: int(INT_MIN, INT_MAX), default: '-2', hint: true },
  { name: 'list-compress-depth', type: int(0n, INT_MAX), default: '0', hint: true },
  { name: 'set-max-intset-entries', type: int(0n, LLONG_MAX), default: '512', hint: true },
  { name: 'zset-max-listpack-entries', alias: 'zset-max-ziplist-entries', type: int(0n, LLONG_MAX), default: '128', hint: true },
  { name: 'zset-max-listpack-value', alias: 'zset-max-ziplist-value', type: bytes(0n), default: '64', hint: true },
  { name: 'hll-sparse-max-bytes', type: bytes(0n), default: '3000', hint: true },
  { name: 'stream-node-max-bytes', type: bytes(0n), default: '4096', hint: true },
  { name: 'stream-node-max-entries', type: int(0n, LLONG_MAX), default: '100', hint: true },
  { name: 'cluster-enabled', type: bool, default: 'no', hint: true, immutable: true },
];

/** Validate `value` for a setting of `type` (redis: the type's `set` interface). */
export function parseConfigValue(type: ConfigType, value: string): ConfigParseResult {
  switch (type.kind) {
    case 'bool': {
      const lower = value.toLowerCase();
      if (lower === 'yes' || lower === 'no') return { ok: true, stored: lower };
      return { ok: false, error: "argument must be 'yes' or 'no'" };
    }
    case 'enum': {
      const lower = value.toLowerCase();
      if (type.values.includes(lower)) return { ok: true, stored: lower };
      return { ok: false, error: `argument(s) must be one of the following: ${type.values.join(', ')}` };
    }
    case 'int': {
      const v = parseInt64(value);
      if (v === null) return { ok: false, error: "argument couldn't be parsed into an integer" };
      return checkRange(BigInt(v), type.min, type.max);
    }
    case 'memory':
      return parseMemoryConfig(type, value);
    case 'custom': {
      const parsed = type.parse(value);
      return typeof parsed === 'string' ? { ok: true, stored: parsed } : { ok: false, error: parsed.error };
    }
  }
}

function checkRange(v: bigint, min: bigint, max: bigint): ConfigParseResult {
  if (v < min || v > max) return { ok: false, error: `argument must be between ${min} and ${max} inclusive` };
  return { ok: true, stored: String(v) };
}

function parseMemoryConfig(type: Extract<ConfigType, { kind: 'memory' }>, value: string): ConfigParseResult {
  if (type.percent && value.length > 1 && value.endsWith('%')) {
    const pct = parseInt64(value.slice(0, -1));
    if (pct !== null && pct >= 0) {
      if (-BigInt(pct) < type.min) return { ok: false, error: `percentage argument must be less or equal to ${-type.min}` };
      return { ok: true, stored: String(-BigInt(pct)) };
    }
  }
  const raw = parseMemory(value);
  if (raw === null) {
    return { ok: false, error: type.percent ? 'argument must be a memory or percent value' : 'argument must be a memory value' };
  }
  const v = type.signed ? BigInt.asIntN(64, raw) : raw;
  if (type.percent && v < 0n) {
    if (v < type.min) return { ok: false, error: `percentage argument must be less or equal to ${-type.min}` };
    return { ok: true, stored: String(v) };
  }
  return checkRange(v, type.min, type.max);
}

/**
 * The live settings. Values are stored canonically and shown through `display`.
 * `onChange` lets the engine cache what it reads on hot paths.
 */
export class Config {
  private readonly defs = new Map<string, ConfigDef>();
  private readonly values = new Map<string, string>();
  /** Bumped by every change: hot paths cache what they read until it moves. */
  version = 0;

  constructor(private readonly onChange: (name: string, stored: string) => void = () => {}) {
    for (const def of CONFIG_DEFS) {
      this.defs.set(def.name, def);
      if (def.alias) this.defs.set(def.alias, def);
      this.values.set(def.name, def.default);
    }
  }

  /** The definition for a name or alias (any case). */
  definition(name: string): ConfigDef | undefined {
    return this.defs.get(name.toLowerCase());
  }

  /** Canonical stored value of a setting (by name or alias). */
  get(name: string): string {
    const def = this.definition(name);
    if (!def) throw new Error(`unknown config ${name}`);
    return this.values.get(def.name)!;
  }

  /** The value as CONFIG GET shows it. */
  display(def: ConfigDef): string {
    const stored = this.values.get(def.name)!;
    if (def.type.kind === 'custom' && def.type.format) return def.type.format(stored);
    if (def.type.kind === 'memory' && def.type.percent && stored.startsWith('-')) return `${stored.slice(1)}%`;
    return stored;
  }

  /** Every name CONFIG GET can match: each canonical name followed by its alias. */
  entries(): Array<[string, ConfigDef]> {
    return [...this.defs.entries()];
  }

  /** Store an already validated canonical value. */
  store(def: ConfigDef, stored: string): void {
    if (def.apply) stored = def.apply(stored);
    this.values.set(def.name, stored);
    this.version++;
    this.onChange(def.name, stored);
  }
}
