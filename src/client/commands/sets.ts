/**
 * Set commands, shaped like node-redis v4: members as one string or an array,
 * `sIsMember` → boolean, `smIsMember` → boolean[], `sScan` → `{ cursor, members }`.
 * SPOP and SRANDMEMBER have a count form each (`sPopCount`, `sRandMemberCount`) so that
 * each method has one result type.
 */
import {
  asArray,
  asBoolean,
  asNumber,
  asString,
  asStringArray,
  asStringOrNull,
  command,
  variadic,
  type RedisArgument,
  type RedisVariadicArgument,
} from './define.js';
import type { Reply } from '../replies.js';

export interface SScanOptions {
  MATCH?: string;
  COUNT?: number;
}

export interface SScanReply {
  cursor: number;
  members: string[];
}

export interface SInterCardOptions {
  /** Stop counting at this many members (0 = no limit). */
  LIMIT?: number;
}

export function sScanArgs(key: RedisArgument, cursor: number, options?: SScanOptions): RedisArgument[] {
  const argv: RedisArgument[] = ['SSCAN', key, String(cursor)];
  if (options?.MATCH !== undefined) argv.push('MATCH', options.MATCH);
  if (options?.COUNT !== undefined) argv.push('COUNT', String(options.COUNT));
  return argv;
}

/** SINTERCARD keys: the numkeys prefix is derived from the key list. */
function sInterCardArgs(keys: RedisVariadicArgument, options?: number | SInterCardOptions): RedisArgument[] {
  const list = Array.isArray(keys) ? keys : [keys];
  const argv: RedisArgument[] = ['SINTERCARD', String(list.length), ...list];
  const limit = typeof options === 'number' ? options : options?.LIMIT;
  if (limit !== undefined) argv.push('LIMIT', String(limit));
  return argv;
}

const asBooleanArray = (reply: Reply): boolean[] => asArray(reply).map(asBoolean);

export const SET_COMMANDS = {
  sAdd: command((key: RedisArgument, members: RedisVariadicArgument) => variadic(['SADD', key], members), asNumber),
  sRem: command((key: RedisArgument, members: RedisVariadicArgument) => variadic(['SREM', key], members), asNumber),
  sMembers: command((key: RedisArgument) => ['SMEMBERS', key], asStringArray),
  sIsMember: command((key: RedisArgument, member: RedisArgument) => ['SISMEMBER', key, member], asBoolean),
  smIsMember: command((key: RedisArgument, members: RedisArgument[]) => ['SMISMEMBER', key, ...members], asBooleanArray),
  sCard: command((key: RedisArgument) => ['SCARD', key], asNumber),
  /** One random member removed, or null when the key is missing. */
  sPop: command((key: RedisArgument) => ['SPOP', key], asStringOrNull),
  /** Up to `count` distinct random members removed. */
  sPopCount: command((key: RedisArgument, count: number) => ['SPOP', key, String(count)], asStringArray),
  /** One random member, or null when the key is missing. */
  sRandMember: command((key: RedisArgument) => ['SRANDMEMBER', key], asStringOrNull),
  /** Distinct random members (count > 0) or |count| members with repetition (count < 0). */
  sRandMemberCount: command((key: RedisArgument, count: number) => ['SRANDMEMBER', key, String(count)], asStringArray),
  sMove: command(
    (source: RedisArgument, destination: RedisArgument, member: RedisArgument) => ['SMOVE', source, destination, member],
    asBoolean,
  ),
  sInter: command((keys: RedisVariadicArgument) => variadic(['SINTER'], keys), asStringArray),
  sUnion: command((keys: RedisVariadicArgument) => variadic(['SUNION'], keys), asStringArray),
  sDiff: command((keys: RedisVariadicArgument) => variadic(['SDIFF'], keys), asStringArray),
  sInterStore: command(
    (destination: RedisArgument, keys: RedisVariadicArgument) => variadic(['SINTERSTORE', destination], keys),
    asNumber,
  ),
  sUnionStore: command(
    (destination: RedisArgument, keys: RedisVariadicArgument) => variadic(['SUNIONSTORE', destination], keys),
    asNumber,
  ),
  sDiffStore: command(
    (destination: RedisArgument, keys: RedisVariadicArgument) => variadic(['SDIFFSTORE', destination], keys),
    asNumber,
  ),
  /** The intersection's size; `LIMIT` (or a number, as node-redis v4 takes it) stops early. */
  sInterCard: command(sInterCardArgs, asNumber),
  /** One SSCAN step; `sScanIterator` walks the whole set. */
  sScan: command(sScanArgs, (reply): SScanReply => {
    const [cursor, members] = asArray(reply);
    return { cursor: Number(asString(cursor)), members: asStringArray(members) };
  }),
};
