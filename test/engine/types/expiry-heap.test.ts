import { describe, expect, it } from 'vitest';
import { ExpiryHeap } from '../../../src/engine/types/expiry-heap.js';
import { rng } from '../../support/random.js';

function drain(heap: ExpiryHeap): Array<[number, string]> {
  const out: Array<[number, string]> = [];
  while (heap.size > 0) {
    out.push([heap.peekWhen()!, heap.peekKey()!]);
    heap.pop();
  }
  return out;
}

describe('ExpiryHeap', () => {
  it('pops pairs in deadline order', () => {
    const random = rng(7);
    const heap = new ExpiryHeap();
    const whens: number[] = [];
    for (let i = 0; i < 500; i++) {
      const when = Math.floor(random() * 1000);
      whens.push(when);
      heap.push(when, `k${i}`);
    }
    expect(drain(heap).map(([when]) => when)).toEqual(whens.sort((a, b) => a - b));
  });

  it('retain keeps exactly the accepted pairs, still in heap order', () => {
    const random = rng(11);
    const heap = new ExpiryHeap();
    const pairs: Array<[number, string]> = [];
    for (let i = 0; i < 2000; i++) {
      const pair: [number, string] = [Math.floor(random() * 5000), `k${i % 300}`];
      pairs.push(pair);
      heap.push(...pair);
    }
    const keep = (when: number, key: string) => (when + key.length) % 3 !== 0;
    heap.retain(keep);
    const expected = pairs.filter(([when, key]) => keep(when, key));
    expect(heap.size).toBe(expected.length);
    const drained = drain(heap);
    expect(drained.map(([when]) => when)).toEqual(expected.map(([when]) => when).sort((a, b) => a - b));
    expect(new Set(drained.map(([when, key]) => `${when}:${key}`))).toEqual(new Set(expected.map(([when, key]) => `${when}:${key}`)));
  });

  it('retain of nothing empties the heap, and it keeps working', () => {
    const heap = new ExpiryHeap();
    for (let i = 0; i < 100; i++) heap.push(i, `k${i}`);
    heap.retain(() => false);
    expect(heap.size).toBe(0);
    expect(heap.peekWhen()).toBeUndefined();
    heap.push(5, 'a');
    heap.push(3, 'b');
    expect(drain(heap)).toEqual([[3, 'b'], [5, 'a']]);
  });
});
