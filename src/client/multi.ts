/**
 * `client.multi()`: a chainable, typed transaction builder with the client's command
 * methods. Commands queue on the page; `exec()` sends MULTI, the commands and EXEC as one
 * contiguous group of the auto-pipeline, so nothing else runs in between.
 *
 * exec() follows node-redis v4: a nil EXEC (a WATCHed key changed) throws `WatchError`,
 * EXECABORT throws its `ReplyError` (with the first queueing error as `cause`), and a
 * command that failed inside the transaction is a `ReplyError` in its place in the result.
 */
import { ReplyError } from '../engine/errors.js';
import { COMMANDS, type ArgsOf, type Commands, type ResultOf } from './commands/index.js';
import type { RedisArgument } from './commands/define.js';
import { WatchError } from './errors.js';
import { errorOf, toReply, type Reply } from './replies.js';
import type { WireReply } from './protocol.js';

/** One queued command: its argv and how to decode its reply. */
export interface QueuedCommand {
  argv: RedisArgument[];
  decode(reply: Reply): unknown;
}

/** Sends a group of commands as one contiguous run of the pipeline; replies in order. */
export type GroupSender = (commands: RedisArgument[][]) => Promise<WireReply[]>;

/** exec() results: each command's typed reply, or the ReplyError it failed with. */
export type ExecReply<R extends unknown[]> = { [I in keyof R]: R[I] | ReplyError };

export type MultiMethods<R extends unknown[]> = {
  [K in keyof Commands]: (...args: ArgsOf<Commands[K]>) => RedisMulti<[...R, ResultOf<Commands[K]>]>;
};

/** A definition as seen by the generic installer: method syntax keeps parameters bivariant. */
interface LooseDefinition {
  encode(...args: unknown[]): RedisArgument[];
  decode(reply: Reply): unknown;
}

export interface RedisMulti<R extends unknown[] = []> extends MultiMethods<R> {}

export class RedisMulti<R extends unknown[] = []> {
  readonly #queue: QueuedCommand[];
  readonly #send: GroupSender;

  /**
   * Each chained call returns a new builder over the same queue (so its type can record
   * one more result); calling methods on one builder without chaining works too.
   */
  constructor(send: GroupSender, queue: QueuedCommand[] = []) {
    this.#send = send;
    this.#queue = queue;
  }

  static {
    for (const name of Object.keys(COMMANDS) as Array<keyof Commands>) {
      const definition: LooseDefinition = COMMANDS[name];
      Object.defineProperty(RedisMulti.prototype, name, {
        configurable: true,
        writable: true,
        value(this: RedisMulti<unknown[]>, ...args: unknown[]) {
          this.#queue.push({ argv: definition.encode(...args), decode: definition.decode });
          return new RedisMulti(this.#send, this.#queue);
        },
      });
    }
  }

  /** Queue a raw command; its reply is returned as `sendCommand` would. */
  addCommand(argv: RedisArgument[]): RedisMulti<[...R, Reply]> {
    this.#queue.push({ argv: [...argv], decode: (reply) => reply });
    return new RedisMulti(this.#send, this.#queue);
  }

  /** Number of queued commands. */
  get length(): number {
    return this.#queue.length;
  }

  /** Drop the queued commands; nothing was sent. */
  discard(): void {
    this.#queue.length = 0;
  }

  /** Run the queued commands atomically (MULTI … EXEC). */
  async exec(): Promise<ExecReply<R>> {
    const queue = this.#queue.splice(0);
    const replies = await this.#send([['MULTI'], ...queue.map((c) => c.argv), ['EXEC']]);
    const multiError = errorOf(replies[0]!);
    if (multiError !== null) throw multiError;
    const execReply = replies[replies.length - 1]!;
    const execError = errorOf(execReply);
    if (execError !== null) {
      execError.cause = replies.slice(1, -1).map(errorOf).find((e) => e !== null);
      throw execError;
    }
    if (execReply === null) throw new WatchError();
    if (!Array.isArray(execReply)) throw new TypeError('idb-redis: EXEC answered neither an array nor nil');
    // A command refused at queueing time (not QUEUED) has no slot in EXEC's array.
    const results: unknown[] = new Array(queue.length);
    let next = 0;
    for (let i = 0; i < queue.length; i++) {
      const refused = errorOf(replies[i + 1]!);
      results[i] = refused ?? decodeInPlace(queue[i]!, execReply[next++]!);
    }
    return toExecReply<R>(results);
  }

  /** Send the queued commands as a plain pipeline, without MULTI / EXEC. */
  async execAsPipeline(): Promise<ExecReply<R>> {
    const queue = this.#queue.splice(0);
    if (queue.length === 0) return toExecReply<R>([]);
    const replies = await this.#send(queue.map((c) => c.argv));
    return toExecReply<R>(replies.map((reply, i) => decodeInPlace(queue[i]!, reply)));
  }
}

function decodeInPlace(command: QueuedCommand, wire: WireReply): unknown {
  return errorOf(wire) ?? command.decode(toReply(wire));
}

/**
 * The builder's type parameter records what each queued method returns; the runtime array
 * was filled by those same definitions in the same order, which is what this asserts.
 */
function toExecReply<R extends unknown[]>(results: unknown[]): ExecReply<R> {
  return results as ExecReply<R>;
}
