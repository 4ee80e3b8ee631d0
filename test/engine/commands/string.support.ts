/** Shared set-up for the string family's unit tests. */
import { expect } from 'vitest';
import { createEngine, ReplyError } from '../../../src/index.js';
import type { Entry } from '../../../src/engine/keyspace.js';
import type { Reply } from '../../../src/engine/reply.js';

export const T0 = 1_700_000_000_000;

/** An engine on a fake clock, with its effect log and keyspace events collected. */
export function setup() {
  let now = T0;
  const engine = createEngine({ clock: () => now, activeExpire: false });
  const conn = engine.connect();
  const effects: string[][] = [];
  const events: string[] = [];
  engine.onEffects((batch) => effects.push(...batch));
  engine.onKeyspaceEvent((e) => {
    if (e.channel.startsWith('__keyevent')) events.push(`${e.channel.slice('__keyevent@0__:'.length)} ${e.message}`);
  });
  const r = (...argv: string[]): Reply => conn.callSync(argv);
  return {
    engine,
    conn,
    r,
    effects,
    events,
    advance: (ms: number) => {
      now += ms;
    },
    entry: (key: string) => engine.db.peek(key),
    /** A value of another type at `key` (no other family exists in these tests). */
    putList: (key: string) => engine.db.set(key, { type: 'list', value: [], expireAt: 0, access: 0, slot: 0 } as unknown as Entry),
    notifyAll: () => r('CONFIG', 'SET', 'notify-keyspace-events', 'KEAn'),
  };
}

export function errorOf(reply: Reply): string {
  expect(reply).toBeInstanceOf(ReplyError);
  return (reply as ReplyError).message;
}
