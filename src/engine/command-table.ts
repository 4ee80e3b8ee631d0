/**
 * The command table: every family's specs in one registry, and command resolution
 * (lookup → subcommand → arity) with Redis's error texts (redis: processCommand).
 */
import type { CommandSpec, Handler } from './command.js';
import { Errors } from './errors.js';
import { stringCommands } from './commands/string.js';
import { keyCommands } from './commands/keys.js';
import { expireCommands } from './commands/expire.js';
import { serverCommands } from './commands/server.js';
import { connectionCommands } from './commands/connection.js';
import { transactionCommands } from './commands/transactions.js';
import { introspectionCommands } from './commands/command.js';
import { hashCommands } from './commands/hash.js';
import { setCommands } from './commands/set.js';
import { pubsubCommands } from './commands/pubsub.js';
import { replicationCommands } from './commands/replication.js';
import { zsetCommands } from './commands/zset.js';
import { persistenceCommands } from './commands/persistence.js';
import { listCommands } from './commands/list.js';
import { listBlockingCommands } from './commands/list-blocking.js';
import { sortCommands } from './commands/sort.js';

export const ALL_FAMILIES: readonly (readonly CommandSpec[])[] = [
  stringCommands,
  keyCommands,
  expireCommands,
  serverCommands,
  connectionCommands,
  transactionCommands,
  introspectionCommands,
  hashCommands,
  setCommands,
  pubsubCommands,
  replicationCommands,
  zsetCommands,
  persistenceCommands,
  sortCommands,
  listCommands,
  listBlockingCommands,
];

/**
 * What the hot path needs of a top-level command, in one monomorphic shape: specs come
 * from object literals of many shapes, so reading their fields directly is megamorphic.
 */
export class Route {
  readonly name: string;
  readonly arity: number;
  readonly handler: Handler | undefined;
  readonly hasSubcommands: boolean;
  readonly noMulti: boolean;
  readonly transactionControl: boolean;
  readonly lookupOnly: boolean;

  constructor(readonly spec: CommandSpec) {
    this.name = spec.name;
    this.arity = spec.arity;
    this.handler = spec.handler;
    this.hasSubcommands = spec.subcommands !== undefined;
    this.noMulti = spec.flags.includes('no_multi');
    this.transactionControl = TRANSACTION_CONTROL.has(spec.name);
    this.lookupOnly = spec.lookupOnly === true;
  }
}

/** Commands that run at once even inside MULTI (redis: processCommand). */
export const TRANSACTION_CONTROL = new Set(['exec', 'discard', 'multi', 'watch', 'quit', 'reset']);

export class CommandTable {
  private readonly byName = new Map<string, CommandSpec>();
  private readonly subByName = new Map<CommandSpec, Map<string, CommandSpec>>();
  /** Names as callers spell them ('GET', 'Get') → spec: skips toLowerCase on the hot path. */
  private readonly bySpelling = new Map<string, CommandSpec>();
  /** Same, for `route`. */
  private readonly routeBySpelling = new Map<string, Route>();
  private readonly routeByName = new Map<string, Route>();

  constructor(families: readonly (readonly CommandSpec[])[] = ALL_FAMILIES) {
    for (const family of families) {
      for (const spec of family) {
        if (this.byName.has(spec.name)) throw new Error(`duplicate command spec: ${spec.name}`);
        this.byName.set(spec.name, spec);
        this.routeByName.set(spec.name, new Route(spec));
        if (spec.subcommands) {
          const subs = new Map<string, CommandSpec>();
          for (const sub of spec.subcommands) subs.set(sub.name.slice(spec.name.length + 1), sub);
          this.subByName.set(spec, subs);
        }
      }
    }
  }

  /** Every top-level command, in registration order. */
  all(): CommandSpec[] {
    return [...this.byName.values()];
  }

  get size(): number {
    return this.byName.size;
  }

  /** Lookup by name (any case); `container|sub` finds a subcommand. */
  lookup(name: string): CommandSpec | undefined {
    const lower = name.toLowerCase();
    const bar = lower.indexOf('|');
    if (bar === -1) return this.byName.get(lower);
    const container = this.byName.get(lower.slice(0, bar));
    return container ? this.subByName.get(container)?.get(lower.slice(bar + 1)) : undefined;
  }

  /**
   * The spec that runs `argv`, or the error text Redis gives for it (unknown command,
   * unknown subcommand, wrong number of arguments).
   */
  resolve(argv: readonly string[]): CommandSpec | string {
    const name = argv[0] ?? '';
    let spec = this.bySpelling.get(name);
    if (spec === undefined) {
      spec = this.byName.get(name.toLowerCase());
      if (spec === undefined) return unknownCommandError(argv);
      if (this.bySpelling.size < 4096) this.bySpelling.set(name, spec);
    }
    if (spec.subcommands && argv.length >= 2) {
      const sub = this.subByName.get(spec)!.get(argv[1]!.toLowerCase());
      if (sub === undefined) return Errors.unknownSubcommand(truncate(argv[1]!, 128), spec.name);
      spec = sub;
    }
    const arity = spec.arity;
    if ((arity > 0 && argv.length !== arity) || argv.length < -arity) return Errors.wrongArity(spec.name);
    return spec;
  }

  /**
   * `resolve` for the engine's hot path: a top-level command without subcommands comes
   * back as its Route (arity checked); anything else as `resolve` answers it.
   */
  route(argv: readonly string[]): Route | CommandSpec | string {
    const name = argv[0] ?? '';
    let route = this.routeBySpelling.get(name);
    if (route === undefined) {
      route = this.routeByName.get(name.toLowerCase());
      if (route === undefined) return unknownCommandError(argv);
      if (this.routeBySpelling.size < 4096) this.routeBySpelling.set(name, route);
    }
    return this.checked(route, argv);
  }

  /**
   * The Route of a name spelled exactly as a command already ran (`route` caches those
   * spellings), else undefined. Every such spelling is ASCII (no byte ≥ 0x80 lower-cases
   * to ASCII), so a caller that finds one may skip converting argv[0] to a byte string.
   */
  spelled(name: string): Route | undefined {
    return this.routeBySpelling.get(name);
  }

  /** `route` for a Route found by `spelled`: the subcommand and arity checks. */
  checked(route: Route, argv: readonly string[]): Route | CommandSpec | string {
    if (route.hasSubcommands) return this.resolve(argv);
    const arity = route.arity;
    if ((arity > 0 && argv.length !== arity) || argv.length < -arity) return Errors.wrongArity(route.name);
    return route;
  }
}

function truncate(s: string, max: number): string {
  return s.length > max ? s.slice(0, max) : s;
}

/** Redis quotes at most ~128 bytes of arguments, each cut to what room is left. */
function unknownCommandError(argv: readonly string[]): string {
  let args = '';
  for (let j = 1; j < argv.length && args.length < 128; j++) {
    args += `'${truncate(argv[j]!, 128 - args.length)}' `;
  }
  return `ERR unknown command '${truncate(argv[0] ?? '', 128)}', with args beginning with: ${args}`;
}
