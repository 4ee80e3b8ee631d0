import type { CommandSpec } from '../command.js';

export const keyCommands: readonly CommandSpec[] = [];
