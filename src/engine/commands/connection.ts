/**
 * Connection commands: PING, ECHO, CLIENT …, HELLO, SELECT, QUIT, RESET.
 */
import { NO_KEYS, type CommandSpec } from '../command.js';
import { PONG } from '../reply.js';
import { Errors, fail } from '../errors.js';

export const connectionCommands: readonly CommandSpec[] = [
  {
    name: 'ping',
    arity: -1,
    flags: ['fast'],
    keys: NO_KEYS,
    group: 'connection',
    summary: 'Returns the server\'s liveliness response.',
    since: '1.0.0',
    complexity: 'O(1)',
    handler: (_ctx, argv) => {
      if (argv.length > 2) fail(Errors.wrongArity('ping'));
      return argv.length === 2 ? argv[1]! : PONG;
    },
  },
  {
    name: 'echo',
    arity: 2,
    flags: ['fast'],
    keys: NO_KEYS,
    group: 'connection',
    summary: 'Returns the given string.',
    since: '1.0.0',
    complexity: 'O(1)',
    handler: (_ctx, argv) => argv[1]!,
  },
];
