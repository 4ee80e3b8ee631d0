import { describe, expect, it } from 'vitest';
import { Deque } from '../../../src/engine/types/deque.js';
import { rng } from '../../support/random.js';

describe('Deque', () => {
  it('push and pop at both ends, index access, growth across the ring boundary', () => {
    const d = new Deque();
    for (let i = 0; i < 5; i++) d.pushBack(`b${i}`);
    for (let i = 0; i < 5; i++) d.pushFront(`f${i}`);
    d.assertValid();
    expect(d.length).toBe(10);
    expect(d.toArray()).toEqual(['f4', 'f3', 'f2', 'f1', 'f0', 'b0', 'b1', 'b2', 'b3', 'b4']);
    expect(d.get(0)).toBe('f4');
    expect(d.get(9)).toBe('b4');
    expect(d.popFront()).toBe('f4');
    expect(d.popBack()).toBe('b4');
    expect(d.slice(1, 3)).toEqual(['f2', 'f1']);
    d.assertValid();
  });

  it('empty: pops return undefined, slices are empty', () => {
    const d = new Deque();
    expect(d.popFront()).toBeUndefined();
    expect(d.popBack()).toBeUndefined();
    expect(d.toArray()).toEqual([]);
    expect(d.slice(3, 1)).toEqual([]);
    d.assertValid();
  });

  it('shrinks when a quarter full, and never below its minimum', () => {
    const d = new Deque();
    for (let i = 0; i < 1000; i++) d.pushBack(String(i));
    expect(d.capacity).toBe(1024);
    while (d.length > 10) d.popFront();
    d.assertValid();
    expect(d.capacity).toBeLessThanOrEqual(64);
    while (d.length > 0) d.popBack();
    d.assertValid();
    expect(d.capacity).toBe(8);
  });

  it('keeps its invariants and matches an array model under random operations', () => {
    for (const seed of [1, 2, 3, 4, 5, 6, 7, 8]) {
      const r = rng(seed);
      const d = new Deque();
      const model: string[] = [];
      for (let step = 0; step < 4000; step++) {
        const op = Math.floor(r() * 12);
        // Some elements hold bytes ≥ 0x80: the structure counts them (assertValid checks).
        const value = step % 5 === 0 ? `\xe9${step}` : `v${step}`;
        const at = (extra: number) => Math.floor(r() * (model.length + extra));
        switch (op) {
          case 0: case 1: d.pushBack(value); model.push(value); break;
          case 2: case 3: d.pushFront(value); model.unshift(value); break;
          case 4: expect(d.popFront()).toBe(model.shift()); break;
          case 5: expect(d.popBack()).toBe(model.pop()); break;
          case 6: { const i = at(1); d.insert(i, value); model.splice(i, 0, value); break; }
          case 7: if (model.length > 0) { const i = at(0); expect(d.removeWhere((_, j) => j === i)).toBe(1); model.splice(i, 1); } break;
          case 8: if (model.length > 0) { const i = at(0); d.set(i, value); model[i] = value; } break;
          case 9: {
            const start = at(0);
            const end = start + Math.floor(r() * (model.length - start + 1));
            d.keepRange(start, end);
            model.splice(0, model.length, ...model.slice(start, end));
            break;
          }
          case 10: {
            const mod = 2 + Math.floor(r() * 3);
            const removed = d.removeWhere((v) => Number(v.slice(1)) % mod === 0);
            const kept = model.filter((v) => Number(v.slice(1)) % mod !== 0);
            expect(removed).toBe(model.length - kept.length);
            model.splice(0, model.length, ...kept);
            break;
          }
          default: if (r() < 0.01) { d.clear(); model.length = 0; }
        }
        if (step % 97 === 0 || model.length < 20) {
          d.assertValid();
          expect(d.length).toBe(model.length);
        }
        if (step % 211 === 0) expect(d.toArray()).toEqual(model);
      }
      d.assertValid();
      expect(d.toArray()).toEqual(model);
      for (let i = 0; i < model.length; i++) expect(d.get(i)).toBe(model[i]);
    }
  });

  it('from() builds a deque holding the values in order', () => {
    const d = Deque.from(['a', 'b', 'c']);
    d.assertValid();
    d.pushFront('z');
    expect(d.toArray()).toEqual(['z', 'a', 'b', 'c']);
  });
});
