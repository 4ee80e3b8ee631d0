/**
 * Byte strings: the engine's one representation for binary-safe keys and values.
 *
 * A byte string holds one byte per UTF-16 unit (0–255), i.e. the Latin-1 reading of the
 * UTF-8 bytes. Map lookups stay fast, `<` matches Redis's memcmp order and `.length` is
 * the byte length. Conversion happens only at the client boundary; pure ASCII strings are
 * already byte strings and pass through untouched.
 */

const utf8Encoder = new TextEncoder();
const utf8Decoder = new TextDecoder('utf-8');
const NON_ASCII = /[^\x00-\x7f]/;
const CHUNK = 0x2000;

/** True when every char is 7-bit, so the string is the same in UTF-16 and in bytes. */
export function isAscii(s: string): boolean {
  const n = s.length;
  // A char loop beats the regex on the short strings most keys and values are.
  if (n > 32) return !NON_ASCII.test(s);
  for (let i = 0; i < n; i++) if (s.charCodeAt(i) > 127) return false;
  return true;
}

/** Uint8Array → byte string. */
export function fromUint8Array(bytes: Uint8Array): string {
  if (bytes.length <= CHUNK) return String.fromCharCode.apply(null, bytes as unknown as number[]);
  let out = '';
  for (let i = 0; i < bytes.length; i += CHUNK) {
    out += String.fromCharCode.apply(null, bytes.subarray(i, i + CHUNK) as unknown as number[]);
  }
  return out;
}

/** Byte string → Uint8Array. */
export function toUint8Array(s: string): Uint8Array {
  const out = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) out[i] = s.charCodeAt(i);
  return out;
}

/** A caller's argument (JS string as UTF-8, or raw bytes) → byte string. */
export function toByteString(arg: string | Uint8Array): string {
  if (typeof arg === 'string') return isAscii(arg) ? arg : fromUint8Array(utf8Encoder.encode(arg));
  return fromUint8Array(arg);
}

/** Byte string → JS string, reading the bytes as UTF-8 (invalid sequences become U+FFFD). */
export function fromByteString(s: string): string {
  return isAscii(s) ? s : utf8Decoder.decode(toUint8Array(s));
}
