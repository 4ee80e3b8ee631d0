import type { CommandSpec } from '../command.js';

export const introspectionCommands: readonly CommandSpec[] = [];
