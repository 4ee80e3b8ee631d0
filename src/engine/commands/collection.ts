/**
 * Helpers shared by the hash and set families: the count argument of HRANDFIELD /
 * SRANDMEMBER / SPOP with Redis's range rules, and the engine's cap on how many items
 * one reply may hold.
 */
import type { Config } from '../config.js';
import { Errors, fail } from '../errors.js';
import { INT64_MIN, parseIntegerOrThrow, type Int64 } from '../parse.js';

/**
 * Redis streams a reply of any length; an engine in a browser builds it in memory. A
 * repeat-allowed count past this (HRANDFIELD/SRANDMEMBER with a huge negative count) is
 * refused rather than exhausting the worker.
 */
export const MAX_REPLY_ITEMS = 1 << 24;

/**
 * A count in [-LONG_MAX, LONG_MAX] (redis: getRangeLongFromObjectOrReply with
 * -LONG_MAX..LONG_MAX): not an integer → "not an integer", LONG_MIN → Redis's range text.
 * Exact (a bigint past 2^53) for range checks; callers then read it as a number, as
 * beyond 2^53 it exceeds every collection anyway.
 */
export function parseCountOrThrow(arg: string): Int64 {
  const value = parseIntegerOrThrow(arg);
  if (value === INT64_MIN) fail(Errors.int64OutOfRange);
  return value;
}

/**
 * A count ≥ 0 (redis: getPositiveLongFromObjectOrReply): `message` answers both a
 * non-integer and a negative value, as Redis passes it to both checks.
 */
export function parsePositiveCountOrThrow(arg: string, message: string = Errors.mustBePositive): number {
  const value = parseIntegerOrThrow(arg, message);
  if (value < 0) fail(message);
  return Number(value);
}

/**
 * A reader of one integer setting for hot paths (the encoding limits every HSET/SADD
 * checks): read again only when its Config changed (Config.version), since a lookup by
 * name costs as much as the command.
 */
export function intSetting(name: string): (config: Config) => number {
  let cachedConfig: Config | null = null;
  let cachedVersion = -1;
  let value = 0;
  return (config) => {
    if (config !== cachedConfig || config.version !== cachedVersion) {
      value = Number(config.display(config.definition(name)!));
      cachedConfig = config;
      cachedVersion = config.version;
    }
    return value;
  };
}

/** Throw unless a reply of `items` elements can be built. */
export function checkReplySizeOrThrow(items: number): void {
  if (items > MAX_REPLY_ITEMS) fail(Errors.replyTooLarge);
}
