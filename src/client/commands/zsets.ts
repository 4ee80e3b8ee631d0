/**
 * Sorted-set commands, shaped like node-redis v4: members as `{ value, score }`, scores
 * as numbers (`inf`/`-inf` ↔ ±Infinity both ways), `zAdd(key, member | members, options)`
 * with NX excluding XX/GT/LT and GT excluding LT at the type level, `zRange(key, min, max,
 * { BY, REV, LIMIT })`, a `…WithScores` twin for every method that can reply scores, and
 * a `…Count` twin for the pops and ZRANDMEMBER whose count changes the reply's shape;
 * `bzPopMin(keys, timeout)` → `{ key, value, score } | null`.
 */
import {
  asArray,
  asNumber,
  asNumberOrNull,
  asString,
  asStringArray,
  asStringOrNull,
  command,
  type MaximumOneOf,
  type RedisArgument,
  type RedisVariadicArgument,
} from './define.js';
import type { Reply } from '../replies.js';

export interface ZMember {
  value: string;
  score: number;
}

/** A member to write: its value may be bytes. */
export interface ZMemberArgument {
  value: RedisArgument;
  score: number;
}

/** A score bound: a number (±Infinity for the open ends) or Redis's own text ('(1', '-inf'). */
export type ZScoreBound = number | string;

/** ZADD's conditions: NX alone, or XX and/or one of GT/LT. */
export type ZAddOptions = (
  | { NX: true; XX?: never; GT?: never; LT?: never }
  | ({ NX?: never; XX?: boolean } & MaximumOneOf<{ GT: true; LT: true }>)
) & {
  /** Count changed members, not only added ones. */
  CH?: boolean;
};

export interface ZLimit {
  offset: number;
  count: number;
}

/** ZRANGE's options: by rank (default), by score or by lex; LIMIT needs BY. */
export type ZRangeOptions =
  | { BY?: undefined; REV?: boolean; LIMIT?: never }
  | { BY: 'SCORE' | 'LEX'; REV?: boolean; LIMIT?: ZLimit };

export interface ZRangeByOptions {
  LIMIT?: ZLimit;
}

export interface ZAlgebraOptions {
  WEIGHTS?: number[];
  AGGREGATE?: 'SUM' | 'MIN' | 'MAX';
}

export interface ZScanOptions {
  MATCH?: string;
  COUNT?: number;
}

export interface ZScanReply {
  cursor: number;
  members: ZMember[];
}

export interface ZMPopReply {
  key: string;
  elements: ZMember[];
}

/** BZPOPMIN/BZPOPMAX: the key popped from and its member. */
export interface ZKeyMember extends ZMember {
  key: string;
}

export interface ZMPopOptions {
  COUNT?: number;
}

/** A score as Redis reads it: ±Infinity as ±inf. */
export function scoreArg(score: number): string {
  return score === Infinity ? '+inf' : score === -Infinity ? '-inf' : String(score);
}

function boundArg(bound: ZScoreBound | Uint8Array): RedisArgument {
  return typeof bound === 'number' ? scoreArg(bound) : bound;
}

/** A score as Redis prints it ("inf", "-inf", %.17g) → number. */
export function parseScore(text: string): number {
  if (text === 'inf') return Infinity;
  if (text === '-inf') return -Infinity;
  return Number(text);
}

const asScore = (reply: Reply): number => parseScore(asString(reply));
const asScoreOrNull = (reply: Reply): number | null => (reply === null ? null : asScore(reply));

/** A flat [member, score, …] reply as `{ value, score }` items. */
function asMembers(reply: Reply): ZMember[] {
  const items = asArray(reply);
  const out: ZMember[] = [];
  for (let i = 0; i + 1 < items.length; i += 2) out.push({ value: asString(items[i]!), score: asScore(items[i + 1]!) });
  return out;
}

/** ZPOPMIN/ZPOPMAX without count: the one member, or null on an empty key. */
function asMemberOrNull(reply: Reply): ZMember | null {
  const members = asMembers(reply);
  return members.length === 0 ? null : members[0]!;
}

const list = (keys: RedisVariadicArgument): RedisArgument[] => (Array.isArray(keys) ? keys : [keys]);

