/**
 * x87 80-bit `long double` arithmetic, exactly as Redis's INCRBYFLOAT / HINCRBYFLOAT see it.
 *
 * Design note:
 * - Redis parses operands with strtold (string2ld), adds in `long double` (on x86-64: a
 *   64-bit significand with an explicit integer bit, exponents down to 2^-16445 as
 *   subnormals, overflow past (2^64-1)·2^16320) and prints with "%.17Lf" trimmed of
 *   trailing zeros (ld2string, LD_STR_HUMAN). JS doubles give other answers (0.1 + 0.2),
 *   so values are kept as `mant · 2^exp` with a BigInt significand and every step rounds
 *   exactly once, to nearest with ties to even, as the FPU and glibc do.
 * - A finite value has `mant < 2^64`; normal values keep bit 63 set, subnormals sit at
 *   the minimum exponent. Zero is `mant = 0n` (the sign is kept, as -0 exists).
 * - Costs: a handful of BigInt operations on ~130-bit numbers per parse/add/format for
 *   everyday operands; operands near the exponent limits cost more (up to ~16k bits).
 */

/** A finite value: (-1)^neg · mant · 2^exp. */
export interface FiniteLongDouble {
  readonly kind: 'finite';
  readonly neg: boolean;
  readonly mant: bigint;
  readonly exp: number;
}

export type LongDouble =
  | FiniteLongDouble
  | { readonly kind: 'inf'; readonly neg: boolean }
  | { readonly kind: 'nan' };

/** Significand width of the x87 extended format (explicit integer bit). */
const MANT_BITS = 64;
/** Exponent of the last significand bit of subnormals: the smallest value is 2^-16445. */
const MIN_LSB_EXP = -16445;
/** Exponent of the last significand bit of the largest finite value, (2^64-1)·2^16320. */
const MAX_LSB_EXP = 16320;
const MANT_LIMIT = 1n << 64n;
/** string2ld copies into a 5 KiB buffer: longer inputs are rejected (MAX_LONG_DOUBLE_CHARS). */
const MAX_INPUT = 5 * 1024;
/** Fractional digits of "%.17Lf". */
const FRACTION_DIGITS = 17;
const TEN_POW_FRACTION = 10n ** 17n;

/** Positive zero: the value of a missing key. */
export const LONG_DOUBLE_ZERO: LongDouble = { kind: 'finite', neg: false, mant: 0n, exp: 0 };

function finite(neg: boolean, mant: bigint, exp: number): FiniteLongDouble {
  return { kind: 'finite', neg, mant, exp };
}

/** Number of significant bits of a non-negative BigInt. */
export function bitLength(x: bigint): number {
  if (x === 0n) return 0;
  const hex = x.toString(16);
  return (hex.length - 1) * 4 + (32 - Math.clz32(parseInt(hex[0]!, 16)));
}

/**
 * Round `mag · 2^exp` (plus a positive amount below the last bit of `mag` when `sticky`)
 * to the nearest long double, ties to even. Overflow gives an infinity; a value below
 * half the smallest subnormal gives zero.
 */
function round(neg: boolean, mag: bigint, exp: number, sticky: boolean): LongDouble {
  const bits = bitLength(mag);
  if (bits === 0) return finite(neg, 0n, 0);
  let lsb = Math.max(exp + bits - MANT_BITS, MIN_LSB_EXP);
  const shift = lsb - exp;
  let mant: bigint;
  if (shift <= 0) {
    mant = mag << BigInt(-shift);
  } else if (shift > bits) {
    // Below half of the last representable bit: rounds to zero.
    return finite(neg, 0n, 0);
  } else {
    const s = BigInt(shift);
    mant = mag >> s;
    const rem = mag - (mant << s);
    const half = 1n << (s - 1n);
    if (rem > half || (rem === half && (sticky || (mant & 1n) === 1n))) {
      mant++;
      if (mant === MANT_LIMIT) {
        mant >>= 1n;
        lsb++;
      }
    }
  }
  if (mant === 0n) return finite(neg, 0n, 0);
  if (lsb > MAX_LSB_EXP) return { kind: 'inf', neg };
  return finite(neg, mant, lsb);
}

// --- parsing (strtold as string2ld accepts it) ------------------------------------------

const DECIMAL = /^([+-]?)(?:(\d+)\.?(\d*)|\.(\d+))(?:[eE]([+-]?\d+))?$/;
const HEX = /^([+-]?)0[xX](?:([0-9a-fA-F]+)\.?([0-9a-fA-F]*)|\.([0-9a-fA-F]+))(?:[pP]([+-]?\d+))?$/;
const INFINITY = /^([+-]?)(?:inf|infinity)$/i;

/** Exponents beyond this are saturated: they overflow or underflow whatever the digits. */
const EXPONENT_CAP = 1e8;

function parseExponent(digits: string | undefined): number {
  if (digits === undefined) return 0;
  const v = Number(digits);
  return Math.max(-EXPONENT_CAP, Math.min(EXPONENT_CAP, v));
}

const pow5Cache: bigint[] = [1n];
function pow5(k: number): bigint {
  if (k < 512) {
    for (let i = pow5Cache.length; i <= k; i++) pow5Cache[i] = pow5Cache[i - 1]! * 5n;
    return pow5Cache[k]!;
  }
  return 5n ** BigInt(k);
}

