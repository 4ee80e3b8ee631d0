/**
 * Every typed command, merged from the family files. `COMMANDS` builds the methods of both
 * the client and `multi()`; `CLIENT_COMMANDS` adds the ones that only make sense outside
 * a transaction.
 */
import type { CommandDefinition } from './define.js';
import { STRING_COMMANDS } from './strings.js';
import { KEY_COMMANDS } from './keys.js';
import { EXPIRY_COMMANDS } from './expiry.js';
import { SERVER_COMMANDS } from './server.js';
import { CONNECTION_COMMANDS, WATCH_COMMANDS } from './connection.js';
import { HASH_COMMANDS } from './hashes.js';
import { SET_COMMANDS } from './sets.js';
import { PUBSUB_COMMANDS } from './pubsub.js';
import { ZSET_COMMANDS } from './zsets.js';
import { LIST_COMMANDS } from './lists.js';

export const COMMANDS = {
  ...STRING_COMMANDS,
  ...KEY_COMMANDS,
  ...EXPIRY_COMMANDS,
  ...SERVER_COMMANDS,
  ...CONNECTION_COMMANDS,
  ...HASH_COMMANDS,
  ...SET_COMMANDS,
  ...PUBSUB_COMMANDS,
  ...ZSET_COMMANDS,
  ...LIST_COMMANDS,
};

export const CLIENT_COMMANDS = { ...COMMANDS, ...WATCH_COMMANDS };

/** The family tables, for checks that no method name is defined twice. */
export const FAMILIES = [STRING_COMMANDS, KEY_COMMANDS, EXPIRY_COMMANDS, SERVER_COMMANDS, CONNECTION_COMMANDS, WATCH_COMMANDS, HASH_COMMANDS, SET_COMMANDS, PUBSUB_COMMANDS, ZSET_COMMANDS, LIST_COMMANDS];

export type Commands = typeof COMMANDS;
export type ClientCommands = typeof CLIENT_COMMANDS;

export type ArgsOf<D> = D extends CommandDefinition<infer A, unknown> ? A : never;
export type ResultOf<D> = D extends CommandDefinition<never, infer R> ? R : never;

/** `name(...args) → Promise<result>` for each definition. */
export type CommandMethods<C> = { [K in keyof C]: (...args: ArgsOf<C[K]>) => Promise<ResultOf<C[K]>> };
