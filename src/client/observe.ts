/**
 * Reactive reads for UIs: observe a key (or a glob pattern of keys) and hear, from any tab,
 * each change with the key's type and, for strings, its new value.
 *
 * Built on keyspace notifications: `observe` makes sure `notify-keyspace-events` has `K`
 * and `A` (adding them to whatever is set; the setting is the store's, shared by all tabs),
 * subscribes to `__keyspace@0__:<key or pattern>`, and on each event reads TYPE and, for a
 * string, GET in one pipelined batch. Reads follow events in order, so a listener sees
 * changes in the order they happened; with writes in quick succession a read may already
 * show a later value than its event (the listener then sees that value again next event).
 */
import type { RedisClient } from './client.js';

export interface KeyChange {
  key: string;
  /** The keyspace event: `set`, `del`, `expired`, `hset`, `lpush`, … */
  event: string;
  /** TYPE after the change: `string`, `hash`, …, or `none` once the key is gone. */
  type: string;
  /** The new value of a string key; null for other types and for a missing key. */
  value: string | null;
}

export type KeyChangeListener = (change: KeyChange) => unknown;

export type ObserveTarget = { key: string; pattern?: never } | { pattern: string; key?: never };

const PREFIX = '__keyspace@0__:';

/** Add `K` and `A` to the store's notify-keyspace-events (keeps letters already there). */
async function enableKeyspaceEvents(client: RedisClient): Promise<void> {
  const current = (await client.configGet('notify-keyspace-events'))['notify-keyspace-events'] ?? '';
  let wanted = current;
  if (!wanted.includes('K')) wanted += 'K';
  if (!wanted.includes('A')) wanted += 'A';
  if (wanted !== current) await client.configSet('notify-keyspace-events', wanted);
}

/** Start observing; resolves with a function that stops. */
export async function observe(client: RedisClient, target: ObserveTarget, listener: KeyChangeListener): Promise<() => Promise<void>> {
  if (typeof listener !== 'function') throw new TypeError('idb-redis: observe needs a listener function');
  await enableKeyspaceEvents(client);
  const onEvent = (event: string, channel: string): void => {
    const key = channel.slice(PREFIX.length);
    // TYPE and GET leave together (one batch), so they see one state of the key.
    const type = client.type(key);
    const value = client.get(key).catch(() => null);
    void Promise.all([type, value]).then(
      ([type, value]) => listener({ key, event, type, value: type === 'string' ? value : null }),
      () => undefined, // The client closed meanwhile.
    );
  };
  if (target.key !== undefined) {
    const channel = PREFIX + target.key;
    await client.subscribe(channel, onEvent);
    return () => client.unsubscribe(channel, onEvent);
  }
  const pattern = PREFIX + target.pattern;
  await client.pSubscribe(pattern, onEvent);
  return () => client.pUnsubscribe(pattern, onEvent);
}
