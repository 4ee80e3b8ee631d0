/**
 * The string type's per-type operations (see type-ops.ts). Strings are immutable JS
 * strings, so a copy shares the value.
 */
import type { StringEntry } from '../keyspace.js';
import { parseInt64 } from '../parse.js';
import type { TypeOps } from '../type-ops.js';

/** Longest string Redis embeds in its object header (redis: OBJ_ENCODING_EMBSTR_SIZE_LIMIT). */
export const EMBSTR_LIMIT = 44;

export const stringOps: TypeOps<StringEntry> = {
  // redis: tryObjectEncoding, unless the writing command forced its own (keyspace.ts).
  encoding(entry) {
    if (entry.encoding !== undefined) return entry.encoding;
    const value = entry.value;
    if (value.length <= 20 && parseInt64(value) !== null) return 'int';
    return value.length <= EMBSTR_LIMIT ? 'embstr' : 'raw';
  },
  copy(entry) {
    const copy: StringEntry = { type: 'string', value: entry.value, expireAt: 0, access: 0, slot: 0 };
    if (entry.encoding !== undefined) copy.encoding = entry.encoding;
    return copy;
  },
  rewrite(key, entry) {
    return [['SET', key, entry.value]];
  },
};
