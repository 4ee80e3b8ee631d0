/**
 * Doubles as Redis reads and prints them: C strtod acceptance (decimal and hex floats,
 * `inf`/`infinity`/`nan` in any case, leading whitespace skipped by strtod itself), the two
 * ways Redis wraps it (getDoubleFromObject for scores and increments, zslParseRange for
 * score bounds), lex bounds (zslParseLexRangeItem), and `%.17g` printing (addReplyDouble).
 *
 * Checked against Redis 7.0: "0x10" is 16 and "0x1p3" is 8; " 1", "1 " and "" are not
 * scores but are bounds when only whitespace leads (" 2" is 2, "" is 0); "1e400" is not a
 * score (ERANGE) but is +inf as a bound; "1e-400" is not a score (underflow to zero).
 */
import { Errors, fail } from './errors.js';

/** Where the last `strtod` stopped (redis: eptr) and whether it set ERANGE. */
let strtodEnd = 0;
let strtodRange = false;

const isSpace = (c: number): boolean => c === 32 || (c >= 9 && c <= 13);
const isDigit = (c: number): boolean => c >= 48 && c <= 57;
const hexValue = (c: number): number =>
  c >= 48 && c <= 57 ? c - 48 : c >= 97 && c <= 102 ? c - 87 : c >= 65 && c <= 70 ? c - 55 : -1;

/** Case-insensitive match of lowercase ASCII `word` at `at`. */
function matchesWord(s: string, at: number, word: string): boolean {
  if (s.length - at < word.length) return false;
  for (let i = 0; i < word.length; i++) if ((s.charCodeAt(at + i) | 0x20) !== word.charCodeAt(i)) return false;
  return true;
}

/**
 * C strtod over `s` from `from`: the value read, with `strtodEnd` set to where reading
 * stopped (`from` when nothing was converted, value 0) and `strtodRange` to ERANGE
 * (overflow to ±inf or underflow to 0).
 */
export function strtod(s: string, from: number): number {
  strtodRange = false;
  let i = from;
  const n = s.length;
  while (i < n && isSpace(s.charCodeAt(i))) i++;
  let negative = false;
  const signAt = s.charCodeAt(i);
  if (signAt === 43 /* + */ || signAt === 45 /* - */) {
    negative = signAt === 45;
    i++;
  }
  const c = s.charCodeAt(i);
  if ((c | 0x20) === 105 /* i */ && matchesWord(s, i, 'inf')) {
    strtodEnd = matchesWord(s, i, 'infinity') ? i + 8 : i + 3;
    return negative ? -Infinity : Infinity;
  }
  if ((c | 0x20) === 110 /* n */ && matchesWord(s, i, 'nan')) {
    let end = i + 3;
    // "nan(chars)": the parenthesised tail belongs to the number only when it closes.
    if (s.charCodeAt(end) === 40 /* ( */) {
      let j = end + 1;
      while (j < n && /[0-9A-Za-z_]/.test(s[j]!)) j++;
      if (s.charCodeAt(j) === 41 /* ) */) end = j + 1;
    }
    strtodEnd = end;
    return NaN;
  }
  if (c === 48 /* 0 */ && (s.charCodeAt(i + 1) | 0x20) === 120 /* x */) {
    const hex = parseHex(s, i + 2, negative);
    if (hex !== null) return hex;
    // "0x" without hex digits reads as the "0".
    strtodEnd = i + 1;
    return negative ? -0 : 0;
  }
  const start = i;
  let nonZero = false;
  let digits = 0;
  while (isDigit(s.charCodeAt(i))) {
    if (s.charCodeAt(i) !== 48) nonZero = true;
    i++;
    digits++;
  }
  if (s.charCodeAt(i) === 46 /* . */) {
    i++;
    while (isDigit(s.charCodeAt(i))) {
      if (s.charCodeAt(i) !== 48) nonZero = true;
      i++;
      digits++;
    }
  }
  if (digits === 0) {
    strtodEnd = from;
    return 0;
  }
  const mantissaEnd = i;
  if ((s.charCodeAt(i) | 0x20) === 101 /* e */) {
    let j = i + 1;
    const sign = s.charCodeAt(j);
    if (sign === 43 || sign === 45) j++;
    if (isDigit(s.charCodeAt(j))) {
      while (isDigit(s.charCodeAt(j))) j++;
      i = j;
    }
  }
  strtodEnd = i;
  const magnitude = Number(i === mantissaEnd ? s.slice(start, i) : s.slice(start, mantissaEnd) + 'e' + s.slice(mantissaEnd + 1, i));
  if (magnitude === Infinity || (magnitude === 0 && nonZero)) strtodRange = true;
  return negative ? -magnitude : magnitude;
}

