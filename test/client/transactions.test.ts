import { expect, it } from 'vitest';
import { ReplyError, WatchError } from '../../src/index.js';
import { describeBackends } from './support.js';

describeBackends('multi() and WATCH', (h) => {
  it('MULTI / EXEC with typed results', async () => {
    const { client } = h();
    const results = await client.multi().set('a', '1').setNX('a', '2').incr('a').get('a').exists(['a', 'b']).exec();
    expect(results).toEqual(['OK', false, 2, '2', 1]);
    expect(h().sent.slice(-7)).toEqual([
      ['MULTI'], ['SET', 'a', '1'], ['SETNX', 'a', '2'], ['INCR', 'a'], ['GET', 'a'], ['EXISTS', 'a', 'b'], ['EXEC'],
    ]);
  });

  it('the transaction travels in one batch with what else was issued in that tick', async () => {
    const { client } = h();
    const before = h().batches;
    const [first, results, last] = await Promise.all([
      client.set('x', 'before'),
      client.multi().get('x').set('x', 'inside').exec(),
      client.get('x'),
    ]);
    expect(first).toBe('OK');
    expect(results).toEqual(['before', 'OK']);
    expect(last).toBe('inside');
    expect(h().batches - before).toBe(1);
  });

  it('a command failing inside EXEC is a ReplyError in its place', async () => {
    const { client } = h();
    await client.set('s', 'text');
    const [incr, get] = await client.multi().incr('s').get('s').exec();
    expect(incr).toBeInstanceOf(ReplyError);
    expect((incr as ReplyError).message).toBe('ERR value is not an integer or out of range');
    expect(get).toBe('text');
  });

  it('EXECABORT rejects, with the queueing error as cause', async () => {
    const { client } = h();
    const error = await client
      .multi()
      .set('k', 'v')
      .addCommand(['GET'])
      .exec()
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ReplyError);
    expect((error as ReplyError).message).toBe('EXECABORT Transaction discarded because of previous errors.');
    expect((error as ReplyError).cause).toBeInstanceOf(ReplyError);
    expect(((error as ReplyError).cause as ReplyError).message).toBe("ERR wrong number of arguments for 'get' command");
    expect(await client.exists('k')).toBe(0);
  });

  it('a WATCHed key changed by this client aborts EXEC with WatchError', async () => {
    const { client } = h();
    expect(await client.watch('w')).toBe('OK');
    expect(h().lastSent()).toEqual(['WATCH', 'w']);
    await client.set('w', 'changed');
    await expect(client.multi().set('w', 'mine').exec()).rejects.toBeInstanceOf(WatchError);
    expect(await client.get('w')).toBe('changed');
    // EXEC unwatched everything: the next transaction runs.
    expect(await client.multi().set('w', 'mine').exec()).toEqual(['OK']);
  });

  it('UNWATCH forgets WATCHed keys', async () => {
    const { client } = h();
    await client.watch(['w', 'v']);
    expect(h().lastSent()).toEqual(['WATCH', 'w', 'v']);
    expect(await client.unwatch()).toBe('OK');
    await client.set('w', 'changed');
    expect(await client.multi().get('w').exec()).toEqual(['changed']);
  });

  it('an empty transaction answers []', async () => {
    const { client } = h();
    expect(await client.multi().exec()).toEqual([]);
  });

  it('discard() drops queued commands without sending them', async () => {
    const { client } = h();
    const multi = client.multi().set('k', 'v');
    expect(multi.length).toBe(1);
    multi.discard();
    expect(multi.length).toBe(0);
    expect(await multi.exec()).toEqual([]);
    expect(await client.exists('k')).toBe(0);
  });

  it('methods called on the builder without chaining queue too', async () => {
    const { client } = h();
    const multi = client.multi();
    multi.set('k', 'v');
    multi.get('k');
    expect(await multi.exec()).toEqual(['OK', 'v']);
  });

  it('execAsPipeline runs without MULTI, errors in place', async () => {
    const { client } = h();
    await client.set('s', 'text');
    const results = await client.multi().incr('n').incr('s').setNX('n', '5').execAsPipeline();
    expect(results[0]).toBe(1);
    expect(results[1]).toBeInstanceOf(ReplyError);
    expect(results[2]).toBe(false);
    expect(h().sent.slice(-3)).toEqual([['INCR', 'n'], ['INCR', 's'], ['SETNX', 'n', '5']]);
  });

  it('a MULTI left open by sendCommand fails exec() with the nesting error', async () => {
    const { client } = h();
    await client.sendCommand(['MULTI']);
    await expect(client.multi().ping().exec()).rejects.toThrow('ERR MULTI calls can not be nested');
    // Our EXEC closed the MULTI opened by hand.
    expect(await client.ping()).toBe('PONG');
  });
});
