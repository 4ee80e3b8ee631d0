/**
 * A binary min-heap of (deadline, key) pairs: active expiry (keys), blocked clients'
 * timeouts (blocking.ts, its waiters).
 *
 * Entries are never removed in place: a deadline that changes or disappears leaves a stale
 * pair behind, which the consumer recognises (the key's current deadline differs) and
 * skips. `size` counts stale pairs too, so the owner can rebuild when they pile up.
 */
export class ExpiryHeap<K = string> {
  /**
   * Deadlines in a typed array: a plain array's elements kind depends on what the first
   * pushes held (Smi, double, boxed), and the boxed form made every push allocate.
   */
  private whens = new Float64Array(64);
  private keys: K[] = [];
  private count = 0;

  get size(): number {
    return this.count;
  }

  push(when: number, key: K): void {
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

  peekKey(): K | undefined {
    return this.keys[0];
  }

  pop(): void {
    if (this.count === 0) return;
    const n = --this.count;
    const lastWhen = this.whens[n]!;
    const lastKey = this.keys.pop()!;
    if (n !== 0) this.siftDown(0, lastWhen, lastKey);
  }

  /**
   * Keep only the pairs `keep` accepts, in O(size): the stale pairs are dropped and the
   * rest re-heapified bottom-up. The owner's rebuild then costs what the heap holds, not
   * what the whole keyspace holds.
   */
  retain(keep: (when: number, key: K) => boolean): void {
    const whens = this.whens;
    const keys = this.keys;
    let n = 0;
    for (let i = 0; i < this.count; i++) {
      const when = whens[i]!;
      const key = keys[i]!;
      if (!keep(when, key)) continue;
      whens[n] = when;
      keys[n] = key;
      n++;
    }
    keys.length = n;
    this.count = n;
    for (let i = (n >> 1) - 1; i >= 0; i--) this.siftDown(i, whens[i]!, keys[i]!);
  }

  /** Place (when, key) at `i` or below, moving smaller children up. */
  private siftDown(i: number, when: number, key: K): void {
    const whens = this.whens;
    const keys = this.keys;
    const n = this.count;
    for (;;) {
      const left = 2 * i + 1;
      if (left >= n) break;
      const right = left + 1;
      const child = right < n && whens[right]! < whens[left]! ? right : left;
      if (whens[child]! >= when) break;
      whens[i] = whens[child]!;
      keys[i] = keys[child]!;
      i = child;
    }
    whens[i] = when;
    keys[i] = key;
  }

  clear(): void {
    this.whens = new Float64Array(64);
    this.keys = [];
    this.count = 0;
  }
}
