import { describe, expect, it } from 'vitest';
import { SkipList } from '../../../src/engine/types/skiplist.js';
import { SortedSet } from '../../../src/engine/types/zset.js';
import { pick, rng, type Rand } from '../../support/random.js';

/** The reference order: by score, ties by member bytes. */
const byScoreThenMember = (a: [string, number], b: [string, number]) =>
  a[1] - b[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0);

function reference(model: Map<string, number>): [string, number][] {
  return [...model.entries()].sort(byScoreThenMember);
}

function contents(set: SortedSet): [string, number][] {
  const out: [string, number][] = [];
  for (let x = set.list.first(); x !== null; x = x.next[0]!) out.push([x.member, x.score]);
  return out;
}

const SCORES = [0, 1, 1, 2, -1, 0.5, Infinity, -Infinity, 1 + Number.EPSILON, 1 - Number.EPSILON / 2, 1e300, -1e-300];

function randomScore(r: Rand): number {
  return r() < 0.5 ? pick(r, SCORES) : Math.floor(r() * 20) - 10;
}

describe('SkipList and SortedSet invariants under random operations', () => {
  for (const seed of [1, 2, 3, 4]) {
    it(`spans, order, ties by member bytes, ranks (seed ${seed})`, () => {
      const r = rng(seed);
      const set = new SortedSet();
      const model = new Map<string, number>();
      for (let step = 0; step < 3000; step++) {
        const member = `m${Math.floor(r() * 300)}${r() < 0.1 ? '\xff' : ''}`;
        const op = r();
        if (op < 0.45) {
          const score = randomScore(r);
          const node = set.dict.get(member);
          if (node === undefined) set.insert(member, score);
          else set.update(node, score);
          model.set(member, score);
        } else if (op < 0.7) {
          expect(set.delete(member)).toBe(model.delete(member));
        } else if (op < 0.8 && set.size > 0) {
          // A removed rank range.
          const start = Math.floor(r() * set.size);
          const end = Math.min(set.size, start + Math.floor(r() * 5));
          const expected = reference(model).slice(start, end);
          const removed: [string, number][] = [];
          set.removeRange(start, end, (node) => removed.push([node.member, node.score]));
          expect(removed).toEqual(expected);
          for (const [m] of removed) model.delete(m);
        } else if (set.size > 0) {
          const sorted = reference(model);
          const i = Math.floor(r() * sorted.length);
          const [m, score] = sorted[i]!;
          expect(set.rank(m, false)).toBe(i);
          expect(set.rank(m, true)).toBe(sorted.length - 1 - i);
          expect(set.at(i).member).toBe(m);
          // Bounds: how many precede a score, exclusive and inclusive.
          expect(set.list.countBelowScore(score, false)).toBe(sorted.filter(([, s]) => s < score).length);
          expect(set.list.countBelowScore(score, true)).toBe(sorted.filter(([, s]) => s <= score).length);
        }
        if (step % 100 === 0) set.list.verify();
      }
      set.list.verify();
      expect(contents(set)).toEqual(reference(model));
      expect(set.size).toBe(model.size);
      expect(set.list.length).toBe(model.size);
    });
  }

  it('lex counts on equal scores follow memcmp order', () => {
    const list = new SkipList();
    const members = ['', 'a', 'ab', 'b', '\x7f', '\xc3\xa9', 'z'];
    for (const m of [...members].reverse()) list.insert(0, m);
    list.verify();
    expect(list.countBelowLex(0, 'ab', false)).toBe(2);
    expect(list.countBelowLex(0, 'ab', true)).toBe(3);
    expect(list.countBelowLex(-1, '', false)).toBe(0);
    expect(list.countBelowLex(1, '', false)).toBe(members.length);
    expect(list.countBelowLex(0, '\xc3', false)).toBe(6);
  });

  it('updateScore keeps the node and moves it only when its neighbours no longer bracket it', () => {
    const set = new SortedSet();
    for (let i = 0; i < 50; i++) set.insert(`m${i}`, i);
    const node = set.dict.get('m10')!;
    set.update(node, 10.5);
    expect(set.dict.get('m10')).toBe(node);
    expect(set.rank('m10', false)).toBe(10);
    set.update(node, 100);
    expect(set.rank('m10', false)).toBe(49);
    expect(set.dict.get('m10')).toBe(node);
    set.list.verify();
  });

  it('the scan index follows inserts and deletes once built', () => {
    const set = new SortedSet();
    for (let i = 0; i < 20; i++) set.insert(`m${i}`, i);
    const index = set.ensureIndex();
    set.insert('late', 1);
    set.delete('m3');
    set.removeRange(0, 2);
    expect([...index.members].sort()).toEqual([...set.dict.keys()].sort());
  });
});
