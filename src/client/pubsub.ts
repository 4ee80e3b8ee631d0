/**
 * The client's subscriber side, shaped like node-redis v4: `subscribe(channels, listener,
 * bufferMode?)`, `pSubscribe`, `sSubscribe`, their unsubscribes, plus async iterators.
 *
 * Design: a Redis connection in subscribed mode can run nothing but (un)subscribes and PING,
 * so node-redis v4 asks for a dedicated connection (`client.duplicate()`). Here the client
 * opens that second session itself, on first use, over the same host (a second port to the
 * same worker, or a second engine connection in-process): the client's other commands keep
 * running on its main session, and there is nothing to duplicate by hand.
 *
 * - Listeners are kept per subscription (channel, pattern or shard channel, by its bytes).
 *   The first listener of a name sends the SUBSCRIBE; removing the last sends the
 *   UNSUBSCRIBE. Commands go out in call order on one session, so a quick subscribe /
 *   unsubscribe / subscribe ends subscribed.
 * - Messages arrive as pushes (`message`, `pmessage`, `smessage`) and are dispatched to the
 *   name's listeners as `listener(message, channel)`; confirmations are not needed (each
 *   command's reply already says it succeeded).
 * - A listener that throws does not stop delivery to the others; its error is rethrown on
 *   its own task, where the page's error handlers see it.
 */
import { fromByteString, toByteString } from '../engine/bytes.js';
import { ClientClosedError } from './errors.js';
import { PROTOCOL_VERSION, type WireArg, type WireReply } from './protocol.js';
import { errorOf } from './replies.js';
import type { Transport } from './transport.js';

/** node-redis v4's listener: the message (text, or bytes in buffer mode) and its channel. */
export type PubSubListener<BUFFER extends boolean = false> = (
  message: BUFFER extends true ? Uint8Array : string,
  channel: string,
) => unknown;

/** What the iterators yield. `pattern` is set for pattern subscriptions. */
export interface PubSubMessage {
  channel: string;
  message: string;
  pattern?: string;
}

type Space = 'channels' | 'patterns' | 'shardChannels';

const COMMANDS: Record<Space, readonly [string, string]> = {
  channels: ['SUBSCRIBE', 'UNSUBSCRIBE'],
  patterns: ['PSUBSCRIBE', 'PUNSUBSCRIBE'],
  shardChannels: ['SSUBSCRIBE', 'SUNSUBSCRIBE'],
};

interface Registration {
  listener: PubSubListener<boolean>;
  buffers: boolean;
}

