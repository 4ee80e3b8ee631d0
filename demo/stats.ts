/**
 * The stats panel: INFO read once a second and drawn as small live charts (ops/s from the
 * commands-processed counter, memory, keys, and the persistence figures INFO reports).
 * Only page-side timers: the worker does nothing while nobody asks.
 */
import type { RedisClient } from '../src/index.js';

const POINTS = 60;

/** INFO's `key:value` lines → a record (sections and comments skipped). */
export function parseInfo(text: string): Record<string, string> {
  const fields: Record<string, string> = {};
  for (const line of text.split('\r\n')) {
    const colon = line.indexOf(':');
    if (line === '' || line.startsWith('#') || colon === -1) continue;
    fields[line.slice(0, colon)] = line.slice(colon + 1);
  }
  return fields;
}

interface Series {
  label: string;
  /** The figure to plot from one INFO reading (and the previous one, for rates). */
  read(now: Record<string, string>, before: Record<string, string> | null, seconds: number): number | null;
  format(value: number): string;
  values: number[];
  canvas: HTMLCanvasElement;
  current: HTMLElement;
}

function keysOf(info: Record<string, string>): number {
  const db0 = info['db0'];
  const match = db0 === undefined ? null : /keys=(\d+)/.exec(db0);
  return match === null ? 0 : Number(match[1]);
}

function humanBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 ** 2) return `${(n / 1024).toFixed(1)} KB`;
  return `${(n / 1024 ** 2).toFixed(1)} MB`;
}

function draw(series: Series): void {
  const { canvas, values } = series;
  const ctx = canvas.getContext('2d');
  if (ctx === null) return;
  const { width, height } = canvas;
  ctx.clearRect(0, 0, width, height);
  if (values.length < 2) return;
  const max = Math.max(1, ...values);
  ctx.strokeStyle = '#e0524a';
  ctx.lineWidth = 2;
  ctx.beginPath();
  values.forEach((v, i) => {
    const x = (i / (POINTS - 1)) * width;
    const y = height - 2 - (v / max) * (height - 4);
    if (i === 0) ctx.moveTo(x, y);
    else ctx.lineTo(x, y);
  });
  ctx.stroke();
}

/** `onTick` runs after each reading (the tabs panel refreshes its role line with it). */
export function mountStats(root: HTMLElement, client: RedisClient, onTick?: () => void): { stop(): void } {
  const make = (label: string, read: Series['read'], format: Series['format']): Series => {
    const card = document.createElement('div');
    card.className = 'stat';
    const title = document.createElement('span');
    title.className = 'muted';
    title.textContent = label;
    const current = document.createElement('strong');
    current.dataset.stat = label;
    const canvas = document.createElement('canvas');
    canvas.width = 160;
    canvas.height = 40;
    card.append(title, current, canvas);
    root.append(card);
    return { label, read, format, values: [], canvas, current };
  };
  const series: Series[] = [
    make('ops/s', (now, before, seconds) => {
      if (before === null) return null;
      const done = Number(now['total_commands_processed']) - Number(before['total_commands_processed']);
      // A new leader tab starts its counters afresh: skip the reading across the hand-over.
      return done < 0 ? null : done / seconds;
    }, (v) => v.toFixed(0)),
    make('memory', (now) => Number(now['used_memory']), humanBytes),
    make('keys', (now) => keysOf(now), (v) => String(v)),
    make('log size', (now) => (now['aof_current_size'] === undefined ? null : Number(now['aof_current_size'])), humanBytes),
  ];
  const lastSave = document.createElement('p');
  lastSave.className = 'muted last-save';
  root.append(lastSave);

  let before: Record<string, string> | null = null;
  let beforeAt = 0;
  const tick = async (): Promise<void> => {
    const info = parseInfo(await client.info());
    const at = performance.now();
    for (const s of series) {
      const value = s.read(info, before, (at - beforeAt) / 1000);
      if (value === null || !Number.isFinite(value)) continue;
      s.values.push(value);
      if (s.values.length > POINTS) s.values.shift();
      s.current.textContent = s.format(value);
      draw(s);
    }
    const saved = Number(info['rdb_last_save_time']);
    lastSave.textContent = Number.isFinite(saved) && saved > 0 ? `last snapshot: ${new Date(saved * 1000).toLocaleTimeString()}` : '';
    before = info;
    beforeAt = at;
    onTick?.();
  };
  const timer = setInterval(() => void tick().catch(() => undefined), 1000);
  void tick().catch(() => undefined);
  return { stop: () => clearInterval(timer) };
}
