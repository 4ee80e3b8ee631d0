/**
 * Server commands: TIME, INFO, CONFIG …, DBSIZE, FLUSHDB, FLUSHALL (redis: server.c,
 * config.c, db.c). INFO's sections are built in info.ts.
 */
import { NO_KEYS, type CommandSpec } from '../command.js';
import type { CommandContext } from '../context.js';
import { parseConfigValue, type ConfigDef } from '../config.js';
import { Errors, fail } from '../errors.js';
import { globMatch } from '../glob.js';
import { isToken } from '../parse.js';
import { OK, type RawReply } from '../reply.js';
import { infoText, resetInfoStats, selectSections } from './info.js';

const CONFIG_HELP = [
  'CONFIG <subcommand> [<arg> [value] [opt] ...]. Subcommands are:',
  'GET <pattern>',
  '    Return parameters matching the glob-like <pattern> and their values.',
  'SET <directive> <value>',
  '    Set the configuration <directive> to <value>.',
  'RESETSTAT',
  '    Reset statistics reported by the INFO command.',
  'REWRITE',
  '    Rewrite the configuration file.',
  'HELP',
  '    Prints this help.',
];

const CONFIG_FLAGS = ['admin', 'noscript', 'loading', 'stale'] as const;

/**
 * CONFIG GET: names without glob characters are looked up directly and echoed as
 * spelled; patterns match every name and alias, case-insensitively. Each name is
 * reported once (redis: configGetCommand).
 */
