/**
 * Redis's LFU access counter (redis: evict.c, LFU section), kept on entries only while an
 * LFU maxmemory-policy is set.
 *
 * An entry's `lfu` packs what Redis keeps in the object's 24 lru bits: the last decrement
 * time in minutes (16 bits, wrapping) above an 8-bit logarithmic counter. A read bumps
 * the counter with probability 1 / ((counter - 5) * lfu-log-factor + 1); each
 * lfu-decay-time minutes without access take one off. New keys start at 5 so they are
 * not evicted before they had a chance to be read.
 */
import type { Config } from './config.js';

/** What the hot path needs while an LFU policy is active. */
export interface LfuSettings {
  logFactor: number;
  /** Minutes per decrement; 0 = never decay. */
  decayTime: number;
  random: () => number;
}

/** A new key's counter (redis: LFU_INIT_VAL). */
export const LFU_INIT_VAL = 5;

/** Minutes since the epoch, on 16 bits (redis: LFUGetTimeInMinutes). */
function minutes(now: number): number {
  return Math.floor(now / 60_000) & 65535;
}

/** A fresh counter stamped at `now`. */
export function lfuInit(now: number): number {
  return (minutes(now) << 8) | LFU_INIT_VAL;
}

/** The counter after decay for the minutes elapsed since its stamp (redis: LFUDecrAndReturn). */
export function lfuDecay(lfu: number, now: number, decayTime: number): number {
  const stamp = lfu >>> 8;
  const counter = lfu & 255;
  if (decayTime === 0) return counter;
  const current = minutes(now);
  const elapsed = current >= stamp ? current - stamp : 65535 - stamp + current;
  const periods = Math.floor(elapsed / decayTime);
  return periods > counter ? 0 : counter - periods;
}

/** The counter after one access at `now`, decayed then maybe incremented (redis: updateLFU). */
export function lfuTouch(lfu: number | undefined, now: number, settings: LfuSettings): number {
  let counter = lfu === undefined ? LFU_INIT_VAL : lfuDecay(lfu, now, settings.decayTime);
  if (counter < 255) {
    const base = Math.max(0, counter - LFU_INIT_VAL);
    if (settings.random() < 1 / (base * settings.logFactor + 1)) counter++;
  }
  return (minutes(now) << 8) | counter;
}

/** The LFU settings the config asks for, or null when the policy is not an LFU one. */
export function lfuSettingsFrom(config: Config, random: () => number): LfuSettings | null {
  if (!config.get('maxmemory-policy').endsWith('-lfu')) return null;
  return {
    logFactor: Number(config.get('lfu-log-factor')),
    decayTime: Number(config.get('lfu-decay-time')),
    random,
  };
}
