import { describe, expect, it } from 'vitest';
import { DenseIndex, distinctRandomPositions, scanStep } from '../../../src/engine/types/scan-cursor.js';
import { rng } from '../../support/random.js';

/** Index invariants: members dense and distinct, each member's position correct. */
function checkIndex(index: DenseIndex, expected: Set<string>): void {
  expect(index.size).toBe(expected.size);
  expect(new Set(index.members)).toEqual(expected);
  for (let pos = 0; pos < index.size; pos++) {
    const member = index.at(pos);
    index.remove(member);
    index.add(member); // Re-adding puts it on top: still a bijection.
  }
  expect(new Set(index.members)).toEqual(expected);
}

describe('DenseIndex', () => {
  it('stays a dense bijection under random adds and removes', () => {
    const r = rng(7);
    const present = new Set<string>();
    const index = new DenseIndex([]);
    for (let i = 0; i < 5000; i++) {
      const member = `m${Math.floor(r() * 300)}`;
      if (r() < 0.55) {
        if (!present.has(member)) {
          present.add(member);
          index.add(member);
        }
      } else {
        present.delete(member);
        index.remove(member);
      }
    }
    checkIndex(index, present);
  });

  it('a scan returns every member present throughout, whatever changes between steps (seeded)', () => {
    for (const seed of [1, 2, 3, 4, 5]) {
      const r = rng(seed);
      const present = new Set(Array.from({ length: 400 }, (_, i) => `m${i}`));
      const index = new DenseIndex(present);
      const stable = new Set(present);
      const seen = new Set<string>();
      let cursor = 0n;
      let fresh = 0;
      do {
        const step = scanStep(index, cursor, 1 + Math.floor(r() * 20));
        for (const member of step.members) {
          expect(present.has(member)).toBe(true);
          seen.add(member);
        }
        cursor = BigInt(step.cursor);
        for (let k = 0; k < 5; k++) {
          if (r() < 0.5) {
            const member = index.random(r);
            present.delete(member);
            stable.delete(member);
            index.remove(member);
          } else {
            const member = `new${fresh++}`;
            present.add(member);
            index.add(member);
          }
        }
      } while (cursor !== 0n && present.size > 0);
      for (const member of stable) expect(seen.has(member), `seed ${seed}: ${member}`).toBe(true);
    }
  });

  it('a cursor past the index restarts from the top', () => {
    const index = new DenseIndex(['a', 'b', 'c']);
    expect(scanStep(index, 1000n, 2)).toEqual({ cursor: 1, members: ['c', 'b'] });
    expect(scanStep(index, 1n, 2)).toEqual({ cursor: 0, members: ['a'] });
  });
});

describe('distinctRandomPositions', () => {
  it('gives distinct in-range positions for small and large counts', () => {
    const r = rng(3);
    for (const [size, count] of [[10, 3], [10, 9], [1000, 5], [1000, 900], [5, 5], [5, 50]] as const) {
      const positions = distinctRandomPositions(size, count, r);
      expect(positions).toHaveLength(Math.min(size, count));
      expect(new Set(positions).size).toBe(positions.length);
      for (const pos of positions) expect(pos >= 0 && pos < size).toBe(true);
    }
  });
});
