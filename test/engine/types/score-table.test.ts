import { describe, expect, it } from 'vitest';
import { ScoreTable } from '../../../src/engine/types/score-table.js';
import { pick, rng } from '../../support/random.js';

/** Every observable of the table against a Map model. */
function expectSame(table: ScoreTable, model: Map<string, number>, probes: readonly string[]): void {
  expect(table.size).toBe(model.size);
  expect([...table.keys()].sort()).toEqual([...model.keys()].sort());
  for (const member of model.keys()) expect(Object.is(table.get(member), model.get(member))).toBe(true);
  for (const member of probes) {
    expect(table.has(member)).toBe(model.has(member));
    expect(table.get(member)).toBe(model.get(member));
  }
}

describe('ScoreTable (sorted-set member → score) against a Map', () => {
  for (const seed of [1, 2, 3]) {
    it(`random sets, updates and deletes through growth and shrinking (seed ${seed})`, () => {
      const r = rng(seed);
      const table = new ScoreTable();
      const model = new Map<string, number>();
      // A small universe makes long probe runs, deletions inside them, and many resizes.
      const universe = Array.from({ length: 300 }, (_, i) => (i % 7 === 0 ? `\xff${i}\x00` : `m${i}`));
      universe.push('', '__proto__', 'constructor');
      for (let step = 0; step < 20_000; step++) {
        const member = pick(r, universe);
        const op = r();
        // Phases that mostly add, then mostly delete, so the table grows and shrinks.
        const deleting = Math.floor(step / 2500) % 2 === 1;
        if (op < (deleting ? 0.7 : 0.2)) {
          expect(table.delete(member)).toBe(model.delete(member));
        } else {
          const score = r() < 0.1 ? -0 : Math.floor(r() * 100) / 4 - 10;
          table.set(member, score);
          model.set(member, score);
        }
        if (step % 997 === 0) expectSame(table, model, universe);
      }
      expectSame(table, model, universe);
      for (const member of [...model.keys()]) {
        expect(table.delete(member)).toBe(true);
        model.delete(member);
      }
      expectSame(table, model, universe);
    });
  }

  it('slots: slotOf finds a member (or a negative number), scoreAt/setScoreAt/memberAt/idAt read and write it in place', () => {
    const table = new ScoreTable();
    for (let i = 0; i < 1000; i++) table.set(`m${i}`, i);
    expect(table.slotOf('absent')).toBeLessThan(0);
    for (let i = 0; i < 1000; i += 7) {
      const slot = table.slotOf(`m${i}`);
      expect(slot).toBeGreaterThanOrEqual(0);
      expect(table.memberAt(slot)).toBe(`m${i}`);
      expect(table.names[table.idAt(slot)]).toBe(`m${i}`);
      expect(table.scoreAt(slot)).toBe(i);
      table.setScoreAt(slot, -0);
      expect(Object.is(table.get(`m${i}`), -0)).toBe(true);
    }
    expect(table.size).toBe(1000);
  });

  it('ids: stable while a member stays, distinct among members, reused once freed, reset when empty', () => {
    const table = new ScoreTable();
    const ids = new Map<string, number>();
    for (let i = 0; i < 500; i++) ids.set(`m${i}`, table.add(`m${i}`, i));
    expect(new Set(ids.values()).size).toBe(500);
    // Deletions move other entries' slots (backward shift, shrinking): ids stay.
    for (let i = 0; i < 500; i += 3) table.delete(`m${i}`);
    for (let i = 1; i < 500; i += 3) expect(table.idAt(table.slotOf(`m${i}`))).toBe(ids.get(`m${i}`));
    const freed = new Set([...ids].filter(([m]) => !table.has(m)).map(([, id]) => id));
    const again = table.add('new', 0);
    expect(freed.has(again)).toBe(true);
    expect(table.names[again]).toBe('new');
    for (const member of [...table.keys()]) table.delete(member);
    expect(table.names.length).toBe(0);
    expect(table.add('first', 1)).toBe(0);
  });

  it('keeps -0, infinities and extreme scores exactly', () => {
    const table = new ScoreTable();
    const scores = [-0, 0, Infinity, -Infinity, Number.MIN_VALUE, Number.MAX_VALUE, 1 + Number.EPSILON];
    scores.forEach((score, i) => table.set(`k${i}`, score));
    scores.forEach((score, i) => expect(Object.is(table.get(`k${i}`), score)).toBe(true));
  });

  it('100k members: every one found after growth, half deleted, the rest intact', () => {
    const table = new ScoreTable();
    const n = 100_000;
    for (let i = 0; i < n; i++) table.set(`member:${i}`, i / 2);
    for (let i = 0; i < n; i += 2) expect(table.delete(`member:${i}`)).toBe(true);
    expect(table.size).toBe(n / 2);
    for (let i = 0; i < n; i++) expect(table.get(`member:${i}`)).toBe(i % 2 === 0 ? undefined : i / 2);
  });
});
