/**
 * Argument parsers with Redis's exact acceptance rules. Functions ending in `OrThrow`
 * throw a ReplyError with Redis's text (redis: getLongLongFromObjectOrReply & co.).
 */
import { Errors, fail } from './errors.js';

export const INT64_MAX = 9223372036854775807n;
export const INT64_MIN = -9223372036854775808n;

/** A 64-bit integer: a number while safe, a bigint beyond 2^53. */
export type Int64 = number | bigint;

/**
 * Parse like Redis's string2ll: optional '-', no '+', no spaces, no leading zeros,
 * at most 20 chars, within int64. Returns null when rejected.
 */
export function parseInt64(s: string): Int64 | null {
  const len = s.length;
  if (len === 0 || len > 20) return null;
  let i = 0;
  if (s.charCodeAt(0) === 45 /* - */) {
    if (len === 1) return null;
    i = 1;
  }
  const first = s.charCodeAt(i);
  if (first === 48 /* 0 */) return len === 1 ? 0 : null;
  if (first < 49 || first > 57) return null;
  // Accumulated while validating: up to 15 digits the value is exact in a double.
  let value = first - 48;
  for (let j = i + 1; j < len; j++) {
    const c = s.charCodeAt(j);
    if (c < 48 || c > 57) return null;
    value = value * 10 + (c - 48);
  }
  if (len - i <= 15) return i === 0 ? value : -value;
  const big = BigInt(s);
  if (big > INT64_MAX || big < INT64_MIN) return null;
  return Number.isSafeInteger(Number(big)) ? Number(big) : big;
}

export function parseIntegerOrThrow(s: string, message: string = Errors.notInteger): Int64 {
  const v = parseInt64(s);
  if (v === null) fail(message);
  return v;
}

/** Normalise an int64 to number when it is safe, else keep the bigint. */
export function normalizeInt64(v: bigint): Int64 {
  return v >= -9007199254740991n && v <= 9007199254740991n ? Number(v) : v;
}

/** a + b with Redis's overflow check, or null on overflow. */
export function addInt64(a: Int64, b: Int64): Int64 | null {
  if (typeof a === 'number' && typeof b === 'number') {
    const sum = a + b;
    if (Number.isSafeInteger(sum)) return sum;
  }
  const sum = BigInt(a) + BigInt(b);
  if (sum > INT64_MAX || sum < INT64_MIN) return null;
  return normalizeInt64(sum);
}

/** Case-insensitive match of an ASCII option token. */
export function isToken(arg: string, upper: string): boolean {
  return arg.length === upper.length && arg.toUpperCase() === upper;
}
