/**
 * The leader while its store loads: as Redis serves INFO, CONFIG … during loading (the
 * commands flagged `loading`), a batch of only those answers at once, so a page can show
 * the load's progress (INFO persistence: loading:1, loading_loaded_perc); every other
 * batch waits for the load, and a session's transaction (MULTI … EXEC) keeps its order.
 */
import { describe, expect, it } from 'vitest';
import { createEngine } from '../../src/engine/engine.js';
import { memoryStorage, type Storage } from '../../src/persistence/storage.js';
import { Leader, type LeaderHost } from '../../worker/leader.js';

const host: LeaderHost = {
  store: 'loading',
  id: 'tab-a',
  post: () => {},
  localPush: () => {},
  channelStats: () => ({ dropped: 0, served: 0, steppedDown: 0, forwarded: 0, retried: 0, failed: 0 }),
};

/** `inner` and its fenced views (what a leader reads through) with `reads` replaced. */
function withReads(inner: Storage, reads: Partial<Pick<Storage, 'readManifest' | 'readChunks'>>): Storage {
  return { ...inner, ...reads, fenced: (epoch) => withReads(inner.fenced(epoch), reads) };
}

/** A store with a snapshot of keys k0..k99, whose snapshot read waits for `release()`. */
async function heldStore(): Promise<{ storage: Storage; release: () => void }> {
  const inner = memoryStorage();
  const writer = createEngine({ storage: inner });
  for (let i = 0; i < 100; i++) await writer.call(['SET', `k${i}`, `v${i}`]);
  await writer.call(['SAVE']);
  writer.close();
  await writer.persistence!.close();
  let release!: () => void;
  const gate = new Promise<void>((resolve) => (release = resolve));
  return { storage: withReads(inner, { readChunks: (...args) => gate.then(() => inner.readChunks(...args)) }), release };
}

const field = (info: unknown, name: string) => new RegExp(`${name}:(\\S+)`).exec(String(info))?.[1];

