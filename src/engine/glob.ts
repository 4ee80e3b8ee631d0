/**
 * Redis glob matching (redis: stringmatchlen) for KEYS, SCAN MATCH, CONFIG GET and
 * PSUBSCRIBE: `*`, `?`, `[abc]`, `[^a-z]`, `\x` escapes, optional case folding.
 *
 * Iterative with one backtrack point (the last `*`): a later star subsumes earlier ones,
 * so this is complete and runs in O(pattern × subject) instead of Redis's recursion.
 * Byte strings in, so ranges compare bytes as Redis does.
 */

function fold(c: number, nocase: boolean): number {
  return nocase && c >= 65 && c <= 90 ? c + 32 : c;
}

/**
 * Match one `[...]` class starting at pattern[p] === '['. Returns the index just past the
 * class and whether `c` is in it. An unterminated class runs to the end of the pattern.
 */
function matchClass(pattern: string, p: number, c: number, nocase: boolean): [number, boolean] {
  p++;
  const negate = pattern.charCodeAt(p) === 94; /* ^ */
  if (negate) p++;
  let match = false;
  const end = pattern.length;
  const fc = fold(c, nocase);
  while (p < end) {
    const pc = pattern.charCodeAt(p);
    if (pc === 92 /* \ */ && p + 1 < end) {
      // An escaped char in a class compares exactly, even when folding (as Redis does).
      if (pattern.charCodeAt(p + 1) === c) match = true;
      p += 2;
    } else if (pc === 93 /* ] */) {
      p++;
      return [p, negate ? !match : match];
    } else if (p + 2 < end && pattern.charCodeAt(p + 1) === 45 /* - */) {
      // Redis orders the bounds before folding them: [a-Z] folds to the empty z..a.
      let start = pc;
      let stop = pattern.charCodeAt(p + 2);
      if (start > stop) [start, stop] = [stop, start];
      if (fc >= fold(start, nocase) && fc <= fold(stop, nocase)) match = true;
      p += 3;
    } else {
      if (fold(pc, nocase) === fc) match = true;
      p++;
    }
  }
  return [p, negate ? !match : match];
}

export function globMatch(pattern: string, subject: string, nocase = false): boolean {
  const plen = pattern.length;
  const slen = subject.length;
  // Redis's loop never runs on an empty subject: only the empty pattern matches it, not
  // even "*" (KEYS and SCAN special-case a lone "*" before matching).
  if (slen === 0) return plen === 0;
  let p = 0;
  let s = 0;
  let starP = -1;
  let starS = 0;
  while (s < slen) {
    if (p < plen) {
      const pc = pattern.charCodeAt(p);
      if (pc === 42 /* * */) {
        while (p < plen && pattern.charCodeAt(p) === 42) p++;
        if (p === plen) return true;
        starP = p;
        starS = s;
        continue;
      }
      if (pc === 63 /* ? */) {
        p++;
        s++;
        continue;
      }
      if (pc === 91 /* [ */) {
        const [next, ok] = matchClass(pattern, p, subject.charCodeAt(s), nocase);
        if (ok) {
          p = next;
          s++;
          continue;
        }
      } else {
        let lit = pc;
        let width = 1;
        if (pc === 92 /* \ */ && p + 1 < plen) {
          lit = pattern.charCodeAt(p + 1);
          width = 2;
        }
        if (fold(lit, nocase) === fold(subject.charCodeAt(s), nocase)) {
          p += width;
          s++;
          continue;
        }
      }
    }
    if (starP === -1) return false;
    p = starP;
    s = ++starS;
  }
  while (p < plen && pattern.charCodeAt(p) === 42) p++;
  return p === plen;
}
