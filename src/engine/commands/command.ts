/**
 * COMMAND and its subcommands: introspection of the command table (redis: server.c
 * commandCommand & co.). Every reply is derived from the specs, so COMMAND INFO, DOCS,
 * LIST and GETKEYS cannot drift from what dispatch does.
 */
import {
  ACL_CATEGORIES,
  keyPositions,
  NO_KEYS,
  type AclCategory,
  type CommandFlag,
  type CommandGroup,
  type CommandSpec,
  type KeySpec,
} from '../command.js';
import type { CommandTable } from '../command-table.js';
import { Errors, fail } from '../errors.js';
import { globMatch } from '../glob.js';
import { isToken } from '../parse.js';
import type { RawReply } from '../reply.js';

/** Flags in the order COMMAND INFO prints them; may_replicate is hidden as in Redis. */
const FLAG_ORDER: readonly (CommandFlag | 'movablekeys')[] = [
  'write', 'readonly', 'denyoom', 'admin', 'pubsub', 'noscript', 'blocking', 'loading', 'stale',
  'skip_monitor', 'skip_slowlog', 'fast', 'no_auth', 'no_mandatory_keys', 'no_async_loading', 'no_multi', 'movablekeys',
  'allow_busy',
];

/** The ACL category a group implies when a spec names none (redis: acl_categories). */
const GROUP_CATEGORY: Record<CommandGroup, AclCategory | null> = {
  generic: 'keyspace',
  string: 'string',
  list: 'list',
  set: 'set',
  sorted_set: 'sortedset',
  hash: 'hash',
  pubsub: 'pubsub',
  transactions: 'transaction',
  connection: 'connection',
  server: null,
};

/** Flags as COMMAND INFO shows them: Redis's order, plus movablekeys for moving keys. */
export function commandFlags(spec: CommandSpec): string[] {
  const out: string[] = [];
  for (const flag of FLAG_ORDER) {
    if (flag === 'movablekeys' ? spec.getKeys !== undefined : spec.flags.includes(flag)) out.push(flag);
  }
  return out;
}

/** ACL categories, explicit plus implied by flags (redis: setImplicitACLCategories). */
export function aclCategories(spec: CommandSpec): AclCategory[] {
  const set = new Set<AclCategory>();
  if (spec.acl) for (const category of spec.acl) set.add(category);
  else if (!spec.subcommands) {
    const implied = GROUP_CATEGORY[spec.group];
    if (implied) set.add(implied);
  }
  const flags = spec.flags;
  if (flags.includes('write')) set.add('write');
  if (flags.includes('readonly') && !set.has('scripting')) set.add('read');
  if (flags.includes('admin')) {
    set.add('admin');
    set.add('dangerous');
  }
  if (flags.includes('pubsub')) set.add('pubsub');
  if (flags.includes('fast')) set.add('fast');
  if (flags.includes('blocking')) set.add('blocking');
  if (!set.has('fast')) set.add('slow');
  return ACL_CATEGORIES.filter((category) => set.has(category));
}

/** The spec's key specs: explicit, or one derived from the legacy range. */
export function keySpecs(spec: CommandSpec): readonly KeySpec[] {
  if (spec.keySpecs) return spec.keySpecs;
  const { first, last, step } = spec.keys;
  if (first === 0) return [];
  const flags = spec.flags.includes('write')
    ? ['RW', 'update']
    : spec.flags.includes('readonly') ? ['RO', 'access'] : ['RO'];
  return [{ flags, begin: { index: first }, find: { lastKey: last < 0 ? last : last - first, keyStep: step, limit: 0 } }];
}

function keySpecReply(ks: KeySpec): RawReply {
  const begin: RawReply =
    ks.begin === 'unknown'
      ? ['type', 'unknown', 'spec', []]
      : 'index' in ks.begin
        ? ['type', 'index', 'spec', ['index', ks.begin.index]]
        : ['type', 'keyword', 'spec', ['keyword', ks.begin.keyword, 'startfrom', ks.begin.startFrom]];
  const find: RawReply =
    ks.find === 'unknown'
      ? ['type', 'unknown', 'spec', []]
      : 'lastKey' in ks.find
        ? ['type', 'range', 'spec', ['lastkey', ks.find.lastKey, 'keystep', ks.find.keyStep, 'limit', ks.find.limit]]
        : ['type', 'keynum', 'spec', ['keynumidx', ks.find.keyNumIdx, 'firstkey', ks.find.firstKey, 'keystep', ks.find.keyStep]];
  const out: RawReply[] = [];
  if (ks.notes !== undefined) out.push('notes', ks.notes);
  out.push('flags', [...ks.flags], 'begin_search', begin, 'find_keys', find);
  return out;
}

