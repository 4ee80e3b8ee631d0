/**
 * Expiry commands (EXPIRE and friends, TTL, EXPIRETIME, PERSIST), shaped like node-redis v4.
 */
import { asBoolean, asNumber, command, unixMilliseconds, unixSeconds, type RedisArgument } from './define.js';

/** EXPIRE-family condition (Redis 7): only set if none / set / greater / less. */
export type ExpireMode = 'NX' | 'XX' | 'GT' | 'LT';

function withMode(argv: RedisArgument[], mode: ExpireMode | undefined): RedisArgument[] {
  if (mode !== undefined) argv.push(mode);
  return argv;
}

export const EXPIRY_COMMANDS = {
  expire: command(
    (key: RedisArgument, seconds: number, mode?: ExpireMode) => withMode(['EXPIRE', key, String(seconds)], mode),
    asBoolean,
  ),
  pExpire: command(
    (key: RedisArgument, milliseconds: number, mode?: ExpireMode) =>
      withMode(['PEXPIRE', key, String(milliseconds)], mode),
    asBoolean,
  ),
  /** `timestamp` in Unix seconds, or a Date (floored to whole seconds). */
  expireAt: command(
    (key: RedisArgument, timestamp: number | Date, mode?: ExpireMode) =>
      withMode(['EXPIREAT', key, unixSeconds(timestamp)], mode),
    asBoolean,
  ),
  /** `timestamp` in Unix milliseconds, or a Date. */
  pExpireAt: command(
    (key: RedisArgument, timestamp: number | Date, mode?: ExpireMode) =>
      withMode(['PEXPIREAT', key, unixMilliseconds(timestamp)], mode),
    asBoolean,
  ),
  /** Seconds to live; -1 without expiry, -2 when the key does not exist. */
  ttl: command((key: RedisArgument) => ['TTL', key], asNumber),
  pTTL: command((key: RedisArgument) => ['PTTL', key], asNumber),
  /** Absolute Unix expiry in seconds; -1 without expiry, -2 when the key does not exist. */
  expireTime: command((key: RedisArgument) => ['EXPIRETIME', key], asNumber),
  pExpireTime: command((key: RedisArgument) => ['PEXPIRETIME', key], asNumber),
  persist: command((key: RedisArgument) => ['PERSIST', key], asBoolean),
};