function zAddArgs(key: RedisArgument, members: ZMemberArgument | ZMemberArgument[], options?: ZAddOptions, incr = false): RedisArgument[] {
  const argv: RedisArgument[] = ['ZADD', key];
  if (options?.NX) argv.push('NX');
  if (options?.XX) argv.push('XX');
  if (options?.GT) argv.push('GT');
  if (options?.LT) argv.push('LT');
  if (options?.CH) argv.push('CH');
  if (incr) argv.push('INCR');
  for (const m of Array.isArray(members) ? members : [members]) argv.push(scoreArg(m.score), m.value);
  return argv;
}

function zRangeArgs(key: RedisArgument, min: ZScoreBound, max: ZScoreBound, options?: ZRangeOptions, withScores = false): RedisArgument[] {
  const argv: RedisArgument[] = ['ZRANGE', key, boundArg(min), boundArg(max)];
  if (options?.BY === 'SCORE') argv.push('BYSCORE');
  else if (options?.BY === 'LEX') argv.push('BYLEX');
  if (options?.REV) argv.push('REV');
  if (options?.LIMIT) argv.push('LIMIT', String(options.LIMIT.offset), String(options.LIMIT.count));
  if (withScores) argv.push('WITHSCORES');
  return argv;
}

/** ZRANGEBYSCORE & co.: `name key min max [WITHSCORES] [LIMIT offset count]`. */
function byArgs(name: string, key: RedisArgument, min: ZScoreBound | Uint8Array, max: ZScoreBound | Uint8Array, options?: ZRangeByOptions, withScores = false): RedisArgument[] {
  const argv: RedisArgument[] = [name, key, boundArg(min), boundArg(max)];
  if (withScores) argv.push('WITHSCORES');
  if (options?.LIMIT) argv.push('LIMIT', String(options.LIMIT.offset), String(options.LIMIT.count));
  return argv;
}

/** ZUNION/ZINTER/ZDIFF (and STORE forms with `dst`): numkeys derived from the key list. */
function algebraArgs(name: string, dst: RedisArgument | null, keys: RedisVariadicArgument, options?: ZAlgebraOptions, withScores = false): RedisArgument[] {
  const all = list(keys);
  const argv: RedisArgument[] = dst === null ? [name, String(all.length), ...all] : [name, dst, String(all.length), ...all];
  if (options?.WEIGHTS) argv.push('WEIGHTS', ...options.WEIGHTS.map(scoreArg));
  if (options?.AGGREGATE) argv.push('AGGREGATE', options.AGGREGATE);
  if (withScores) argv.push('WITHSCORES');
  return argv;
}

export function zScanArgs(key: RedisArgument, cursor: number, options?: ZScanOptions): RedisArgument[] {
  const argv: RedisArgument[] = ['ZSCAN', key, String(cursor)];
  if (options?.MATCH !== undefined) argv.push('MATCH', options.MATCH);
  if (options?.COUNT !== undefined) argv.push('COUNT', String(options.COUNT));
  return argv;
}

function zmPopArgs(keys: RedisVariadicArgument, side: 'MIN' | 'MAX', options?: ZMPopOptions): RedisArgument[] {
  const all = list(keys);
  const argv: RedisArgument[] = ['ZMPOP', String(all.length), ...all, side];
  if (options?.COUNT !== undefined) argv.push('COUNT', String(options.COUNT));
  return argv;
}

function asKeyMember(reply: Reply): ZKeyMember | null {
  if (reply === null) return null;
  const [key, value, score] = asArray(reply);
  return { key: asString(key!), value: asString(value!), score: asScore(score!) };
}

function asZmPop(reply: Reply): ZMPopReply | null {
  if (reply === null) return null;
  const [key, elements] = asArray(reply);
  return {
    key: asString(key!),
    elements: asArray(elements!).map((pair) => {
      const [value, score] = asArray(pair);
      return { value: asString(value!), score: asScore(score!) };
    }),
  };
}