/** Nearest long double to `digits · 10^exp10` (digits without leading zeros, not "0"). */
function fromDecimal(neg: boolean, digits: string, exp10: number): LongDouble {
  // Trailing zeros only make the numbers bigger.
  let end = digits.length;
  while (digits.charCodeAt(end - 1) === 48 /* 0 */) end--;
  exp10 += digits.length - end;
  digits = digits.slice(0, end);
  const magnitude = digits.length + exp10; // value < 10^magnitude
  // ≥ 1e4933 overflows; < 1e-4951 is below half the smallest subnormal (~3.6e-4951).
  if (magnitude - 1 > 4933) return { kind: 'inf', neg };
  if (magnitude < -4951) return finite(neg, 0n, 0);
  const d = BigInt(digits);
  if (exp10 >= 0) return round(neg, d * pow5(exp10), exp10, false);
  // d / 10^k = d / 5^k · 2^-k: scale so the quotient keeps ≥ 66 significant bits.
  const k = -exp10;
  const den = pow5(k);
  const scale = Math.max(0, MANT_BITS + 2 + bitLength(den) - bitLength(d) + 1);
  const num = d << BigInt(scale);
  const q = num / den;
  return round(neg, q, -k - scale, q * den !== num);
}

/**
 * Parse like Redis's string2ld: C strtold syntax (decimal with optional exponent,
 * hexadecimal with optional binary exponent, inf/infinity, any case), no leading space,
 * nothing after the number, no NaN, no NUL, shorter than 5 KiB; a value that overflows or
 * underflows to zero (ERANGE) is rejected, a subnormal one accepted. Infinity itself
 * ("inf") is accepted. Returns null when rejected.
 */
export function parseLongDouble(s: string): LongDouble | null {
  if (s.length === 0 || s.length >= MAX_INPUT) return null;
  let m = DECIMAL.exec(s);
  if (m !== null) {
    const neg = m[1] === '-';
    const intDigits = m[2] ?? '';
    const fracDigits = m[3] ?? m[4] ?? '';
    const all = (intDigits + fracDigits).replace(/^0+/, '');
    if (all.length === 0) return finite(neg, 0n, 0);
    const result = fromDecimal(neg, all, parseExponent(m[5]) - fracDigits.length);
    return rangeChecked(result);
  }
  m = HEX.exec(s);
  if (m !== null) {
    const neg = m[1] === '-';
    const intDigits = m[2] ?? '';
    const fracDigits = m[3] ?? m[4] ?? '';
    const mag = BigInt('0x' + (intDigits + fracDigits));
    if (mag === 0n) return finite(neg, 0n, 0);
    const exp = parseExponent(m[5]) - 4 * fracDigits.length;
    // Saturated exponents stay far outside the range; keep the shift in round() small.
    const bits = bitLength(mag);
    if (exp + bits > 16384 + 64) return null;
    if (exp + bits < MIN_LSB_EXP - 64) return null;
    return rangeChecked(round(neg, mag, exp, false));
  }
  m = INFINITY.exec(s);
  if (m !== null) return { kind: 'inf', neg: m[1] === '-' };
  return null;
}

/** strtold's ERANGE cases that string2ld rejects: overflow to ±inf, underflow to zero. */
function rangeChecked(x: LongDouble): LongDouble | null {
  if (x.kind !== 'finite' || x.mant === 0n) return null;
  return x;
}

// --- arithmetic ---------------------------------------------------------------------------

/** a + b in long double, rounded to nearest (ties to even); inf - inf is NaN. */
export function addLongDouble(a: LongDouble, b: LongDouble): LongDouble {
  if (a.kind === 'nan' || b.kind === 'nan') return { kind: 'nan' };
  if (a.kind === 'inf') return b.kind === 'inf' && b.neg !== a.neg ? { kind: 'nan' } : a;
  if (b.kind === 'inf') return b;
  if (a.mant === 0n) return b.mant === 0n ? finite(a.neg && b.neg, 0n, 0) : b;
  if (b.mant === 0n) return a;
  let [big, small] = a.exp >= b.exp ? [a, b] : [b, a];
  // A far smaller operand only decides the rounding direction: any stand-in well below
  // half an ulp of `big` (which is normal here, so ulp ≥ 2^(exp-1)) rounds the same.
  if (big.exp - small.exp > MANT_BITS + 4) small = finite(small.neg, 1n, big.exp - MANT_BITS - 4);
  const aligned = big.mant << BigInt(big.exp - small.exp);
  const sum = (big.neg ? -aligned : aligned) + (small.neg ? -small.mant : small.mant);
  if (sum === 0n) return LONG_DOUBLE_ZERO;
  return sum < 0n ? round(true, -sum, small.exp, false) : round(false, sum, small.exp, false);
}

export function isFiniteLongDouble(x: LongDouble): boolean {
  return x.kind === 'finite';
}

// --- formatting ---------------------------------------------------------------------------

/**
 * Print like Redis's ld2string in human mode: "%.17Lf" (exact value rounded to 17
 * fractional digits, ties to even), then trailing zeros and a trailing dot dropped, and
 * "-0" written "0". Infinities print as "inf" / "-inf", NaN as "nan".
 */
export function formatLongDouble(x: LongDouble): string {
  if (x.kind === 'nan') return 'nan';
  if (x.kind === 'inf') return x.neg ? '-inf' : 'inf';
  if (x.mant === 0n) return '0';
  const sign = x.neg ? '-' : '';
  if (x.exp >= 0) return sign + (x.mant << BigInt(x.exp)).toString();
  const k = BigInt(-x.exp);
  const num = x.mant * TEN_POW_FRACTION;
  let q = num >> k;
  const rem = num - (q << k);
  const half = 1n << (k - 1n);
  if (rem > half || (rem === half && (q & 1n) === 1n)) q++;
  if (q === 0n) return '0';
  const digits = q.toString().padStart(FRACTION_DIGITS + 1, '0');
  const intPart = digits.slice(0, -FRACTION_DIGITS);
  const fraction = digits.slice(-FRACTION_DIGITS).replace(/0+$/, '');
  return sign + intPart + (fraction.length > 0 ? '.' + fraction : '');
}
