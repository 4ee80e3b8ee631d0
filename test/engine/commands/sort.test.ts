import { describe, expect, it } from 'vitest';
import type { Reply } from '../../../src/engine/reply.js';
import { errorOf, setup } from './string.support.js';

describe('SORT', () => {
  it('SORT of a list, numeric by default, ALPHA, DESC and LIMIT', () => {
    const { r } = setup();
    r('RPUSH', 'l', '3', '10', '2', '1.5');
    expect(r('SORT', 'l')).toEqual(['1.5', '2', '3', '10']);
    expect(r('SORT', 'l', 'ALPHA')).toEqual(['1.5', '10', '2', '3']);
    expect(r('SORT', 'l', 'DESC', 'LIMIT', '1', '2')).toEqual(['3', '2']);
  });

  it('SORT BY and GET with hash fields and #', () => {
    const { r } = setup();
    r('SADD', 'ids', '1', '2', '3');
    r('HSET', 'user:1', 'name', 'ann', 'age', '40');
    r('HSET', 'user:2', 'name', 'bob', 'age', '20');
    r('HSET', 'user:3', 'name', 'cy', 'age', '30');
    expect(r('SORT', 'ids', 'BY', 'user:*->age', 'GET', '#', 'GET', 'user:*->name')).toEqual(['2', 'bob', '3', 'cy', '1', 'ann']);
    expect(r('SORT', 'ids', 'BY', 'user:*->name', 'ALPHA', 'DESC', 'GET', 'user:*->missing')).toEqual([null, null, null]);
  });

  it('SORT with a value strtod cannot read answers the error and stores nothing', () => {
    const { r } = setup();
    r('RPUSH', 'l', '1', 'x');
    expect(errorOf(r('SORT', 'l', 'STORE', 'dst'))).toBe("ERR One or more scores can't be converted into double");
    expect(r('EXISTS', 'dst')).toBe(0);
  });

  it('SORT STORE is logged as itself, publishes sortstore (or del) and replaces the TTL', () => {
    const { r, effects, events, notifyAll } = setup();
    notifyAll();
    r('RPUSH', 'l', '2', '1');
    r('SET', 'dst', 'x', 'EX', '100');
    effects.length = 0;
    events.length = 0;
    expect(r('SORT', 'l', 'STORE', 'dst')).toBe(2);
    expect(r('TTL', 'dst')).toBe(-1);
    expect(r('SORT', 'missing', 'STORE', 'dst')).toBe(0);
    expect(r('SORT', 'missing', 'STORE', 'new')).toBe(0);
    expect(effects).toEqual([['SORT', 'l', 'STORE', 'dst'], ['SORT', 'missing', 'STORE', 'dst']]);
    expect(events).toEqual(['sortstore dst', 'del dst']);
    r('SORT', 'l', 'STORE', 'fresh');
    expect(events.slice(2)).toEqual(['new fresh', 'sortstore fresh']);
  });

  it('SORT STORE wakes a client blocked on the destination', async () => {
    const { engine, r } = setup();
    r('RPUSH', 'l', 'b', 'a');
    const blocked = engine.connect().call(['BLPOP', 'dst', '0']);
    engine.connect().callSync(['SORT', 'l', 'ALPHA', 'STORE', 'dst']);
    expect(await blocked).toEqual(['dst', 'a']);
    expect(r('LRANGE', 'dst', '0', '-1')).toEqual(['b']);
  });

  it('SORT_RO refuses STORE; SORT of a string is WRONGTYPE after the options are read', () => {
    const { r } = setup();
    r('SET', 's', 'x');
    expect(errorOf(r('SORT_RO', 'l', 'STORE', 'dst'))).toBe('ERR syntax error');
    expect(errorOf(r('SORT', 's'))).toMatch(/^WRONGTYPE/);
    expect(errorOf(r('SORT', 's', 'LIMIT', 'x', '1'))).toBe('ERR value is not an integer or out of range');
    const reply: Reply = r('SORT_RO', 'missing');
    expect(reply).toEqual([]);
  });
});