/** The hex float after "0x" at `at` (C99 strtod), or null when no hex digit follows. */
function parseHex(s: string, at: number, negative: boolean): number | null {
  let i = at;
  let mantissa = 0n;
  let digits = 0;
  let fractionDigits = 0;
  let nonZero = false;
  while (hexValue(s.charCodeAt(i)) >= 0) {
    mantissa = mantissa * 16n + BigInt(hexValue(s.charCodeAt(i)));
    i++;
    digits++;
  }
  if (s.charCodeAt(i) === 46 /* . */) {
    i++;
    while (hexValue(s.charCodeAt(i)) >= 0) {
      mantissa = mantissa * 16n + BigInt(hexValue(s.charCodeAt(i)));
      i++;
      digits++;
      fractionDigits++;
    }
  }
  if (digits === 0) return null;
  if (mantissa !== 0n) nonZero = true;
  let exponent = 0;
  if ((s.charCodeAt(i) | 0x20) === 112 /* p */) {
    let j = i + 1;
    const sign = s.charCodeAt(j);
    if (sign === 43 || sign === 45) j++;
    if (isDigit(s.charCodeAt(j))) {
      const expStart = j;
      while (isDigit(s.charCodeAt(j))) j++;
      exponent = Math.min(100000, Number(s.slice(expStart, j))) * (sign === 45 ? -1 : 1);
      i = j;
    }
  }
  strtodEnd = i;
  // Number(bigint) rounds to nearest; scaling by a power of two is then exact unless the
  // result leaves the normal range (subnormal hex literals may round twice: rare enough).
  let value = Number(mantissa);
  let scale = exponent - 4 * fractionDigits;
  while (scale > 0 && value !== Infinity) {
    const step = Math.min(scale, 1000);
    value *= 2 ** step;
    scale -= step;
  }
  while (scale < 0 && value !== 0) {
    const step = Math.max(scale, -1000);
    value *= 2 ** step;
    scale -= step;
  }
  if (value === Infinity || (value === 0 && nonZero)) strtodRange = true;
  return negative ? -value : value;
}

/**
 * A score or increment as Redis reads it (redis: getDoubleFromObject): the whole argument
 * is a strtod number, with no leading whitespace, no overflow or underflow, not NaN.
 * Throws `ERR value is not a valid float`.
 */
export function parseScoreOrThrow(s: string): number {
  const n = s.length;
  if (isPlainDecimal(s, 0)) {
    const value = Number(s);
    if (value === value) return value;
  }
  if (n === 0 || isSpace(s.charCodeAt(0))) fail(Errors.notFloat);
  const value = strtod(s, 0);
  if (strtodEnd !== n || value !== value) fail(Errors.notFloat);
  if (strtodRange && (value === 0 || value === Infinity || value === -Infinity)) fail(Errors.notFloat);
  return value;
}

/**
 * A whole C string read by strtod as SORT reads its weights (redis: sortCommandGeneric):
 * leading spaces and "" (0) allowed, anything left before the end or a NUL byte, ERANGE or
 * NaN give null.
 */
export function parseSortWeight(s: string): number | null {
  const value = strtod(s, 0);
  if ((strtodEnd !== s.length && s.charCodeAt(strtodEnd) !== 0) || strtodRange || value !== value) return null;
  return value;
}

/** A score interval (redis: zrangespec); `minex`/`maxex` exclude the bound. */
export interface ScoreRange {
  min: number;
  max: number;
  minex: boolean;
  maxex: boolean;
}

/** True for short plain decimals ("42", "-1.5") that Number reads exactly as strtod. */
function isPlainDecimal(s: string, from: number): boolean {
  const n = s.length;
  if (n - from === 0 || n - from > 20) return false;
  for (let i = s.charCodeAt(from) === 45 ? from + 1 : from; i < n; i++) {
    const c = s.charCodeAt(i);
    if (!(isDigit(c) || c === 46)) return false;
  }
  return true;
}