export class Subscriber {
  readonly #open: () => Transport;
  #transport: Transport | null = null;
  #closed = false;
  readonly #listeners: Record<Space, Map<string, Registration[]>> = {
    channels: new Map(),
    patterns: new Map(),
    shardChannels: new Map(),
  };

  constructor(open: () => Transport) {
    this.#open = open;
  }

  /** Names with listeners, as the caller spelled them (tests, debugging). */
  subscriptions(space: Space): string[] {
    return [...this.#listeners[space].keys()].map(fromByteString);
  }

  /** Add `listener` to each name; sends one SUBSCRIBE-family command for the new names. */
  async subscribe(space: Space, names: string | string[], listener: PubSubListener<boolean>, buffers: boolean): Promise<void> {
    if (typeof listener !== 'function') throw new TypeError('idb-redis: subscribe needs a listener function');
    const fresh: string[] = [];
    for (const name of toNames(names)) {
      const key = toByteString(name);
      let list = this.#listeners[space].get(key);
      if (list === undefined) {
        this.#listeners[space].set(key, (list = []));
        fresh.push(name);
      }
      list.push({ listener, buffers });
    }
    if (fresh.length === 0) return;
    try {
      await this.#send([COMMANDS[space][0], ...fresh]);
    } catch (error) {
      // Not subscribed after all: forget the names, so a later subscribe sends them again.
      for (const name of fresh) this.#listeners[space].delete(toByteString(name));
      throw error;
    }
  }

  /**
   * Remove `listener` (or every listener) from each name, or from every name when none is
   * given; sends the UNSUBSCRIBE-family command for names left without listeners.
   */
  async unsubscribe(space: Space, names?: string | string[], listener?: PubSubListener<boolean>): Promise<void> {
    const map = this.#listeners[space];
    const keys = names === undefined ? [...map.keys()] : toNames(names).map(toByteString);
    const gone: string[] = [];
    for (const key of keys) {
      const list = map.get(key);
      if (list === undefined) continue;
      const kept = listener === undefined ? [] : list.filter((r) => r.listener !== listener);
      if (kept.length > 0) map.set(key, kept);
      else {
        map.delete(key);
        gone.push(fromByteString(key));
      }
    }
    if (gone.length > 0) await this.#send([COMMANDS[space][1], ...gone]);
  }

  /**
   * An async iterator over the messages of `names`: subscribes now, buffers what arrives
   * between reads, and unsubscribes when the loop ends (`break`, `return`, a throw).
   */
  iterate(space: Space, names: string | string[]): AsyncIterableIterator<PubSubMessage> {
    const buffered: PubSubMessage[] = [];
    const readers: Array<(result: IteratorResult<PubSubMessage>) => void> = [];
    let done = false;
    const pattern = space === 'patterns';
    // One listener object per iterator: unsubscribing it leaves other listeners in place.
    const listeners = new Map<string, PubSubListener<boolean>>();
    for (const name of toNames(names)) {
      listeners.set(name, (message, channel) => {
        const item: PubSubMessage = pattern ? { channel, message: message as string, pattern: name } : { channel, message: message as string };
        const reader = readers.shift();
        if (reader !== undefined) reader({ value: item, done: false });
        else buffered.push(item);
      });
    }
    const subscribed = Promise.all([...listeners].map(([name, listener]) => this.subscribe(space, name, listener, false)));
    const finish = async (): Promise<IteratorResult<PubSubMessage>> => {
      if (!done) {
        done = true;
        for (const reader of readers.splice(0)) reader({ value: undefined, done: true });
        await subscribed.catch(() => undefined);
        await Promise.all([...listeners].map(([name, listener]) => this.unsubscribe(space, name, listener))).catch(() => undefined);
      }
      return { value: undefined, done: true };
    };
    const iterator: AsyncIterableIterator<PubSubMessage> = {
      next: async () => {
        await subscribed;
        const item = buffered.shift();
        if (item !== undefined) return { value: item, done: false };
        if (done || this.#closed) return { value: undefined, done: true };
        return new Promise((resolve) => readers.push(resolve));
      },
      return: finish,
      throw: async (error?: unknown) => {
        await finish();
        throw error;
      },
      [Symbol.asyncIterator]: () => iterator,
    };
    return iterator;
  }

  /** Close the subscriber session (its subscriptions end with it). */
  close(): void {
    this.#closed = true;
    for (const map of Object.values(this.#listeners)) map.clear();
    this.#transport?.close();
    this.#transport = null;
  }

  #session(): Transport {
    if (this.#closed) throw new ClientClosedError();
    if (this.#transport === null) {
      const transport = this.#open();
      if (transport.onPush === undefined) throw new Error('idb-redis: this transport cannot carry subscriptions');
      transport.onPush((push) => this.#dispatch(push));
      this.#transport = transport;
    }
    return this.#transport;
  }

  async #send(argv: WireArg[]): Promise<void> {
    const response = await this.#session().request({ v: PROTOCOL_VERSION, type: 'batch', commands: [argv] });
    if (response.type === 'error') throw new Error(response.message);
    if (response.type !== 'replies') throw new Error(`idb-redis: unexpected ${response.type} response from the host`);
    const error = errorOf(response.replies[0]!);
    if (error !== null) throw error;
  }

  /** One push: a message for the listeners of its channel, pattern or shard channel. */
  #dispatch(push: WireReply): void {
    if (!Array.isArray(push) || typeof push[0] !== 'string') return;
    const kind = push[0];
    let space: Space;
    let name: unknown;
    let channel: unknown;
    let payload: unknown;
    if (kind === 'message' || kind === 'smessage') {
      space = kind === 'message' ? 'channels' : 'shardChannels';
      [, name, payload] = push;
      channel = name;
    } else if (kind === 'pmessage') {
      space = 'patterns';
      [, name, channel, payload] = push;
    } else return; // Confirmations and anything else: nothing to dispatch.
    if (typeof name !== 'string' || typeof channel !== 'string' || typeof payload !== 'string') return;
    const list = this.#listeners[space].get(name);
    if (list === undefined) return;
    const decodedChannel = fromByteString(channel);
    let text: string | undefined;
    let bytes: Uint8Array | undefined;
    for (const { listener, buffers } of list) {
      try {
        if (buffers) listener((bytes ??= bytesOf(payload)) as never, decodedChannel);
        else listener((text ??= fromByteString(payload)) as never, decodedChannel);
      } catch (error) {
        queueMicrotask(() => {
          throw error;
        });
      }
    }
  }
}

/**
 * MONITOR on a session of its own (a monitoring connection cannot be a subscribed one):
 * every command any tab runs, as Redis prints it, to each listener. `stop()` closes it.
 */
export class Monitor {
  readonly #listeners = new Set<(line: string) => unknown>();
  #transport: Transport | null = null;
  #starting: Promise<void> | null = null;

  constructor(private readonly open: () => Transport) {}

  /** Add a listener; the first one opens the session and sends MONITOR. */
  async add(listener: (line: string) => unknown): Promise<void> {
    this.#listeners.add(listener);
    this.#starting ??= this.#start();
    await this.#starting;
  }

  async #start(): Promise<void> {
    const transport = this.open();
    if (transport.onPush === undefined) throw new Error('idb-redis: this transport cannot carry MONITOR');
    transport.onPush((push) => {
      if (typeof push !== 'object' || push === null || Array.isArray(push) || push.type !== 'status') return;
      const line = fromByteString(push.value);
      for (const listener of this.#listeners) {
        try {
          listener(line);
        } catch (error) {
          queueMicrotask(() => {
            throw error;
          });
        }
      }
    });
    this.#transport = transport;
    const response = await transport.request({ v: PROTOCOL_VERSION, type: 'batch', commands: [['MONITOR']] });
    if (response.type !== 'replies') throw new Error(response.type === 'error' ? response.message : 'idb-redis: MONITOR failed');
    const error = errorOf(response.replies[0]!);
    if (error !== null) throw error;
  }

  stop(): void {
    this.#listeners.clear();
    this.#transport?.close();
    this.#transport = null;
    this.#starting = null;
  }
}

function toNames(names: string | string[]): string[] {
  return Array.isArray(names) ? names : [names];
}

function bytesOf(byteString: string): Uint8Array {
  const out = new Uint8Array(byteString.length);
  for (let i = 0; i < byteString.length; i++) out[i] = byteString.charCodeAt(i);
  return out;
}
