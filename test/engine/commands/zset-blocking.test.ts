import { describe, expect, it } from 'vitest';
import { createEngine, ReplyError } from '../../../src/index.js';

/** An engine on a fake clock with a few connections and the effect log. */
function setup() {
  let now = 1_700_000_000_000;
  const engine = createEngine({ clock: () => now, activeExpire: false });
  const effects: string[][] = [];
  engine.onEffects((batch) => effects.push(...batch));
  const [a, b, c] = [engine.connect(), engine.connect(), engine.connect()];
  return {
    engine,
    a,
    b,
    c,
    effects,
    advance: (ms: number) => {
      now += ms;
      engine.blocking.checkTimeouts();
    },
  };
}

/** Let pending promise callbacks run. */
const tick = () => new Promise((resolve) => setTimeout(resolve, 0));

describe('BZPOPMIN, BZPOPMAX, BZMPOP', () => {
  it('BZPOPMIN and BZPOPMAX with a single existing sorted set: served at once', async () => {
    const { a, effects } = setup();
    await a.call(['ZADD', 'z', '1', 'a', '2', 'b', '3', 'c']);
    effects.length = 0;
    expect(await a.call(['BZPOPMIN', 'z', '5'])).toEqual(['z', 'a', '1']);
    expect(await a.call(['BZPOPMAX', 'nokey', 'z', '5'])).toEqual(['z', 'c', '3']);
    expect(await a.call(['BZMPOP', '0', '1', 'z', 'MIN', 'COUNT', '5'])).toEqual(['z', [['b', '2']]]);
    expect(await a.call(['EXISTS', 'z'])).toBe(0);
    // Logged as the non-blocking pops they were.
    expect(effects).toEqual([['ZPOPMIN', 'z'], ['ZPOPMAX', 'z'], ['ZPOPMIN', 'z', '5']]);
  });

  it('BZPOPMIN unblocks when a member is added, and logs the ZPOPMIN it did', async () => {
    const { a, b, effects } = setup();
    const waiting = a.call(['BZPOPMIN', 'z1', 'z2', '0']);
    await tick();
    effects.length = 0;
    await b.call(['ZADD', 'z2', '5', 'x']);
    expect(await waiting).toEqual(['z2', 'x', '5']);
    expect(effects).toEqual([['ZADD', 'z2', '5', 'x'], ['ZPOPMIN', 'z2']]);
    expect(await b.call(['EXISTS', 'z2'])).toBe(0);
  });

  it('several clients blocked on the same key are served first blocked, first served', async () => {
    const { a, b, c } = setup();
    const first = a.call(['BZPOPMAX', 'z', '0']);
    const second = b.call(['BZMPOP', '0', '1', 'z', 'MAX', 'COUNT', '2']);
    await tick();
    await c.call(['ZADD', 'z', '1', 'a', '2', 'b', '3', 'c', '4', 'd']);
    expect(await first).toEqual(['z', 'd', '4']);
    expect(await second).toEqual(['z', [['c', '3'], ['b', '2']]]);
    expect(await c.call(['ZRANGE', 'z', '0', '-1'])).toEqual(['a']);
  });

  it('timeouts: nil after the deadline, fractional seconds', async () => {
    const { a, b, advance } = setup();
    const waiting = a.call(['BZPOPMIN', 'z', '0.5']);
    const nested = b.call(['BZMPOP', '1', '1', 'z', 'MIN']);
    await tick();
    advance(400);
    await tick();
    let settled = false;
    void waiting.then(() => (settled = true));
    await tick();
    expect(settled).toBe(false);
    advance(200);
    expect(await waiting).toBeNull();
    advance(1000);
    expect(await nested).toBeNull();
  });

  it('inside MULTI a blocking pop behaves as its non-blocking form; a push in MULTI wakes waiters after EXEC', async () => {
    const { a, b } = setup();
    await a.call(['MULTI']);
    await a.call(['BZPOPMIN', 'z', '0']);
    expect(await a.call(['EXEC'])).toEqual([null]);
    const waiting = b.call(['BZPOPMIN', 'z', '0']);
    await tick();
    await a.call(['MULTI']);
    await a.call(['ZADD', 'z', '1', 'a']);
    await a.call(['ZADD', 'z', '2', 'b']);
    expect(await a.call(['EXEC'])).toEqual([1, 1]);
    expect(await waiting).toEqual(['z', 'a', '1']);
  });

  it('errors: WRONGTYPE in key order, bad timeouts, ZMPOP-style argument errors first', async () => {
    const { a } = setup();
    await a.call(['SET', 'str', 'v']);
    await a.call(['ZADD', 'z', '1', 'a']);
    const err = async (argv: string[]) => {
      try {
        await a.call(argv);
      } catch (e) {
        return (e as ReplyError).message;
      }
      return 'no error';
    };
    expect(await err(['BZPOPMIN', 'str', 'z', '0'])).toMatch(/^WRONGTYPE/);
    expect(await a.call(['BZPOPMIN', 'z', 'str', '0'])).toEqual(['z', 'a', '1']);
    expect(await err(['BZPOPMIN', 'z', 'x'])).toBe('ERR timeout is not a float or out of range');
    expect(await err(['BZPOPMIN', 'z', '-1'])).toBe('ERR timeout is negative');
    expect(await err(['BZMPOP', 'x', '0', 'z', 'MIN'])).toBe('ERR numkeys should be greater than 0');
    expect(await err(['BZMPOP', '-1', '1', 'z', 'FOO'])).toBe('ERR syntax error');
  });
});