function configGet(ctx: CommandContext, argv: string[]): RawReply {
  const config = ctx.engine.config;
  const matches = new Map<string, [string, ConfigDef]>();
  for (const pattern of argv.slice(2)) {
    if (!/[[*?]/.test(pattern)) {
      const key = pattern.toLowerCase();
      const def = config.definition(pattern);
      if (!matches.has(key) && def) matches.set(key, [pattern, def]);
      continue;
    }
    for (const [name, def] of config.entries()) {
      if (!matches.has(name) && globMatch(pattern, name, true)) matches.set(name, [name, def]);
    }
  }
  const out: string[] = [];
  for (const [name, def] of matches.values()) out.push(name, config.display(def));
  return out;
}

/**
 * CONFIG SET name value [name value ...], all or nothing: every name is checked (unknown,
 * immutable, repeated), then every value is parsed, and only then is anything stored
 * (redis: configSetCommand).
 */
function configSet(ctx: CommandContext, argv: string[]): RawReply {
  if (argv.length % 2 !== 0) fail(Errors.syntax);
  const config = ctx.engine.config;
  const defs: ConfigDef[] = [];
  const seen = new Set<string>();
  let unknownName: string | null = null;
  let problem: { name: string; error: string } | null = null;
  for (let i = 2; i < argv.length; i += 2) {
    const name = argv[i]!;
    const def = config.definition(name);
    if (def === undefined) {
      if (unknownName === null && problem === null) unknownName = name;
      continue;
    }
    if (unknownName !== null || problem !== null) continue;
    if (def.immutable) problem = { name, error: "can't set immutable config" };
    // An alias is its own entry in Redis 7.0: only the same spelling counts as repeated.
    else if (seen.has(name.toLowerCase())) problem = { name, error: 'duplicate parameter' };
    seen.add(name.toLowerCase());
    defs.push(def);
  }
  if (unknownName !== null) fail(`ERR Unknown option or number of arguments for CONFIG SET - '${unknownName}'`);
  if (problem !== null) fail(Errors.configSetFailed(problem.name, problem.error));
  const stored: string[] = [];
  for (let i = 0; i < defs.length; i++) {
    const parsed = parseConfigValue(defs[i]!.type, argv[3 + 2 * i]!);
    if (!parsed.ok) fail(Errors.configSetFailed(argv[2 + 2 * i]!.toLowerCase(), parsed.error));
    stored.push(parsed.stored);
  }
  for (let i = 0; i < defs.length; i++) config.store(defs[i]!, stored[i]!);
  return OK;
}

/** Reset what INFO stats reports (redis: resetServerStats); the dirty count stays. */
function resetStats(ctx: CommandContext): RawReply {
  const stats = ctx.engine.stats;
  stats.commandsProcessed = 0;
  stats.connectionsReceived = 0;
  stats.expiredKeys = 0;
  stats.keyspaceHits = 0;
  stats.keyspaceMisses = 0;
  resetInfoStats(ctx.engine);
  return OK;
}

/** FLUSHALL / FLUSHDB [ASYNC|SYNC]: both empty database 0, the only one. */
function flushGeneric(ctx: CommandContext, argv: string[], all: boolean): RawReply {
  if (argv.length > 2 || (argv.length === 2 && !isToken(argv[1]!, 'SYNC') && !isToken(argv[1]!, 'ASYNC'))) {
    fail(Errors.syntax);
  }
  const { engine, db } = ctx;
  const removed = db.size;
  engine.watches.flushed();
  db.clear();
  // FLUSHALL counts one more change (redis: flushAllDataAndResetRDB); both always propagate.
  ctx.dirty += removed + (all ? 1 : 0);
  if (ctx.dirty === 0) ctx.alsoPropagate(...argv);
  return OK;
}

const configSub = (spec: Omit<CommandSpec, 'group' | 'keys' | 'since' | 'flags'> & { flags?: CommandSpec['flags']; since?: string }): CommandSpec => ({
  flags: CONFIG_FLAGS,
  since: '2.0.0',
  ...spec,
  group: 'server',
  keys: NO_KEYS,
});

export const serverCommands: readonly CommandSpec[] = [
  {
    name: 'time',
    arity: 1,
    flags: ['loading', 'stale', 'fast'],
    keys: NO_KEYS,
    group: 'server',
    summary: 'Return the current server time',
    since: '2.6.0',
    complexity: 'O(1)',
    tips: ['nondeterministic_output'],
    handler: (ctx) => {
      const now = ctx.engine.clock();
      return [String(Math.floor(now / 1000)), String(Math.floor((now % 1000) * 1000))];
    },
  },
  {
    name: 'info',
    arity: -1,
    flags: ['loading', 'stale'],
    keys: NO_KEYS,
    group: 'server',
    summary: 'Get information and statistics about the server',
    since: '1.0.0',
    complexity: 'O(1)',
    tips: ['nondeterministic_output', 'request_policy:all_shards', 'response_policy:special'],
    acl: ['dangerous'],
    handler: (ctx, argv) => infoText(ctx.engine, selectSections(argv.slice(1)), ctx.now, ctx.conn),
  },
  {
    name: 'config',
    arity: -2,
    flags: [],
    keys: NO_KEYS,
    group: 'server',
    summary: 'A container for server configuration commands',
    since: '2.0.0',
    complexity: 'Depends on subcommand.',
    subcommands: [
      configSub({
        name: 'config|get',
        arity: -3,
        summary: 'Get the values of configuration parameters',
        complexity: 'O(N) when N is the number of configuration parameters provided',
        handler: configGet,
      }),
      configSub({
        name: 'config|set',
        arity: -4,
        summary: 'Set configuration parameters to the given values',
        complexity: 'O(N) when N is the number of configuration parameters provided',
        tips: ['request_policy:all_nodes', 'response_policy:all_succeeded'],
        handler: configSet,
      }),
      configSub({
        name: 'config|resetstat',
        arity: 2,
        summary: 'Reset the stats returned by INFO',
        complexity: 'O(1)',
        handler: resetStats,
      }),
      configSub({
        name: 'config|rewrite',
        arity: 2,
        summary: 'Rewrite the configuration file with the in memory configuration',
        since: '2.8.0',
        complexity: 'O(1)',
        // There is no configuration file here, as for a Redis started without one.
        handler: () => fail('ERR The server is running without a config file'),
      }),
      configSub({
        name: 'config|help',
        arity: 2,
        flags: ['loading', 'stale'],
        summary: 'Show helpful text about the different subcommands',
        since: '5.0.0',
        complexity: 'O(1)',
        handler: () => [...CONFIG_HELP],
      }),
    ],
  },
  {
    name: 'dbsize',
    arity: 1,
    flags: ['readonly', 'fast'],
    keys: NO_KEYS,
    group: 'server',
    summary: 'Return the number of keys in the selected database',
    since: '1.0.0',
    complexity: 'O(1)',
    tips: ['request_policy:all_shards', 'response_policy:agg_sum'],
    acl: ['keyspace'],
    handler: (ctx) => ctx.db.size,
  },
  {
    name: 'flushdb',
    arity: -1,
    flags: ['write'],
    keys: NO_KEYS,
    group: 'server',
    summary: 'Remove all keys from the current database',
    since: '1.0.0',
    complexity: 'O(N) where N is the number of keys in the selected database',
    tips: ['request_policy:all_shards', 'response_policy:all_succeeded'],
    acl: ['keyspace', 'dangerous'],
    handler: (ctx, argv) => flushGeneric(ctx, argv, false),
  },
  {
    name: 'flushall',
    arity: -1,
    flags: ['write'],
    keys: NO_KEYS,
    group: 'server',
    summary: 'Remove all keys from all databases',
    since: '1.0.0',
    complexity: 'O(N) where N is the total number of keys in all databases',
    tips: ['request_policy:all_shards', 'response_policy:all_succeeded'],
    acl: ['keyspace', 'dangerous'],
    handler: (ctx, argv) => flushGeneric(ctx, argv, true),
  },
];
