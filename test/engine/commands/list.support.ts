/** The list family's random command generator and blocking helper, shared by its differential suites. */
import { expect } from 'vitest';
import type { Connection } from '../../../src/engine/connection.js';
import type { Engine } from '../../../src/engine/engine.js';
import { comparable, engineReply, expectSameReplies, type RedisOracle } from '../../support/redis-server.js';
import { RespClient } from '../../support/resp.js';
import { pick, type Rand } from '../../support/random.js';

export const KEYS = ['l1', 'l2', '__proto__', 'str'];
const ELEMENTS = ['a', 'b', 'c', '', '1', 'é', 'x'.repeat(70)];
const INDEXES = ['0', '1', '2', '-1', '-2', '-3', '5', '-100', '100', 'x', '1.5', '9223372036854775807', '-9223372036854775808', '9223372036854775808', ''];
const COUNTS = ['0', '1', '2', '3', '10', '-1', 'x', '9223372036854775807', '-9223372036854775808'];
const ENDS = ['LEFT', 'RIGHT', 'left', 'Right', 'middle'];
const TIMEOUTS = ['0', '0.01', '1', '-1', 'x', 'inf', 'nan', '1e300', '-0.0001'];

const n = (r: Rand, max: number) => 1 + Math.floor(r() * max);

/** One random command of the list family (plus a few others to vary types), valid or not. */
export function randomCommand(r: Rand): string[] {
  const key = pick(r, KEYS);
  const el = () => pick(r, ELEMENTS);
  const els = (max: number) => Array.from({ length: n(r, max) }, el);
  switch (Math.floor(r() * 30)) {
    case 0: case 1: case 2: return [pick(r, ['LPUSH', 'RPUSH']), key, ...els(4)];
    case 3: return [pick(r, ['LPUSHX', 'RPUSHX']), key, ...els(2)];
    case 4: case 5: return [pick(r, ['LPOP', 'RPOP']), key];
    case 6: return [pick(r, ['LPOP', 'RPOP']), key, pick(r, COUNTS)];
    case 7: return ['LLEN', key];
    case 8: case 9: return ['LRANGE', key, pick(r, INDEXES), pick(r, INDEXES)];
    case 10: return ['LINDEX', key, pick(r, INDEXES)];
    case 11: return ['LSET', key, pick(r, INDEXES), el()];
    case 12: return ['LINSERT', key, pick(r, ['BEFORE', 'AFTER', 'after', 'x']), el(), el()];
    case 13: return ['LREM', key, pick(r, ['0', '1', '2', '-1', '-2', 'x']), el()];
    case 14: return ['LTRIM', key, pick(r, INDEXES), pick(r, INDEXES)];
    case 15: {
      const options = Array.from({ length: Math.floor(r() * 3) }, () => [pick(r, ['RANK', 'COUNT', 'MAXLEN', 'rank', 'BAD']), pick(r, ['1', '2', '-1', '-2', '0', 'x', '3'])]).flat();
      if (r() < 0.1) options.pop();
      return ['LPOS', key, el(), ...options];
    }
    case 16: return ['LMOVE', key, pick(r, KEYS), pick(r, ENDS), pick(r, ENDS)];
    case 17: return ['RPOPLPUSH', key, pick(r, KEYS)];
    case 18: {
      const keys = Array.from({ length: n(r, 2) }, () => pick(r, KEYS));
      const count = pick(r, [[], ['COUNT', pick(r, COUNTS)], ['COUNT'], ['COUNT', '1', 'COUNT', '2']]);
      return ['LMPOP', pick(r, [String(keys.length), String(keys.length), '0', 'x', '9']), ...keys, pick(r, ENDS), ...count];
    }
    // Blocking forms with data at hand, or timing out at once inside MULTI: non-blocking.
    case 19: return [pick(r, ['BLPOP', 'BRPOP']), key, pick(r, KEYS), pick(r, TIMEOUTS)];
    case 20: return ['BLMOVE', key, pick(r, KEYS), pick(r, ENDS), pick(r, ENDS), pick(r, TIMEOUTS)];
    case 21: return ['BLMPOP', pick(r, TIMEOUTS), '2', key, pick(r, KEYS), pick(r, ENDS), ...pick(r, [[], ['COUNT', '2']])];
    case 22: return ['OBJECT', 'ENCODING', key];
    case 23: return [pick(r, ['TYPE', 'EXISTS', 'DEL']), key];
    case 24: return ['SET', 'str', 'v'];
    case 25: return ['COPY', key, pick(r, KEYS), ...pick(r, [[], ['REPLACE']])];
    case 26: return ['RPUSH', key, ...Array.from({ length: 150 }, (_, i) => `e${i % 7}`)];
    case 27: return ['LRANGE', key, '0', '-1'];
    default:
      return pick(r, [['LPUSH', 'l1'], ['LPOP'], ['LPOP', 'l1', '1', '2'], ['LRANGE', 'l1', '0'], ['LSET', 'l1', '0'], ['LINSERT', 'l1', 'BEFORE', 'a'], ['LPOS', 'l1'], ['LMOVE', 'l1', 'l2', 'LEFT'], ['LMPOP', '1'], ['BLPOP', 'l1'], ['BLMPOP', '0', '1'], ['RPOPLPUSH', 'l1']]);
  }
}

/** Blocking forms that would wait must not reach the oracle outside MULTI: wrap them in one. */
export function runnable(argv: string[]): string[][] {
  return argv[0]!.startsWith('B') ? [['MULTI'], argv, ['EXEC']] : [argv];
}

/** Each side's main connection, and one more that blocks. */
export interface BlockingSides {
  conn: Connection;
  redis: RedisOracle;
  ourWaiter: Connection;
  theirWaiter: RespClient;
}

/**
 * `block` on both waiters, then `push` on both main connections: every reply the same,
 * the blocked one included (served, or timed out on each side's real clock).
 */
export async function expectSameServed(sides: BlockingSides, block: readonly string[], push: readonly (readonly string[])[]): Promise<void> {
  const ourReply = engineReply(sides.ourWaiter, block);
  const theirReply = sides.theirWaiter.call(block);
  // Redis must see the block before the push: a round trip on the blocked side's peer.
  await sides.redis.client.call(['PING']);
  await expectSameReplies(sides.conn, sides.redis.client, push);
  expect(comparable(await ourReply), block.join(' ')).toEqual(comparable(await theirReply));
}

/**
 * `blocks` each on a connection of its own, blocked in this order on both sides, then
 * `push` on the main connections: every blocked reply the same (first blocked, first served).
 */
export async function expectSameServedInOrder(
  sides: { conn: Connection; redis: RedisOracle; engine: Engine },
  blocks: readonly (readonly string[])[],
  push: readonly (readonly string[])[],
): Promise<void> {
  const theirs = await Promise.all(blocks.map(() => RespClient.connect(sides.redis.port)));
  try {
    const ourReplies: Promise<unknown>[] = [];
    const theirReplies: Promise<unknown>[] = [];
    for (let i = 0; i < blocks.length; i++) {
      ourReplies.push(engineReply(sides.engine.connect(), blocks[i]!));
      theirReplies.push(theirs[i]!.call(blocks[i]!));
      // Block in this order on the Redis side too.
      await sides.redis.client.call(['PING']);
    }
    await expectSameReplies(sides.conn, sides.redis.client, push);
    for (let i = 0; i < blocks.length; i++) {
      expect(comparable((await ourReplies[i]) as never), blocks[i]!.join(' ')).toEqual(comparable((await theirReplies[i]) as never));
    }
  } finally {
    for (const client of theirs) client.close();
  }
}