describe('a leader whose store is loading', () => {
  it('answers batches of loading commands at once; others wait; a session keeps its transaction in order', async () => {
    const { storage, release } = await heldStore();
    const engine = createEngine({ storage });
    const leader = new Leader(engine, 1, host);
    let [info] = await leader.execute('tab-a', 1, [['INFO', 'persistence']]);
    expect(field(info, 'loading')).toBe('1');
    // The progress fields appear once the manifest is read (the snapshot read then waits).
    for (let i = 0; i < 100 && field(info, 'loading_loaded_perc') === undefined; i++) {
      await new Promise((resolve) => setTimeout(resolve, 1));
      [info] = await leader.execute('tab-a', 1, [['INFO', 'persistence']]);
    }
    expect(field(info, 'loading')).toBe('1');
    expect(field(info, 'loading_loaded_perc')).toBe('0.00');
    expect(await leader.execute('tab-b', 1, [['CONFIG', 'GET', 'appendfsync'], ['LASTSAVE']])).toEqual([['appendfsync', 'always'], expect.any(Number)]);
    const settled: string[] = [];
    const get = leader.execute('tab-a', 1, [['GET', 'k1']]).then((r) => (settled.push('get'), r));
    // Beside its session's waiting GET, INFO still answers (progress); a transaction waits.
    const [beside] = await leader.execute('tab-a', 1, [['INFO', 'persistence']]);
    expect(field(beside, 'loading')).toBe('1');
    const multi = leader.execute('tab-a', 1, [['MULTI']]).then((r) => (settled.push('multi'), r));
    const queued = leader.execute('tab-a', 1, [['INFO', 'persistence']]).then((r) => (settled.push('queued info'), r));
    const exec = leader.execute('tab-a', 1, [['EXEC']]);
    // Another session's INFO does not wait.
    const [other] = await leader.execute('tab-a', 2, [['INFO', 'persistence']]);
    expect(field(other, 'loading')).toBe('1');
    // A batch mixing a loading command with another waits whole.
    const mixed = leader.execute('tab-b', 1, [['INFO', 'persistence'], ['DBSIZE']]);
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(settled).toEqual([]);
    release();
    expect(await get).toEqual(['v1']);
    expect(await multi).toEqual([{ type: 'status', value: 'OK' }]);
    expect(await queued).toEqual([{ type: 'status', value: 'QUEUED' }]);
    expect(settled).toEqual(['get', 'multi', 'queued info']);
    expect(field(((await exec) as string[][])[0]![0], 'loading')).toBe('0');
    const [mixedInfo, size] = await mixed;
    expect([field(mixedInfo, 'loading'), size]).toEqual(['0', 100]);
    leader.close();
    engine.close();
  });

  it('a load that fails: loading commands answer, nothing else runs, every batch gets the error', async () => {
    const inner = memoryStorage();
    const broken = withReads(inner, { readManifest: () => Promise.reject(new Error('disk on fire')) });
    const engine = createEngine({ storage: broken });
    const leader = new Leader(engine, 1, host);
    await expect(leader.execute('tab-a', 1, [['GET', 'k']])).rejects.toThrow(/disk on fire/);
    await expect(leader.execute('tab-a', 1, [['INFO', 'persistence']])).rejects.toThrow(/disk on fire/);
    leader.close();
    engine.close();
  });

  it('a MULTI opened by a loading batch: the commands queued by batches that wait run at EXEC, in order', async () => {
    const { storage, release } = await heldStore();
    const engine = createEngine({ storage });
    const leader = new Leader(engine, 1, host);
    // MULTI is flagged loading: it runs now; INCR waits for the load, and EXEC (loading too) behind it.
    expect(await leader.execute('tab-b', 1, [['MULTI']])).toEqual([{ type: 'status', value: 'OK' }]);
    const incr = leader.execute('tab-b', 1, [['INCR', 'n']]);
    const info = leader.execute('tab-b', 1, [['INFO', 'persistence']]);
    const exec = leader.execute('tab-b', 1, [['EXEC']]);
    release();
    expect(await incr).toEqual([{ type: 'status', value: 'QUEUED' }]);
    expect(await info).toEqual([{ type: 'status', value: 'QUEUED' }]);
    const [replies] = (await exec) as unknown[][];
    expect(replies![0]).toBe(1);
    expect(field(replies![1], 'loading')).toBe('0');
    leader.close();
    engine.close();
  });

  // The batch's rest runs when the blocking command is served, inside another tab's batch
  // or a timer: ROLE still answers as the tab whose connection runs it.
  it('ROLE after a blocking command of a follower batch answers as that follower', async () => {
    const engine = createEngine();
    const leader = new Leader(engine, 1, host);
    const served = leader.execute('tab-b', 1, [['BLPOP', 'q', '0'], ['ROLE']]);
    await new Promise((resolve) => setTimeout(resolve, 5));
    await leader.execute('tab-a', 1, [['LPUSH', 'q', 'x']]);
    expect((await served)[1]).toEqual(['slave', 'tab-a', 0, 'connected', 1]);
    const timedOut = await leader.execute('tab-b', 1, [['BLPOP', 'q', '0.01'], ['ROLE']]);
    expect(timedOut[1]).toEqual(['slave', 'tab-a', 0, 'connected', 1]);
    leader.close();
  });

  it('a session SETs then SUBSCRIBEs while the store loads: SUBSCRIBE waits behind the SET', async () => {
    const { storage, release } = await heldStore();
    const engine = createEngine({ storage });
    const leader = new Leader(engine, 1, host);
    const set = leader.execute('tab-b', 1, [['SET', 'k', 'v']]);
    const subscribe = leader.execute('tab-b', 1, [['SUBSCRIBE', 'ch']]);
    release();
    expect(await set).toEqual([{ type: 'status', value: 'OK' }]);
    expect(await subscribe).toEqual([[['subscribe', 'ch', 1]]]);
    leader.close();
    engine.close();
  });
});

