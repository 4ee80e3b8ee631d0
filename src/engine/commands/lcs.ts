/**
 * LCS (redis: lcsCommand in t_string.c): the longest common subsequence of two string
 * keys, as text, length (LEN) or matched ranges (IDX, MINMATCHLEN, WITHMATCHLEN).
 * The algorithm is in types/lcs.ts.
 */
import type { CommandSpec } from '../command.js';
import type { CommandContext } from '../context.js';
import { Errors, fail } from '../errors.js';
import { parseIntegerOrThrow } from '../parse.js';
import type { RawReply } from '../reply.js';
import { lcs, lcsTableBytes, type LcsResult } from '../types/lcs.js';
import { optionToken } from './string-common.js';

/** A key's string for LCS: a missing key reads as "", any other type is refused. */
function lcsOperand(ctx: CommandContext, key: string): string | null {
  const entry = ctx.lookupRead(key);
  if (entry === undefined) return '';
  return entry.type === 'string' ? entry.value : null;
}

function lcsCommand(ctx: CommandContext, argv: readonly string[]): RawReply {
  // Both keys are looked up (and type-checked) before the options, as in Redis.
  const a = lcsOperand(ctx, argv[1]!);
  const b = lcsOperand(ctx, argv[2]!);
  if (a === null || b === null) fail(Errors.lcsNotStrings);
  let idx = false;
  let len = false;
  let withMatchLen = false;
  let minMatchLen = 0;
  for (let j = 3; j < argv.length; j++) {
    const opt = optionToken(argv[j]!);
    if (opt === 'IDX') idx = true;
    else if (opt === 'LEN') len = true;
    else if (opt === 'WITHMATCHLEN') withMatchLen = true;
    else if (opt === 'MINMATCHLEN' && j + 1 < argv.length) {
      const v = parseIntegerOrThrow(argv[++j]!);
      // Anything beyond 2^53 filters every range out, as any value past the lengths does.
      minMatchLen = v < 0 ? 0 : Number(v);
    } else fail(Errors.syntax);
  }
  if (idx && len) fail(Errors.lcsLenAndIdx);
  if (lcsTableBytes(a, b) > Number(ctx.engine.config.get('proto-max-bulk-len'))) fail(Errors.lcsTooBig);
  let result: LcsResult;
  try {
    result = lcs(a, b, idx || !len);
  } catch (e) {
    if (e instanceof RangeError) fail(Errors.lcsNoMemory);
    throw e;
  }
  if (len) return result.length;
  if (!idx) return result.text;
  const matches: RawReply[] = [];
  for (const range of result.ranges) {
    if (minMatchLen !== 0 && range.length < minMatchLen) continue;
    const match: RawReply[] = [[range.a[0], range.a[1]], [range.b[0], range.b[1]]];
    if (withMatchLen) match.push(range.length);
    matches.push(match);
  }
  // RESP2 shape of Redis's two-entry map.
  return ['matches', matches, 'len', result.length];
}

export const lcsCommands: readonly CommandSpec[] = [
  {
    name: 'lcs',
    arity: -3,
    flags: ['readonly'],
    keys: { first: 1, last: 2, step: 1 },
    group: 'string',
    summary: 'Find longest common substring',
    since: '7.0.0',
    complexity: 'O(N*M) where N and M are the lengths of s1 and s2, respectively',
    handler: lcsCommand,
  },
];
