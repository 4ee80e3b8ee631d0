/**
 * A binary min-heap of (deadline, key) pairs for active expiry.
 *
 * Entries are never removed in place: a deadline that changes or disappears leaves a stale
 * pair behind, which the consumer recognises (the key's current deadline differs) and
 * skips. `size` counts stale pairs too, so the owner can rebuild when they pile up.
 */
export class ExpiryHeap {
  private whens: number[] = [];
  private keys: string[] = [];

  get size(): number {
    return this.whens.length;
  }

  push(when: number, key: string): void {
    const whens = this.whens;
    const keys = this.keys;
    let i = whens.length;
    whens.push(when);
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
    return this.whens[0];
  }

  peekKey(): string | undefined {
    return this.keys[0];
  }

  pop(): void {
    const whens = this.whens;
    const keys = this.keys;
    const lastWhen = whens.pop()!;
    const lastKey = keys.pop()!;
    const n = whens.length;
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
    this.whens = [];
    this.keys = [];
  }
}