export const ZSET_COMMANDS = {
  zAdd: command((key: RedisArgument, members: ZMemberArgument | ZMemberArgument[], options?: ZAddOptions) => zAddArgs(key, members, options), asNumber),
  /** ZADD … INCR: the member's new score, or null when a condition skipped it. */
  zAddIncr: command((key: RedisArgument, member: ZMemberArgument, options?: ZAddOptions) => zAddArgs(key, member, options, true), asScoreOrNull),
  zIncrBy: command((key: RedisArgument, increment: number, member: RedisArgument) => ['ZINCRBY', key, scoreArg(increment), member], asScore),
  zRem: command((key: RedisArgument, members: RedisVariadicArgument) => ['ZREM', key, ...list(members)], asNumber),
  zScore: command((key: RedisArgument, member: RedisArgument) => ['ZSCORE', key, member], asScoreOrNull),
  zmScore: command((key: RedisArgument, members: RedisVariadicArgument) => ['ZMSCORE', key, ...list(members)], (reply) => asArray(reply).map(asScoreOrNull)),
  zCard: command((key: RedisArgument) => ['ZCARD', key], asNumber),
  zCount: command((key: RedisArgument, min: ZScoreBound, max: ZScoreBound) => ['ZCOUNT', key, boundArg(min), boundArg(max)], asNumber),
  zLexCount: command((key: RedisArgument, min: RedisArgument, max: RedisArgument) => ['ZLEXCOUNT', key, min, max], asNumber),
  zRank: command((key: RedisArgument, member: RedisArgument) => ['ZRANK', key, member], asNumberOrNull),
  zRevRank: command((key: RedisArgument, member: RedisArgument) => ['ZREVRANK', key, member], asNumberOrNull),

  zRange: command((key: RedisArgument, min: ZScoreBound, max: ZScoreBound, options?: ZRangeOptions) => zRangeArgs(key, min, max, options), asStringArray),
  zRangeWithScores: command(
    (key: RedisArgument, min: ZScoreBound, max: ZScoreBound, options?: ZRangeOptions) => zRangeArgs(key, min, max, options, true),
    asMembers,
  ),
  zRangeStore: command((dst: RedisArgument, src: RedisArgument, min: ZScoreBound, max: ZScoreBound, options?: ZRangeOptions) => {
    const argv = zRangeArgs(src, min, max, options);
    argv.splice(0, 1, 'ZRANGESTORE', dst);
    return argv;
  }, asNumber),
  zRevRange: command((key: RedisArgument, start: number, stop: number) => ['ZREVRANGE', key, String(start), String(stop)], asStringArray),
  zRevRangeWithScores: command(
    (key: RedisArgument, start: number, stop: number) => ['ZREVRANGE', key, String(start), String(stop), 'WITHSCORES'],
    asMembers,
  ),
  zRangeByScore: command(
    (key: RedisArgument, min: ZScoreBound, max: ZScoreBound, options?: ZRangeByOptions) => byArgs('ZRANGEBYSCORE', key, min, max, options),
    asStringArray,
  ),
  zRangeByScoreWithScores: command(
    (key: RedisArgument, min: ZScoreBound, max: ZScoreBound, options?: ZRangeByOptions) => byArgs('ZRANGEBYSCORE', key, min, max, options, true),
    asMembers,
  ),
  /** ZREVRANGEBYSCORE: `max` comes first, as in Redis. */
  zRevRangeByScore: command(
    (key: RedisArgument, max: ZScoreBound, min: ZScoreBound, options?: ZRangeByOptions) => byArgs('ZREVRANGEBYSCORE', key, max, min, options),
    asStringArray,
  ),
  zRevRangeByScoreWithScores: command(
    (key: RedisArgument, max: ZScoreBound, min: ZScoreBound, options?: ZRangeByOptions) => byArgs('ZREVRANGEBYSCORE', key, max, min, options, true),
    asMembers,
  ),
  zRangeByLex: command(
    (key: RedisArgument, min: RedisArgument, max: RedisArgument, options?: ZRangeByOptions) => byArgs('ZRANGEBYLEX', key, min, max, options),
    asStringArray,
  ),
  /** ZREVRANGEBYLEX: `max` comes first, as in Redis. */
  zRevRangeByLex: command(
    (key: RedisArgument, max: RedisArgument, min: RedisArgument, options?: ZRangeByOptions) => byArgs('ZREVRANGEBYLEX', key, max, min, options),
    asStringArray,
  ),

  zRemRangeByRank: command((key: RedisArgument, start: number, stop: number) => ['ZREMRANGEBYRANK', key, String(start), String(stop)], asNumber),
  zRemRangeByScore: command((key: RedisArgument, min: ZScoreBound, max: ZScoreBound) => ['ZREMRANGEBYSCORE', key, boundArg(min), boundArg(max)], asNumber),
  zRemRangeByLex: command((key: RedisArgument, min: RedisArgument, max: RedisArgument) => ['ZREMRANGEBYLEX', key, min, max], asNumber),

  zPopMin: command((key: RedisArgument) => ['ZPOPMIN', key], asMemberOrNull),
  zPopMinCount: command((key: RedisArgument, count: number) => ['ZPOPMIN', key, String(count)], asMembers),
  zPopMax: command((key: RedisArgument) => ['ZPOPMAX', key], asMemberOrNull),
  zPopMaxCount: command((key: RedisArgument, count: number) => ['ZPOPMAX', key, String(count)], asMembers),
  zmPop: command(zmPopArgs, asZmPop),
  /** BZPOPMIN keys timeout (seconds, 0 = forever): null on timeout. */
  bzPopMin: command((keys: RedisVariadicArgument, timeout: number) => ['BZPOPMIN', ...list(keys), String(timeout)], asKeyMember),
  bzPopMax: command((keys: RedisVariadicArgument, timeout: number) => ['BZPOPMAX', ...list(keys), String(timeout)], asKeyMember),
  /** BZMPOP timeout numkeys keys MIN|MAX [COUNT n]: null on timeout. */
  bzmPop: command((timeout: number, keys: RedisVariadicArgument, side: 'MIN' | 'MAX', options?: ZMPopOptions) => {
    const argv = zmPopArgs(keys, side, options);
    argv.splice(0, 1, 'BZMPOP', String(timeout));
    return argv;
  }, asZmPop),

  zRandMember: command((key: RedisArgument) => ['ZRANDMEMBER', key], asStringOrNull),
  zRandMemberCount: command((key: RedisArgument, count: number) => ['ZRANDMEMBER', key, String(count)], asStringArray),
  zRandMemberCountWithScores: command((key: RedisArgument, count: number) => ['ZRANDMEMBER', key, String(count), 'WITHSCORES'], asMembers),

  zUnion: command((keys: RedisVariadicArgument, options?: ZAlgebraOptions) => algebraArgs('ZUNION', null, keys, options), asStringArray),
  zUnionWithScores: command((keys: RedisVariadicArgument, options?: ZAlgebraOptions) => algebraArgs('ZUNION', null, keys, options, true), asMembers),
  zInter: command((keys: RedisVariadicArgument, options?: ZAlgebraOptions) => algebraArgs('ZINTER', null, keys, options), asStringArray),
  zInterWithScores: command((keys: RedisVariadicArgument, options?: ZAlgebraOptions) => algebraArgs('ZINTER', null, keys, options, true), asMembers),
  zDiff: command((keys: RedisVariadicArgument) => algebraArgs('ZDIFF', null, keys), asStringArray),
  zDiffWithScores: command((keys: RedisVariadicArgument) => algebraArgs('ZDIFF', null, keys, undefined, true), asMembers),
  zUnionStore: command(
    (dst: RedisArgument, keys: RedisVariadicArgument, options?: ZAlgebraOptions) => algebraArgs('ZUNIONSTORE', dst, keys, options),
    asNumber,
  ),
  zInterStore: command(
    (dst: RedisArgument, keys: RedisVariadicArgument, options?: ZAlgebraOptions) => algebraArgs('ZINTERSTORE', dst, keys, options),
    asNumber,
  ),
  zDiffStore: command((dst: RedisArgument, keys: RedisVariadicArgument) => algebraArgs('ZDIFFSTORE', dst, keys), asNumber),
  /** ZINTERCARD: stop counting at `LIMIT` members (0 = no limit). */
  zInterCard: command((keys: RedisVariadicArgument, options?: number | { LIMIT?: number }) => {
    const all = list(keys);
    const argv: RedisArgument[] = ['ZINTERCARD', String(all.length), ...all];
    const limit = typeof options === 'number' ? options : options?.LIMIT;
    if (limit !== undefined) argv.push('LIMIT', String(limit));
    return argv;
  }, asNumber),

  /** One ZSCAN step; `zScanIterator` walks the whole sorted set. */
  zScan: command(zScanArgs, (reply): ZScanReply => {
    const [cursor, items] = asArray(reply);
    return { cursor: Number(asString(cursor!)), members: asMembers(items!) };
  }),
};