/** One bound of a score range: '(' excludes; strtod must stop at the end or at a NUL byte. */
function parseScoreBound(s: string): { value: number; ex: boolean } | null {
  const ex = s.charCodeAt(0) === 40; /* ( */
  const from = ex ? 1 : 0;
  if (isPlainDecimal(s, from)) {
    const plain = Number(from === 0 ? s : s.slice(1));
    if (plain === plain) return { value: plain, ex };
  }
  const value = strtod(s, from);
  if ((strtodEnd !== s.length && s.charCodeAt(strtodEnd) !== 0) || value !== value) return null;
  return { value, ex };
}

/** Parse `min max` of ZRANGEBYSCORE & co. (redis: zslParseRange). */
export function parseScoreRangeOrThrow(min: string, max: string): ScoreRange {
  const lo = parseScoreBound(min);
  const hi = lo === null ? null : parseScoreBound(max);
  if (lo === null || hi === null) fail(Errors.minMaxNotFloat);
  return { min: lo.value, minex: lo.ex, max: hi.value, maxex: hi.ex };
}

/** True when no score can lie in the range (redis: zslIsInRange's first test). */
export function scoreRangeEmpty(range: ScoreRange): boolean {
  return range.min > range.max || (range.min === range.max && (range.minex || range.maxex));
}

/**
 * One bound of a lex range: `kind` -1 is '-' (below every member), 1 is '+' (above every
 * member), 0 a member `value` included unless `ex`.
 */
export interface LexBound {
  kind: -1 | 0 | 1;
  value: string;
  ex: boolean;
}

export interface LexRange {
  min: LexBound;
  max: LexBound;
}

function parseLexBound(s: string): LexBound | null {
  const c = s.charCodeAt(0);
  // '+' and '-' stand alone: the C test is c[1] == '\0', so a NUL byte may follow.
  const alone = s.length === 1 || s.charCodeAt(1) === 0;
  if (c === 43 /* + */) return alone ? { kind: 1, value: '', ex: true } : null;
  if (c === 45 /* - */) return alone ? { kind: -1, value: '', ex: true } : null;
  if (c === 40 /* ( */) return { kind: 0, value: s.slice(1), ex: true };
  if (c === 91 /* [ */) return { kind: 0, value: s.slice(1), ex: false };
  return null;
}

/** Parse `min max` of ZRANGEBYLEX & co. (redis: zslParseLexRange). */
export function parseLexRangeOrThrow(min: string, max: string): LexRange {
  const lo = parseLexBound(min);
  const hi = lo === null ? null : parseLexBound(max);
  if (lo === null || hi === null) fail(Errors.lexRangeItem);
  return { min: lo, max: hi };
}

/** Compare two lex bounds' positions (redis: sdscmplex). */
function compareLexBounds(a: LexBound, b: LexBound): number {
  if (a.kind !== 0 || b.kind !== 0) return a.kind === b.kind ? 0 : a.kind < b.kind ? -1 : 1;
  return a.value === b.value ? 0 : a.value < b.value ? -1 : 1;
}

/** True when no member can lie in the range (redis: zslIsInLexRange's first test). */
export function lexRangeEmpty(range: LexRange): boolean {
  const cmp = compareLexBounds(range.min, range.max);
  return cmp > 0 || (cmp === 0 && (range.min.ex || range.max.ex));
}

/**
 * A double as Redis 7.0 replies with it (redis: addReplyDouble, `%.17g`): "inf", "-inf",
 * "-0", integers without a point, 17 significant digits otherwise, C exponent form
 * ("1e+20", "1.4999999999999999e-07") below 1e-4 and from 1e17.
 */
export function formatScore(d: number): string {
  if (Number.isInteger(d) && d < 9007199254740992 && d > -9007199254740992) return d === 0 && 1 / d < 0 ? '-0' : String(d);
  if (d === Infinity) return 'inf';
  if (d === -Infinity) return '-inf';
  if (d !== d) return 'nan';
  const exp = d.toExponential(16);
  const e = exp.indexOf('e');
  const exponent = Number(exp.slice(e + 1));
  if (exponent < -4 || exponent >= 17) {
    const mantissa = stripZeros(exp.slice(0, e));
    const abs = Math.abs(exponent);
    return `${mantissa}e${exponent < 0 ? '-' : '+'}${abs < 10 ? '0' : ''}${abs}`;
  }
  return stripZeros(d.toFixed(16 - exponent));
}

/** Drop a fraction's trailing zeros, and its point when nothing is left after it. */
function stripZeros(s: string): string {
  if (s.indexOf('.') === -1) return s;
  let end = s.length;
  while (s.charCodeAt(end - 1) === 48) end--;
  if (s.charCodeAt(end - 1) === 46) end--;
  return s.slice(0, end);
}