/** One COMMAND INFO entry (redis: addReplyCommandInfo). */
export function commandInfo(spec: CommandSpec): RawReply[] {
  const keys = spec.subcommands ? NO_KEYS : spec.keys;
  return [
    spec.name,
    spec.arity,
    commandFlags(spec),
    keys.first,
    keys.last,
    keys.step,
    aclCategories(spec).map((category) => `@${category}`),
    [...(spec.tips ?? [])],
    keySpecs(spec).map(keySpecReply),
    (spec.subcommands ?? []).map(commandInfo),
  ];
}

/** One COMMAND DOCS entry as a RESP2 flat map (redis: addReplyCommandDocs). */
export function commandDocs(spec: CommandSpec): RawReply[] {
  const out: RawReply[] = ['summary', spec.summary, 'since', spec.since, 'group', spec.group.replace('_', '-')];
  if (spec.complexity !== undefined) out.push('complexity', spec.complexity);
  if (spec.subcommands) {
    const subs: RawReply[] = [];
    for (const sub of spec.subcommands) subs.push(sub.name, commandDocs(sub));
    out.push('subcommands', subs);
  }
  return out;
}

/** Every command and subcommand, each container followed by its subcommands. */
function everyCommand(table: CommandTable): CommandSpec[] {
  const out: CommandSpec[] = [];
  for (const spec of table.all()) {
    out.push(spec);
    if (spec.subcommands) out.push(...spec.subcommands);
  }
  return out;
}

/**
 * The spec a full command line runs, as Redis's lookupCommand finds it: a container
 * followed by a subcommand name resolves to the subcommand; `a|b` spellings do not resolve.
 */
function lookupFullCommand(table: CommandTable, argv: readonly string[]): CommandSpec | undefined {
  const name = argv[0]!;
  if (name.includes('|')) return undefined;
  const spec = table.lookup(name);
  if (spec?.subcommands === undefined || argv.length < 2) return spec;
  const sub = argv[1]!;
  return sub.includes('|') ? undefined : table.lookup(`${name}|${sub}`);
}

/** Keys to report: a key spec not flagged not_key (shard channels are not keys; redis: doesCommandHaveKeys). */
function hasKeys(spec: CommandSpec): boolean {
  return spec.getKeys !== undefined || keySpecs(spec).some((ks) => !ks.flags.includes('not_key'));
}

/** Validate a COMMAND GETKEYS line and return its spec and key positions. */
function getKeysOrThrow(table: CommandTable, argv: string[]): { spec: CommandSpec; positions: number[] } {
  const line = argv.slice(2);
  const spec = lookupFullCommand(table, line);
  if (spec === undefined) fail('ERR Invalid command specified');
  if (!hasKeys(spec)) fail('ERR The command has no key arguments');
  if ((spec.arity > 0 && spec.arity !== line.length) || line.length < -spec.arity) {
    fail('ERR Invalid number of arguments specified for command');
  }
  const positions = keyPositions(spec, line);
  if (positions.length === 0 && !spec.flags.includes('no_mandatory_keys')) {
    fail('ERR Invalid arguments specified for command');
  }
  return { spec, positions };
}

/**
 * Access flags of the key at `pos`: from the key spec whose index+range covers it, or
 * the first spec when the keys move (redis: getKeysFromCommandWithSpecs).
 */
function keyFlagsAt(spec: CommandSpec, argc: number, pos: number): readonly string[] {
  const specs = keySpecs(spec);
  for (const ks of specs) {
    if (ks.begin === 'unknown' || !('index' in ks.begin) || ks.find === 'unknown' || !('lastKey' in ks.find)) continue;
    const first = ks.begin.index;
    const last = ks.find.lastKey >= 0 ? first + ks.find.lastKey : argc + ks.find.lastKey;
    if (pos >= first && pos <= last && (pos - first) % ks.find.keyStep === 0) return ks.flags;
  }
  return specs[0]?.flags ?? [];
}

/** COMMAND LIST FILTERBY: does `spec` pass? */
function passesFilter(spec: CommandSpec, type: string, arg: string): boolean {
  if (type === 'MODULE') return false;
  if (type === 'ACLCAT') return (aclCategories(spec) as string[]).includes(arg.toLowerCase());
  return globMatch(arg, spec.name, true);
}

const COMMAND_HELP = [
  'COMMAND <subcommand> [<arg> [value] [opt] ...]. Subcommands are:',
  '(no subcommand)',
  '    Return details about all Redis commands.',
  'COUNT',
  '    Return the total number of commands in this Redis server.',
  'LIST',
  '    Return a list of all commands in this Redis server.',
  'INFO [<command-name> ...]',
  '    Return details about multiple Redis commands.',
  '    If no command names are given, documentation details for all',
  '    commands are returned.',
  'DOCS [<command-name> ...]',
  '    Return documentation details about multiple Redis commands.',
  '    If no command names are given, documentation details for all',
  '    commands are returned.',
  'GETKEYS <full-command>',
  '    Return the keys from a full Redis command.',
  'GETKEYSANDFLAGS <full-command>',
  '    Return the keys and the access flags from a full Redis command.',
  'HELP',
  '    Prints this help.',
];

