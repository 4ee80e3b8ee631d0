/**
 * CONFIG parameters: one definition per setting, with its type, default and validation
 * (redis: config.c standardConfig table). CONFIG GET/SET/RESETSTAT read this registry.
 */
import { formatNotifyFlags, parseNotifyFlags } from './notify.js';

export type ConfigType =
  | { kind: 'bool' }
  | { kind: 'int'; min: number; max: number }
  | { kind: 'memory' }
  | { kind: 'enum'; values: readonly string[] }
  | { kind: 'string' }
  /** Free-form: parse returns the canonical stored form, or null when invalid. */
  | { kind: 'custom'; parse: (value: string) => string | null; format?: (stored: string) => string };

export interface ConfigDef {
  name: string;
  alias?: string;
  type: ConfigType;
  default: string;
  /** Accepted and reported for compatibility; it does not change behaviour here. */
  hint?: boolean;
  /** CONFIG SET refuses it (redis: IMMUTABLE_CONFIG). */
  immutable?: boolean;
}

const int = (min: number, max: number): ConfigType => ({ kind: 'int', min, max });
const bool: ConfigType = { kind: 'bool' };
const INT_MAX = 2147483647;
const LLONG_MAX = Number.MAX_SAFE_INTEGER;

export const CONFIG_DEFS: readonly ConfigDef[] = [
  {
    name: 'notify-keyspace-events',
    type: {
      kind: 'custom',
      parse: (v) => {
        const flags = parseNotifyFlags(v);
        return flags === null ? null : String(flags);
      },
      format: (stored) => formatNotifyFlags(Number(stored)),
    },
    default: '0',
  },
  { name: 'hz', type: int(0, INT_MAX), default: '10' },
  { name: 'databases', type: int(1, INT_MAX), default: '16', immutable: true },
  { name: 'maxmemory', type: { kind: 'memory' }, default: '0' },
  {
    name: 'maxmemory-policy',
    type: {
      kind: 'enum',
      values: ['volatile-lru', 'volatile-lfu', 'volatile-random', 'volatile-ttl', 'allkeys-lru', 'allkeys-lfu', 'allkeys-random', 'noeviction'],
    },
    default: 'noeviction',
  },
  { name: 'maxmemory-samples', type: int(1, 64), default: '5' },
  { name: 'lfu-log-factor', type: int(0, INT_MAX), default: '10' },
  { name: 'lfu-decay-time', type: int(0, INT_MAX), default: '1' },
  { name: 'proto-max-bulk-len', type: { kind: 'memory' }, default: '536870912' },
  { name: 'lazyfree-lazy-user-del', type: bool, default: 'no', hint: true },
  { name: 'lazyfree-lazy-user-flush', type: bool, default: 'no', hint: true },
  { name: 'active-expire-effort', type: int(1, 10), default: '1', hint: true },
  { name: 'hash-max-listpack-entries', alias: 'hash-max-ziplist-entries', type: int(0, LLONG_MAX), default: '512', hint: true },
  { name: 'hash-max-listpack-value', alias: 'hash-max-ziplist-value', type: int(0, LLONG_MAX), default: '64', hint: true },
  { name: 'list-max-listpack-size', alias: 'list-max-ziplist-size', type: int(-5, INT_MAX), default: '-2', hint: true },
  { name: 'list-compress-depth', type: int(0, INT_MAX), default: '0', hint: true },
  { name: 'set-max-intset-entries', type: int(0, LLONG_MAX), default: '512', hint: true },
  { name: 'zset-max-listpack-entries', alias: 'zset-max-ziplist-entries', type: int(0, LLONG_MAX), default: '128', hint: true },
  { name: 'zset-max-listpack-value', alias: 'zset-max-ziplist-value', type: int(0, LLONG_MAX), default: '64', hint: true },
];

/**
 * The live settings. Values are stored canonically (custom types through `parse`) and
 * shown through `format`. `onChange` lets the engine cache what it reads on hot paths.
 */
export class Config {
  private readonly defs = new Map<string, ConfigDef>();
  private readonly values = new Map<string, string>();

  constructor(private readonly onChange: (name: string, stored: string) => void = () => {}) {
    for (const def of CONFIG_DEFS) {
      this.defs.set(def.name, def);
      if (def.alias) this.defs.set(def.alias, def);
      this.values.set(def.name, def.default);
    }
  }

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
    return def.type.kind === 'custom' && def.type.format ? def.type.format(stored) : stored;
  }

  /** Every definition, canonical names first then aliases (each listed once per name). */
  entries(): Array<[string, ConfigDef]> {
    return [...this.defs.entries()];
  }

  /** Store an already validated canonical value. */
  store(def: ConfigDef, stored: string): void {
    this.values.set(def.name, stored);
    this.onChange(def.name, stored);
  }
}
