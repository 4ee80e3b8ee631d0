/**
 * Generic key commands (DEL, EXISTS, TYPE, RENAME, COPY, KEYS, SCAN, RANDOMKEY, OBJECT …),
 * shaped like node-redis v4.
 */
import {
  asArray,
  asBoolean,
  asNumber,
  asNullableStringArray,
  asNumberOrNull,
  asString,
  asStringArray,
  asStringOrNull,
  command,
  variadic,
  type RedisArgument,
  type RedisVariadicArgument,
} from './define.js';

export interface CopyOptions {
  /** Destination database index. */
  DB?: number;
  /** Overwrite an existing destination key. */
  REPLACE?: boolean;
}

export interface ScanOptions {
  MATCH?: string;
  COUNT?: number;
  /** Only keys of this type ('string', 'list', 'hash', …). */
  TYPE?: string;
}

export interface ScanReply {
  cursor: number;
  keys: string[];
}

export function scanArgs(cursor: number, options?: ScanOptions): RedisArgument[] {
  const argv: RedisArgument[] = ['SCAN', String(cursor)];
  if (options?.MATCH !== undefined) argv.push('MATCH', options.MATCH);
  if (options?.COUNT !== undefined) argv.push('COUNT', String(options.COUNT));
  if (options?.TYPE !== undefined) argv.push('TYPE', options.TYPE);
  return argv;
}

/** SORT / SORT_RO / sortStore options, as node-redis v4 spells them. */
export interface SortOptions {
  /** A key pattern (`weight_*`, `user:*->age`); a pattern without `*` skips sorting. */
  BY?: RedisArgument;
  LIMIT?: { offset: number; count: number };
  /** Patterns to fetch per element (`#` is the element itself). */
  GET?: RedisArgument | RedisArgument[];
  DIRECTION?: 'ASC' | 'DESC';
  ALPHA?: true;
}

function sortArgs(name: 'SORT' | 'SORT_RO', key: RedisArgument, options?: SortOptions): RedisArgument[] {
  const argv: RedisArgument[] = [name, key];
  if (options?.BY !== undefined) argv.push('BY', options.BY);
  if (options?.LIMIT !== undefined) argv.push('LIMIT', String(options.LIMIT.offset), String(options.LIMIT.count));
  const gets = options?.GET === undefined ? [] : Array.isArray(options.GET) ? options.GET : [options.GET];
  for (const pattern of gets) argv.push('GET', pattern);
  if (options?.DIRECTION !== undefined) argv.push(options.DIRECTION);
  if (options?.ALPHA) argv.push('ALPHA');
  return argv;
}

export const KEY_COMMANDS = {
  del: command((keys: RedisVariadicArgument) => variadic(['DEL'], keys), asNumber),
  unlink: command((keys: RedisVariadicArgument) => variadic(['UNLINK'], keys), asNumber),
  exists: command((keys: RedisVariadicArgument) => variadic(['EXISTS'], keys), asNumber),
  touch: command((keys: RedisVariadicArgument) => variadic(['TOUCH'], keys), asNumber),
  type: command((key: RedisArgument) => ['TYPE', key], asString),
  rename: command((key: RedisArgument, newKey: RedisArgument) => ['RENAME', key, newKey], asString),
  renameNX: command((key: RedisArgument, newKey: RedisArgument) => ['RENAMENX', key, newKey], asBoolean),
  copy: command((source: RedisArgument, destination: RedisArgument, options?: CopyOptions) => {
    const argv: RedisArgument[] = ['COPY', source, destination];
    if (options?.DB !== undefined) argv.push('DB', String(options.DB));
    if (options?.REPLACE) argv.push('REPLACE');
    return argv;
  }, asBoolean),
  keys: command((pattern: RedisArgument) => ['KEYS', pattern], asStringArray),
  /** One SCAN step; `scanIterator` walks the whole keyspace. */
  scan: command(scanArgs, (reply): ScanReply => {
    const [cursor, keys] = asArray(reply);
    return { cursor: Number(asString(cursor)), keys: asStringArray(keys) };
  }),
  randomKey: command(() => ['RANDOMKEY'], asStringOrNull),
  objectEncoding: command((key: RedisArgument) => ['OBJECT', 'ENCODING', key], asStringOrNull),
  objectFreq: command((key: RedisArgument) => ['OBJECT', 'FREQ', key], asNumberOrNull),
  objectIdleTime: command((key: RedisArgument) => ['OBJECT', 'IDLETIME', key], asNumberOrNull),
  objectRefCount: command((key: RedisArgument) => ['OBJECT', 'REFCOUNT', key], asNumberOrNull),
  /** Sorted elements, or with GET the fetched values (null where a GET finds nothing). */
  sort: command((key: RedisArgument, options?: SortOptions) => sortArgs('SORT', key, options), asNullableStringArray),
  sortRo: command((key: RedisArgument, options?: SortOptions) => sortArgs('SORT_RO', key, options), asNullableStringArray),
  /** SORT … STORE destination: the length of the stored list. */
  sortStore: command(
    (source: RedisArgument, destination: RedisArgument, options?: SortOptions) => [...sortArgs('SORT', source, options), 'STORE', destination],
    asNumber,
  ),
};
