/** Seeded randomness for reproducible random test sequences (a failing seed replays exactly). */

export type Rand = () => number;

/** A linear congruential generator: floats in [0, 1), the same sequence for the same seed. */
export function rng(seed: number): Rand {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

export const pick = <T>(r: Rand, items: readonly T[]): T => items[Math.floor(r() * items.length)]!;
