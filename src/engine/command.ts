/**
 * Command specs: one declarative object per command, Redis style (redis: commands/*.json).
 * Dispatch, arity errors, MULTI queueing, COMMAND INFO/DOCS/GETKEYS and key extraction
 * all read these.
 */
import type { RawReply } from './reply.js';
import type { CommandContext } from './context.js';

export type CommandFlag =
  | 'write'
  | 'readonly'
  | 'denyoom'
  | 'admin'
  | 'pubsub'
  | 'noscript'
  | 'blocking'
  | 'loading'
  | 'stale'
  | 'skip_monitor'
  | 'skip_slowlog'
  | 'fast'
  | 'no_auth'
  | 'may_replicate'
  | 'no_mandatory_keys'
  | 'no_async_loading'
  | 'no_multi'
  | 'allow_busy';

export type CommandGroup =
  | 'generic'
  | 'string'
  | 'list'
  | 'set'
  | 'sorted_set'
  | 'hash'
  | 'pubsub'
  | 'transactions'
  | 'connection'
  | 'server';

/** ACL categories (redis: ACL_CATEGORY_*), in the order COMMAND INFO lists them. */
export const ACL_CATEGORIES = [
  'keyspace', 'read', 'write', 'set', 'sortedset', 'list', 'hash', 'string', 'bitmap', 'hyperloglog',
  'geo', 'stream', 'pubsub', 'admin', 'fast', 'slow', 'blocking', 'dangerous', 'connection',
  'transaction', 'scripting',
] as const;

export type AclCategory = (typeof ACL_CATEGORIES)[number];

/**
 * A Redis 7 key spec (COMMAND INFO), for commands whose keys the legacy range cannot
 * describe or whose access flags differ from the default (RO access / RW update).
 */
export interface KeySpec {
  notes?: string;
  /** RO/RW/OW/RM plus access/update/insert/delete/…, as in commands/*.json. */
  flags: readonly string[];
  begin: { index: number } | { keyword: string; startFrom: number } | 'unknown';
  find:
    | { lastKey: number; keyStep: number; limit: number }
    | { keyNumIdx: number; firstKey: number; keyStep: number }
    | 'unknown';
}

/** Where a command's keys are: Redis's legacy (first, last, step) triple. */
export interface KeyRange {
  /** Position of the first key (0 = no keys). */
  first: number;
  /** Position of the last key; negative counts from the end (-1 = last argument). */
  last: number;
  step: number;
}

export type Handler = (ctx: CommandContext, argv: string[]) => RawReply;

export interface CommandSpec {
  /** Lowercase name; subcommands are named `container|sub` as in Redis 7. */
  name: string;
  /** Redis's convention: n = exactly n arguments (name included), -n = at least n. */
  arity: number;
  flags: readonly CommandFlag[];
  keys: KeyRange;
  /** For commands whose keys move (numkeys, STORE …): the key positions in argv. */
  getKeys?: (argv: readonly string[]) => number[];
  group: CommandGroup;
  summary: string;
  since: string;
  complexity?: string;
  /** Absent for containers (CONFIG, CLIENT, …), which dispatch to `subcommands`. */
  handler?: Handler;
  subcommands?: readonly CommandSpec[];
  /** Command tips shown by COMMAND INFO (redis: command_tips), e.g. 'nondeterministic_output'. */
  tips?: readonly string[];
  /**
   * ACL categories not implied by flags (redis: acl_categories in commands/*.json).
   * Default: the group's category (generic → keyspace, string → string, …; none for
   * server commands and containers). Flags add write/read/admin+dangerous/pubsub/fast/
   * slow/blocking on top, as Redis's setImplicitACLCategories does.
   */
  acl?: readonly AclCategory[];
  /** Key specs, when the default derived from `keys` and the flags is not Redis's. */
  keySpecs?: readonly KeySpec[];
  /**
   * Access flags of the key at `pos` of this very command line, for key specs marked
   * `variable_flags` (redis: the command's getkeys_proc, e.g. setGetKeys).
   */
  keyFlags?: (argv: readonly string[], pos: number) => readonly string[];
  /**
   * Every argument after the name is a key the handler only looks up (GET, MGET, EXISTS):
   * never stored, logged, or quoted in a reply or an event. While the engine holds only
   * ASCII, such a key that is not ASCII matches nothing, converted to bytes or not, so the
   * connection may pass these arguments as they came (Engine.keysAsGiven).
   */
  lookupOnly?: true;
}

export const NO_KEYS: KeyRange = { first: 0, last: 0, step: 0 };
export const ONE_KEY: KeyRange = { first: 1, last: 1, step: 1 };
export const ALL_KEYS: KeyRange = { first: 1, last: -1, step: 1 };

/** Positions of the keys of `argv` per the spec. */
export function keyPositions(spec: CommandSpec, argv: readonly string[]): number[] {
  if (spec.getKeys) return spec.getKeys(argv);
  const { first, last, step } = spec.keys;
  if (first === 0) return [];
  const end = last < 0 ? argv.length + last : Math.min(last, argv.length - 1);
  const out: number[] = [];
  for (let i = first; i <= end; i += step) out.push(i);
  return out;
}
