import { describe, expect, it } from 'vitest';
import { ZTree } from '../../../src/engine/types/ztree.js';
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
  set.forEach((member, score) => void out.push([member, score]));
  return out;
}

const SCORES = [0, 1, 1, 2, -1, 0.5, Infinity, -Infinity, 1 + Number.EPSILON, 1 - Number.EPSILON / 2, 1e300, -1e-300];

function randomScore(r: Rand): number {
  return r() < 0.5 ? pick(r, SCORES) : Math.floor(r() * 20) - 10;
}

describe('ZTree and SortedSet invariants under random operations', () => {
  for (const seed of [1, 2, 3, 4]) {
    it(`counts, greatest keys, order, ties by member bytes, ranks, leaf links (seed ${seed})`, () => {
      const r = rng(seed);
      const set = new SortedSet();
      const model = new Map<string, number>();
      // Members from a pool large enough to split leaves and inner nodes, small enough to collide.
      const pool = seed % 2 === 0 ? 300 : 6000;
      for (let step = 0; step < 12000; step++) {
        const member = `m${Math.floor(r() * pool)}${r() < 0.1 ? '\xff' : ''}`;
        const op = r();
        if (op < 0.45) {
          const score = randomScore(r);
          // The slot API, handed a fresh copy of the member string (as argv is).
          const slot = set.slotOf(`${member}`);
          if (slot < 0) set.insert(member, score);
          else {
            expect(Object.is(set.scoreAt(slot), model.get(member))).toBe(true);
            set.updateAt(slot, score);
          }
          model.set(member, score);
        } else if (op < 0.7) {
          expect(set.delete(member)).toBe(model.delete(member));
        } else if (op < 0.8 && set.size > 0) {
          // A removed rank range.
          const start = Math.floor(r() * set.size);
          const end = Math.min(set.size, start + Math.floor(r() * (r() < 0.1 ? 300 : 5)));
          const expected = reference(model).slice(start, end);
          const removed: [string, number][] = [];
          set.removeRange(start, end, (member, score) => void removed.push([member, score]));
          expect(removed).toEqual(expected);
          for (const [m] of removed) model.delete(m);
        } else if (set.size > 0) {
          const sorted = reference(model);
          const i = Math.floor(r() * sorted.length);
          const [m, score] = sorted[i]!;
          expect(set.rank(m, false)).toBe(i);
          expect(set.rank(m, true)).toBe(sorted.length - 1 - i);
          expect(set.memberAt(i)).toBe(m);
          // Bounds: how many precede a score, exclusive and inclusive.
          expect(set.tree.countBelowScore(score, false)).toBe(sorted.filter(([, s]) => s < score).length);
          const below = set.tree.countBelowScore(score, true);
          expect(below).toBe(sorted.filter(([, s]) => s <= score).length);
          // The walk from that bound, both ways, without a second descent.
          const up: string[] = [];
          set.tree.collectFromBound(false, Infinity, false, 5, up, []);
          expect(up).toEqual(sorted.slice(below, below + 5).map(([member]) => member));
          set.tree.countBelowScore(score, true);
          const down: string[] = [];
          set.tree.collectFromBound(true, -Infinity, false, 5, down, []);
          expect(down).toEqual(sorted.slice(Math.max(0, below - 5), below).map(([member]) => member).reverse());
          // Bounded: stop at the first score past `score` (inclusive) going up from below it.
          const lo = set.tree.countBelowScore(score, false);
          const upTo: string[] = [];
          set.tree.collectFromBound(false, score, false, -1, upTo, []);
          expect(upTo).toEqual(sorted.slice(lo, below).map(([member]) => member));
        }
        if (step % 200 === 0) set.tree.verify();
      }
      set.tree.verify();
      expect(contents(set)).toEqual(reference(model));
      expect(set.size).toBe(model.size);
      expect(set.tree.length).toBe(model.size);
      // Emptying by ranks leaves a usable empty tree.
      set.removeRange(0, set.size);
      set.tree.verify();
      expect(set.size).toBe(0);
      set.insert('again', 1);
      expect(set.rank('again', false)).toBe(0);
    });
  }

  it('a deep tree (inner splits and emptied inner nodes) under random inserts, updates, deletes and range removals', () => {
    const r = rng(99);
    const set = new SortedSet();
    const model = new Map<string, number>();
    for (let step = 0; step < 200_000; step++) {
      const member = `k${Math.floor(r() * 120_000)}`;
      const op = r();
      if (op < 0.6) {
        const score = Math.floor(r() * 1000);
        if (set.slotOf(member) < 0) set.insert(member, score);
        else set.update(member, score);
        model.set(member, score);
      } else if (op < 0.9) {
        expect(set.delete(member)).toBe(model.delete(member));
      } else if (op < 0.901 && set.size > 0) {
        const start = Math.floor(r() * set.size);
        set.removeRange(start, start + Math.floor(r() * 20_000), (m) => void model.delete(m));
      }
      if (step % 25_000 === 0) set.tree.verify();
    }
    set.tree.verify();
    expect(contents(set)).toEqual(reference(model));
    const sorted = reference(model);
    for (let i = 0; i < sorted.length; i += 997) expect(set.rank(sorted[i]![0], false)).toBe(i);
  });

  // Leaf searches start from a guess interpolated between the leaf's score bounds: any
  // spread of scores (even, clustered, exponential, heavy ties, infinities) must give exact
  // ranks and bounds, the guess only deciding how fast.
  for (const [name, draw] of [
    ['even', (r: Rand) => Math.floor(r() * 1e6) / 2],
    ['exponential', (r: Rand) => Math.exp(r() * 600 - 300) * (r() < 0.5 ? -1 : 1)],
    ['clustered', (r: Rand) => (r() < 0.9 ? 5 + Math.floor(r() * 3) : r() * 1e9)],
    ['ties and infinities', (r: Rand) => pick(r, [0, 0, 0, 1, -Infinity, Infinity, 2.5])],
  ] as const) {
    it(`ranks and score bounds from interpolated leaf searches (${name} scores)`, () => {
      const r = rng(name.length);
      const set = new SortedSet();
      const model = new Map<string, number>();
      for (let step = 0; step < 60_000; step++) {
        const member = `p${Math.floor(r() * 40_000)}`;
        const op = r();
        if (op < 0.75) {
          const score = draw(r);
          if (set.slotOf(member) < 0) set.insert(member, score);
          else set.update(member, score);
          model.set(member, score);
        } else expect(set.delete(member)).toBe(model.delete(member));
      }
      set.tree.verify();
      const sorted = reference(model);
      const scores = sorted.map(([, s]) => s);
      /** Entries scoring < score, or ≤ with `inclusive`, in the model. */
      const below = (score: number, inclusive: boolean) => {
        let lo = 0;
        let hi = scores.length;
        while (lo < hi) {
          const mid = (lo + hi) >>> 1;
          if (scores[mid]! < score || (inclusive && scores[mid] === score)) lo = mid + 1;
          else hi = mid;
        }
        return lo;
      };
      for (let i = 0; i < sorted.length; i += 7) expect(set.rank(sorted[i]![0], false)).toBe(i);
      const probes = [-Infinity, Infinity, 0, -0, 1e308, -1e308];
      for (let k = 0; k < 3000; k++) probes.push(r() < 0.5 ? pick(r, scores) : draw(r) + (r() - 0.5));
      for (const score of probes) {
        for (const inclusive of [false, true]) {
          const n = set.tree.countBelowScore(score, inclusive);
          expect(n).toBe(below(score, inclusive));
          // The walk starts where the count says.
          const next: string[] = [];
          set.tree.collectFromBound(false, Infinity, false, 1, next, []);
          expect(next).toEqual(sorted.slice(n, n + 1).map(([m]) => m));
        }
      }
    });
  }

  it('small score changes update in place, leaf maxima included, and keep every invariant', () => {
    const r = rng(5);
    const set = new SortedSet();
    for (let i = 0; i < 5000; i++) set.insert(`p${i}`, i);
    for (let step = 0; step < 20_000; step++) {
      const member = `p${Math.floor(r() * 5000)}`;
      const current = set.score(member)!;
      set.update(member, current + (r() - 0.5) * 3);
      if (step % 5000 === 0) set.tree.verify();
    }
    set.tree.verify();
    const order = contents(set);
    for (let i = 1; i < order.length; i++) expect(byScoreThenMember(order[i - 1]!, order[i]!)).toBeLessThan(0);
  });

  it('lex counts on equal scores follow memcmp order', () => {
    const names: string[] = [];
    const list = new ZTree(names);
    const members = ['', 'a', 'ab', 'b', '\x7f', '\xc3\xa9', 'z'];
    for (const m of [...members].reverse()) list.insert(0, names.push(m) - 1, m);
    list.verify();
    expect(list.countBelowLex(0, 'ab', false)).toBe(2);
    expect(list.countBelowLex(0, 'ab', true)).toBe(3);
    expect(list.countBelowLex(-1, '', false)).toBe(0);
    expect(list.countBelowLex(1, '', false)).toBe(members.length);
    expect(list.countBelowLex(0, '\xc3', false)).toBe(6);
  });

  it('equal scores order by member bytes (short members, NUL and 0xff bytes, shared prefixes, ties across leaves)', () => {
    const members = [
      '', '\x00', '\x00\x00', 'a', 'a\x00', 'a\x00b', 'ab', 'abcdefg', 'abcdefgh', 'abcdefgh\x00', 'abcdefghi', 'abcdefgi',
      'abcdefh', '\x7f', '\x80', '\xff', '\xff\xff\xff\xff\xff\xff\xff\xff', '\xff\xff\xff\xff\xff\xff\xff\xff\x01',
      'member:1', 'member:10', 'member:100000', 'member:2', 'member:99999',
    ];
    const r = rng(7);
    for (let round = 0; round < 20; round++) {
      const set = new SortedSet();
      // Filler at the same score so the tie spans leaves; then the members in a random order.
      for (let i = 0; i < 600; i++) set.insert(`filler:${i}`, 1);
      const order = [...members].sort(() => r() - 0.5);
      for (const m of order) set.insert(m, 1);
      // Moves out of the tie and back into it.
      for (const m of order.slice(0, 5)) {
        set.update(m, 2);
        set.update(m, 1);
      }
      set.tree.verify();
      const got = contents(set).map(([m]) => m);
      const want = [...members, ...Array.from({ length: 600 }, (_, i) => `filler:${i}`)].sort((x, y) => (x < y ? -1 : x > y ? 1 : 0));
      expect(got).toEqual(want);
    }
  });


  it('ties are ordered by member keys past the shared prefix, kept right as the prefix shortens', () => {
    const r = rng(11);
    const set = new SortedSet();
    const model = new Map<string, number>();
    const put = (m: string, score: number): void => {
      if (model.has(m)) set.update(m, score);
      else set.insert(m, score);
      model.set(m, score);
    };
    // Each phase's members share less with the others: the prefix shortens by 1, by 2 and
    // 3 bytes, by 4 or more, to nothing; members shorter than the prefix, chars past 255.
    const phases = [
      (i: number) => `user:session:${i}`,
      (i: number) => `user:session${i % 7}`,
      (i: number) => `user:sess${i % 3}`,
      (i: number) => `user:${i % 13}`,
      (i: number) => ['user:', 'user', 'use', ''][i % 4]!,
      (i: number) => `u\u0100${i % 5}`,
      (i: number) => `\xff\xff\xff\xff\xff${i}`,
      (i: number) => `a${i}`,
    ];
    for (const phase of phases) {
      for (let i = 0; i < 3000; i++) {
        // Few scores, so most members tie with others; some earlier members move.
        put(phase(Math.floor(r() * 2000)), Math.floor(r() * 4));
        if (model.size > 0 && r() < 0.3) put(pick(r, [...model.keys()].slice(0, 50)), Math.floor(r() * 4));
      }
      set.tree.verify();
      expect(contents(set)).toEqual(reference(model));
    }
    // Emptied, the next member sets a new prefix.
    set.removeRange(0, set.size);
    model.clear();
    for (let i = 0; i < 1000; i++) put(`item:${Math.floor(r() * 500)}`, Math.floor(r() * 3));
    set.tree.verify();
    expect(contents(set)).toEqual(reference(model));
  });
  it('update moves a member to its new rank', () => {
    const set = new SortedSet();
    for (let i = 0; i < 500; i++) set.insert(`m${i}`, i);
    set.update('m10', 10.5);
    expect(set.rank('m10', false)).toBe(10);
    set.update('m10', 1000);
    expect(set.rank('m10', false)).toBe(499);
    expect(set.score('m10')).toBe(1000);
    set.tree.verify();
  });

  it('200k ascending inserts keep the tree shallow and ranks exact', () => {
    const names: string[] = [];
    const tree = new ZTree(names);
    for (let i = 0; i < 200_000; i++) tree.insert(i, names.push(`m${i}`) - 1, `m${i}`);
    tree.verify();
    expect(tree.rankOf(123_456, 123_456, 'm123456')).toBe(123_456);
    expect(tree.memberAt(199_999)).toBe('m199999');
    expect(tree.countBelowScore(1000, true)).toBe(1001);
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
