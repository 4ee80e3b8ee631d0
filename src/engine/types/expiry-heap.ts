/**
 * A binary min-heap of (deadline, key) pairs for active expiry.
 *
 * Entries are never removed in place: a deadline that changes or disappears leaves a stale
 * pair behind, which the consumer recognises (the key's current deadline differs) and
 * skips. `size` counts stale pairs too, so the owner can rebuild when they pile up.
 */
export class ExpiryHeap {
  /**
   * Deadlines in a typed array: a plain array's elements kind depends on what the first
   * pushes held (Smi, double, boxed), and the boxed form made every push allocate.
   */
  private whens = new Float64Array(64);
  private keys: string[] = [];
  private count = 0;

  get size(): number {
    return this.count;
  }

  push(when: number, key: string): void {
    let whens = this.whens;
    const keys = this.keys;
    let i = this.count;
    if (i === whens.length) {
      const grown = new Float64Array(whens.length * 2);
      grown.set(whens);
      this.whens = whens = grown;
    }
    this.count = i + 1;
    keys.push(key);
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (whens[parent]! <= when) break;
      whens[i] = whens[parent]!;
      keys[i] = keys[parent]!;
      i = parent;
    }
    whens[i] = when;
    keys[i] = key;
  }

  /** The earliest deadline, or undefined when empty. */
  peekWhen(): number | undefined {
    return this.count === 0 ? undefined : this.whens[0];
  }

  peekKey(): string | undefined {
    return this.keys[0];
  }

  pop(): void {
    if (this.count === 0) return;
    const whens = this.whens;
    const keys = this.keys;
    const n = --this.count;
    const lastWhen = whens[n]!;
    const lastKey = keys.pop()!;
    if (n === 0) return;
    let i = 0;
    for (;;) {
      const left = 2 * i + 1;
      if (left >= n) break;
      const right = left + 1;
      const child = right < n && whens[right]! < whens[left]! ? right : left;
      if (whens[child]! >= lastWhen) break;
      whens[i] = whens[child]!;
      keys[i] = keys[child]!;
      i = child;
    }
    whens[i] = lastWhen;
    keys[i] = lastKey;
  }

  clear(): void {
    this.whens = new Float64Array(64);
    this.keys = [];
    this.count = 0;
  }
}
