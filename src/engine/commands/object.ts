/**
 * OBJECT ENCODING | FREQ | IDLETIME | REFCOUNT | HELP (redis: object.c objectCommand).
 *
 * There are no shared objects or encodings here, so both are derived the way Redis would
 * have made them: each type's encoding rule is in its row of type-ops.ts.
 */
import type { CommandSpec } from '../command.js';
import type { CommandContext } from '../context.js';
import { Errors, fail } from '../errors.js';
import type { Entry } from '../keyspace.js';
import { lfuDecay, lfuInit } from '../lfu.js';
import { Status, type RawReply } from '../reply.js';
import { typeOps } from '../type-ops.js';

/** Redis shares the integers 0..9999 as one object (redis: OBJ_SHARED_INTEGERS). */
const SHARED_INTEGERS = 10000;
/** The refcount Redis reports for a shared object (redis: OBJ_SHARED_REFCOUNT). */
const SHARED_REFCOUNT = 2147483647;

/** OBJECT ENCODING's answer for an entry. */
export function encodingOf(entry: Entry): string {
  return typeOps(entry).encoding(entry);
}

/**
 * OBJECT REFCOUNT: the shared small integers report INT_MAX, everything else is owned
 * by its key. Redis stops sharing integers when maxmemory is set under an LRU or LFU
 * policy (each key then needs its own access clock).
 */
function refcountOf(ctx: CommandContext, entry: Entry): number {
  if (entry.type !== 'string' || encodingOf(entry) !== 'int') return 1;
  const value = Number(entry.value);
  if (value < 0 || value >= SHARED_INTEGERS) return 1;
  const policy = ctx.engine.config.get('maxmemory-policy');
  const perKeyClock = policy.endsWith('-lru') || policy.endsWith('-lfu');
  return perKeyClock && ctx.engine.config.get('maxmemory') !== '0' ? 1 : SHARED_REFCOUNT;
}

const OBJECT_HELP = [
  'OBJECT <subcommand> [<arg> [value] [opt] ...]. Subcommands are:',
  'ENCODING <key>',
  '    Return the kind of internal representation used in order to store the value',
  '    associated with a <key>.',
  'FREQ <key>',
  '    Return the access frequency index of the <key>. The returned integer is',
  '    proportional to the logarithm of the recent access frequency of the key.',
  'IDLETIME <key>',
  '    Return the idle time of the <key>, that is the approximated number of',
  '    seconds elapsed since the last access to the key.',
  'REFCOUNT <key>',
  '    Return the number of references of the value associated with the specified',
  '    <key>.',
  'HELP',
  '    Prints this help.',
];

function isLfuPolicy(ctx: CommandContext): boolean {
  return ctx.db.lfu !== null;
}

/** A key subcommand: look the key up without touching it; a missing key answers nil. */
function keySub(name: string, summary: string, since: string, reply: (ctx: CommandContext, entry: Entry) => RawReply): CommandSpec {
  return {
    name: `object|${name}`,
    arity: 3,
    flags: ['readonly'],
    keys: { first: 2, last: 2, step: 1 },
    keySpecs: [{ flags: ['RO'], begin: { index: 2 }, find: { lastKey: 0, keyStep: 1, limit: 0 } }],
    tips: ['nondeterministic_output'],
    group: 'generic',
    summary,
    since,
    complexity: 'O(1)',
    handler: (ctx, argv) => {
      const entry = ctx.lookupReadNoTouch(argv[2]!, false);
      return entry === undefined ? null : reply(ctx, entry);
    },
  };
}

export const objectCommand: CommandSpec = {
  name: 'object',
  arity: -2,
  flags: [],
  keys: { first: 0, last: 0, step: 0 },
  group: 'generic',
  summary: 'A container for object introspection commands',
  since: '2.2.3',
  complexity: 'Depends on subcommand.',
  subcommands: [
    keySub('freq', 'Get the logarithmic access frequency counter of a Redis object', '4.0.0', (ctx, entry) => {
      if (!isLfuPolicy(ctx)) fail(Errors.lfuNotSelected);
      // Decayed for the time since the last access, without counting this look as one.
      return lfuDecay(entry.lfu ?? lfuInit(entry.access), ctx.now, ctx.db.lfu!.decayTime);
    }),
    keySub('encoding', 'Inspect the internal encoding of a Redis object', '2.2.3', (_ctx, entry) => encodingOf(entry)),
    keySub('idletime', 'Get the time since a Redis object was last accessed', '2.2.3', (ctx, entry) => {
      if (isLfuPolicy(ctx)) fail(Errors.lfuSelected);
      // Redis's LRU clock ticks in whole seconds.
      return Math.max(0, Math.floor(ctx.now / 1000) - Math.floor(entry.access / 1000));
    }),
    {
      name: 'object|help',
      arity: 2,
      flags: ['loading', 'stale'],
      keys: { first: 0, last: 0, step: 0 },
      acl: ['keyspace'],
      group: 'generic',
      summary: 'Show helpful text about the different subcommands',
      since: '6.2.0',
      complexity: 'O(1)',
      handler: () => OBJECT_HELP.map((line) => new Status(line)),
    },
    keySub('refcount', 'Get the number of references to the value of the key', '2.2.3', refcountOf),
  ],
};