const sub = (spec: Omit<CommandSpec, 'group' | 'keys'>): CommandSpec => ({
  ...spec,
  group: 'server',
  keys: NO_KEYS,
  acl: ['connection'],
});

export const introspectionCommands: readonly CommandSpec[] = [
  {
    name: 'command',
    arity: -1,
    flags: ['loading', 'stale'],
    keys: NO_KEYS,
    group: 'server',
    summary: 'Get array of Redis command details',
    since: '2.8.13',
    complexity: 'O(N) where N is the total number of Redis commands',
    tips: ['nondeterministic_output_order'],
    acl: ['connection'],
    handler: (ctx) => ctx.engine.commands.all().map(commandInfo),
    subcommands: [
      sub({
        name: 'command|count',
        arity: 2,
        flags: ['loading', 'stale'],
        summary: 'Get total number of Redis commands',
        since: '2.8.13',
        complexity: 'O(1)',
        handler: (ctx) => ctx.engine.commands.size,
      }),
      sub({
        name: 'command|info',
        arity: -2,
        flags: ['loading', 'stale'],
        summary: 'Get array of specific Redis command details, or all when no argument is given.',
        since: '2.8.13',
        complexity: 'O(N) where N is the number of commands to look up',
        tips: ['nondeterministic_output_order'],
        handler: (ctx, argv) => {
          const table = ctx.engine.commands;
          if (argv.length === 2) return table.all().map(commandInfo);
          return argv.slice(2).map((name) => {
            const spec = table.lookup(name);
            return spec ? commandInfo(spec) : null;
          });
        },
      }),
      sub({
        name: 'command|docs',
        arity: -2,
        flags: ['loading', 'stale'],
        summary: 'Get array of specific Redis command documentation',
        since: '7.0.0',
        complexity: 'O(N) where N is the number of commands to look up',
        tips: ['nondeterministic_output_order'],
        handler: (ctx, argv) => {
          const table = ctx.engine.commands;
          const specs = argv.length === 2 ? table.all() : argv.slice(2).map((name) => table.lookup(name));
          const out: RawReply[] = [];
          for (const spec of specs) if (spec) out.push(spec.name, commandDocs(spec));
          return out;
        },
      }),
      sub({
        name: 'command|list',
        arity: -2,
        flags: ['loading', 'stale'],
        summary: 'Get an array of Redis command names',
        since: '7.0.0',
        complexity: 'O(N) where N is the total number of Redis commands',
        tips: ['nondeterministic_output_order'],
        handler: (ctx, argv) => {
          let filter: { type: string; arg: string } | null = null;
          for (let i = 2; i < argv.length; i += 3) {
            const type = argv[i + 1]?.toUpperCase();
            if (!isToken(argv[i]!, 'FILTERBY') || argv.length - 1 - i !== 2 || !type) fail(Errors.syntax);
            if (type !== 'MODULE' && type !== 'ACLCAT' && type !== 'PATTERN') fail(Errors.syntax);
            filter = { type, arg: argv[i + 2]! };
          }
          const names: string[] = [];
          for (const spec of everyCommand(ctx.engine.commands)) {
            if (filter === null || passesFilter(spec, filter.type, filter.arg)) names.push(spec.name);
          }
          return names;
        },
      }),
      sub({
        name: 'command|getkeys',
        arity: -4,
        flags: ['loading', 'stale'],
        summary: 'Extract keys given a full Redis command',
        since: '2.8.13',
        complexity: 'O(N) where N is the number of arguments to the command',
        handler: (ctx, argv) => {
          const { positions } = getKeysOrThrow(ctx.engine.commands, argv);
          return positions.map((pos) => argv[pos + 2]!);
        },
      }),
      sub({
        name: 'command|getkeysandflags',
        arity: -4,
        flags: ['loading', 'stale'],
        summary: 'Extract keys and access flags given a full Redis command',
        since: '7.0.0',
        complexity: 'O(N) where N is the number of arguments to the command',
        handler: (ctx, argv) => {
          const { spec, positions } = getKeysOrThrow(ctx.engine.commands, argv);
          const argc = argv.length - 2;
          const line = argv.slice(2);
          return positions.map((pos) => [argv[pos + 2]!, [...(spec.keyFlags?.(line, pos) ?? keyFlagsAt(spec, argc, pos))]]);
        },
      }),
      sub({
        name: 'command|help',
        arity: 2,
        flags: ['loading', 'stale'],
        summary: 'Show helpful text about the different subcommands',
        since: '5.0.0',
        complexity: 'O(1)',
        handler: () => [...COMMAND_HELP],
      }),
    ],
  },
];
