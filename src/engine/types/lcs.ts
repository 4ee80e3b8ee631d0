/**
 * Longest common subsequence of two byte strings, as Redis's LCS computes it.
 *
 * Design note: the classic dynamic-programming table (lengths of LCS(a[0..i), b[0..j))
 * in a flat Uint32Array, (|a|+1)·(|b|+1) cells), then one walk back from the bottom-right
 * corner. The walk is Redis's: on a mismatch it steps towards the larger neighbour,
 * preferring to drop a char of `b` on ties, and it groups contiguous matches into ranges
 * reported from the end of the strings towards the start. Replies (the LCS text and the
 * IDX ranges) therefore match Redis byte for byte, including which of several equally
 * long subsequences is chosen.
 */

export interface LcsRange {
  /** Inclusive byte range in the first string. */
  a: readonly [number, number];
  /** Inclusive byte range in the second string. */
  b: readonly [number, number];
  /** Length of the range (the same in both strings). */
  length: number;
}

export interface LcsResult {
  /** Length of the longest common subsequence. */
  length: number;
  /** The subsequence itself (when asked for). */
  text: string;
  /** Contiguous matched ranges, last ones first (when asked for). */
  ranges: LcsRange[];
}

/** Bytes of transient memory the table needs (Redis refuses beyond proto-max-bulk-len). */
export function lcsTableBytes(a: string, b: string): number {
  return (a.length + 1) * (b.length + 1) * 4;
}

/**
 * Compute the LCS of `a` and `b`. With `walk` false only `length` is filled (no text, no
 * ranges). Throws RangeError when the table cannot be allocated.
 */
export function lcs(a: string, b: string, walk: boolean): LcsResult {
  const alen = a.length;
  const blen = b.length;
  const width = blen + 1;
  const table = new Uint32Array((alen + 1) * width);
  for (let i = 1; i <= alen; i++) {
    const ca = a.charCodeAt(i - 1);
    const row = i * width;
    const prev = row - width;
    for (let j = 1; j <= blen; j++) {
      if (ca === b.charCodeAt(j - 1)) table[row + j] = table[prev + j - 1]! + 1;
      else {
        const up = table[prev + j]!;
        const left = table[row + j - 1]!;
        table[row + j] = up > left ? up : left;
      }
    }
  }
  const length = table[alen * width + blen]!;
  if (!walk) return { length, text: '', ranges: [] };

  const chars: number[] = new Array<number>(length);
  const ranges: LcsRange[] = [];
  let idx = length;
  // The current range, as [aStart..aEnd] / [bStart..bEnd]; aStart === alen means none open.
  let aStart = alen;
  let aEnd = 0;
  let bStart = 0;
  let bEnd = 0;
  let i = alen;
  let j = blen;
  while (i > 0 && j > 0) {
    let emit = false;
    if (a.charCodeAt(i - 1) === b.charCodeAt(j - 1)) {
      chars[--idx] = a.charCodeAt(i - 1);
      if (aStart === alen) {
        aStart = aEnd = i - 1;
        bStart = bEnd = j - 1;
      } else if (aStart === i && bStart === j) {
        // Contiguous with the open range: extend it backwards.
        aStart--;
        bStart--;
      } else {
        emit = true;
      }
      // A range touching the start of either string cannot grow further.
      if (aStart === 0 || bStart === 0) emit = true;
      i--;
      j--;
    } else {
      if (table[(i - 1) * width + j]! > table[i * width + j - 1]!) i--;
      else j--;
      if (aStart !== alen) emit = true;
    }
    if (emit) {
      ranges.push({ a: [aStart, aEnd], b: [bStart, bEnd], length: aEnd - aStart + 1 });
      aStart = alen;
    }
  }
  return { length, text: fromCharCodes(chars), ranges };
}

/** String.fromCharCode takes its arguments on the stack: convert long texts in chunks. */
function fromCharCodes(chars: number[]): string {
  let out = '';
  for (let k = 0; k < chars.length; k += 0x2000) out += String.fromCharCode(...chars.slice(k, k + 0x2000));
  return out;
}
