/**
 * Keyspace notification classes (redis: NOTIFY_* in server.h) and the
 * `notify-keyspace-events` flag string codec (keyspaceEventsStringToFlags).
 */
export const Notify = {
  keyspace: 1 << 0, // K
  keyevent: 1 << 1, // E
  generic: 1 << 2, // g
  string: 1 << 3, // $
  list: 1 << 4, // l
  set: 1 << 5, // s
  hash: 1 << 6, // h
  zset: 1 << 7, // z
  expired: 1 << 8, // x
  evicted: 1 << 9, // e
  stream: 1 << 10, // t
  keyMiss: 1 << 11, // m
  module: 1 << 12, // d
  newKey: 1 << 13, // n
} as const;

const ALL = Notify.generic | Notify.string | Notify.list | Notify.set | Notify.hash | Notify.zset |
  Notify.expired | Notify.evicted | Notify.stream | Notify.module;

const LETTERS: ReadonlyArray<readonly [string, number]> = [
  ['g', Notify.generic], ['$', Notify.string], ['l', Notify.list], ['s', Notify.set],
  ['h', Notify.hash], ['z', Notify.zset], ['x', Notify.expired], ['e', Notify.evicted],
  ['K', Notify.keyspace], ['E', Notify.keyevent], ['t', Notify.stream], ['m', Notify.keyMiss],
  ['d', Notify.module], ['n', Notify.newKey],
];

/** Parse a flag string; null when it holds an unknown letter. */
export function parseNotifyFlags(s: string): number | null {
  let flags = 0;
  for (const ch of s) {
    if (ch === 'A') {
      flags |= ALL;
      continue;
    }
    const found = LETTERS.find(([letter]) => letter === ch);
    if (!found) return null;
    flags |= found[1];
  }
  return flags;
}

/** Render flags the way CONFIG GET shows them (redis: keyspaceEventsFlagsToString). */
export function formatNotifyFlags(flags: number): string {
  let out = '';
  if ((flags & ALL) === ALL) out += 'A';
  else {
    for (const [letter, bit] of LETTERS.slice(0, 8)) if (flags & bit) out += letter;
    if (flags & Notify.stream) out += 't';
    if (flags & Notify.module) out += 'd';
    // Redis prints 'n' only here, so "An" reads back as "A" (keyspaceEventsFlagsToString).
    if (flags & Notify.newKey) out += 'n';
  }
  if (flags & Notify.keyspace) out += 'K';
  if (flags & Notify.keyevent) out += 'E';
  if (flags & Notify.keyMiss) out += 'm';
  return out;
}
