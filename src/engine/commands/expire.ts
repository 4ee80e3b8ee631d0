import type { CommandSpec } from '../command.js';

export const expireCommands: readonly CommandSpec[] = [];
