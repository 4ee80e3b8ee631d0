/**
 * Server commands (TIME, INFO, CONFIG …, DBSIZE, FLUSHDB, FLUSHALL) and COMMAND
 * introspection, shaped like node-redis v4.
 */
import type { Reply } from '../replies.js';
import {
  asArray,
  asNumber,
  asRecord,
  asString,
  asStringArray,
  command,
  type RedisArgument,
} from './define.js';

/** TIME as node-redis returns it: a Date carrying the microseconds Redis sent. */
export type TimeReply = Date & { microseconds: number };

export type FlushMode = 'ASYNC' | 'SYNC';

/** One COMMAND / COMMAND INFO entry. */
export interface CommandReply {
  name: string;
  arity: number;
  flags: Set<string>;
  firstKeyIndex: number;
  lastKeyIndex: number;
  step: number;
  /** ACL categories ('@read', '@fast', …). */
  categories: Set<string>;
}

export interface CommandListOptions {
  FILTERBY?: { type: 'MODULE' | 'ACLCAT' | 'PATTERN'; value: string };
}

export interface CommandKeyAndFlags {
  key: string;
  flags: string[];
}

function asCommandReply(reply: Reply): CommandReply {
  const [name, arity, flags, first, last, step, categories] = asArray(reply);
  return {
    name: asString(name),
    arity: asNumber(arity),
    flags: new Set(asStringArray(flags)),
    firstKeyIndex: asNumber(first),
    lastKeyIndex: asNumber(last),
    step: asNumber(step),
    categories: new Set(asStringArray(categories)),
  };
}

function asTime(reply: Reply): TimeReply {
  const [seconds, micros] = asStringArray(reply);
  const microseconds = Number(micros);
  const date = new Date(Number(seconds) * 1000 + Math.floor(microseconds / 1000));
  return Object.assign(date, { microseconds });
}

function configSetArgs(
  ...args: [parameter: RedisArgument, value: RedisArgument] | [parameters: Record<string, RedisArgument>]
): RedisArgument[] {
  const argv: RedisArgument[] = ['CONFIG', 'SET'];
  if (args.length === 2) argv.push(args[0], args[1]);
  else for (const name of Object.keys(args[0])) argv.push(name, args[0][name]!);
  return argv;
}

function flushArgs(name: string, mode: FlushMode | undefined): RedisArgument[] {
  return mode === undefined ? [name] : [name, mode];
}

export const SERVER_COMMANDS = {
  time: command(() => ['TIME'], asTime),
  info: command((section?: string) => (section === undefined ? ['INFO'] : ['INFO', section]), asString),
  configGet: command((parameter: string) => ['CONFIG', 'GET', parameter], asRecord),
  /** `configSet(name, value)` or `configSet({ name: value, … })`. */
  configSet: command(configSetArgs, asString),
  configResetStat: command(() => ['CONFIG', 'RESETSTAT'], asString),
  configRewrite: command(() => ['CONFIG', 'REWRITE'], asString),
  dbSize: command(() => ['DBSIZE'], asNumber),
  flushDb: command((mode?: FlushMode) => flushArgs('FLUSHDB', mode), asString),
  flushAll: command((mode?: FlushMode) => flushArgs('FLUSHALL', mode), asString),

  command: command(() => ['COMMAND'], (reply) => asArray(reply).map(asCommandReply)),
  commandCount: command(() => ['COMMAND', 'COUNT'], asNumber),
  /** One entry per name, null for an unknown command. */
  commandInfo: command(
    (commands: string[]) => ['COMMAND', 'INFO', ...commands],
    (reply) => asArray(reply).map((entry) => (entry === null ? null : asCommandReply(entry))),
  ),
  commandList: command((options?: CommandListOptions) => {
    const filter = options?.FILTERBY;
    return filter === undefined ? ['COMMAND', 'LIST'] : ['COMMAND', 'LIST', 'FILTERBY', filter.type, filter.value];
  }, asStringArray),
  commandGetKeys: command((args: RedisArgument[]) => ['COMMAND', 'GETKEYS', ...args], asStringArray),
  commandGetKeysAndFlags: command(
    (args: RedisArgument[]) => ['COMMAND', 'GETKEYSANDFLAGS', ...args],
    (reply): CommandKeyAndFlags[] =>
      asArray(reply).map((entry) => {
        const [key, flags] = asArray(entry);
        return { key: asString(key), flags: asStringArray(flags) };
      }),
  ),
};
