/** Small timing helpers shared by the Node and browser benches (no dependencies). */

export interface Measurement {
  name: string;
  ops: number;
  ms: number;
}

export const opsPerSec = (m: Measurement): number => (m.ops / m.ms) * 1000;

export function formatRate(rate: number): string {
  if (rate >= 1e6) return `${(rate / 1e6).toFixed(2)}M ops/s`;
  if (rate >= 1e3) return `${(rate / 1e3).toFixed(1)}k ops/s`;
  return `${rate.toFixed(0)} ops/s`;
}

/** Run `fn` `runs` times (after one warm-up) and keep the median duration. */
export async function median(name: string, ops: number, runs: number, fn: () => Promise<void> | void): Promise<Measurement> {
  await fn();
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const start = performance.now();
    await fn();
    times.push(performance.now() - start);
  }
  times.sort((a, b) => a - b);
  return { name, ops, ms: times[Math.floor(times.length / 2)]! };
}

/** Wall-clock milliseconds `fn` takes (a browser has no process CPU clock). */
export async function wallMs(fn: () => Promise<void> | void): Promise<number> {
  const start = performance.now();
  await fn();
  return performance.now() - start;
}

/** CPU milliseconds this process spends in `fn` (all its threads, GC included). */
export async function cpuMs(fn: () => Promise<void> | void): Promise<number> {
  const start = process.cpuUsage();
  await fn();
  const used = process.cpuUsage(start);
  return (used.user + used.system) / 1000;
}

/**
 * Contenders timed in turn, `runs` rounds after one warm-up each, in process CPU time (or `clock`);
 * each keeps its median. On a loaded machine wall time mostly measures the wait for a
 * core; CPU time and interleaving expose every contender to the same conditions. CPU time
 * is Node only: a browser page passes `wallMs`.
 */
export async function interleaved(
  ops: number,
  runs: number,
  contenders: Array<[string, () => Promise<void> | void]>,
  clock: (fn: () => Promise<void> | void) => Promise<number> = cpuMs,
): Promise<Measurement[]> {
  for (const [, fn] of contenders) await fn();
  const times = contenders.map((): number[] => []);
  for (let r = 0; r < runs; r++) {
    for (let i = 0; i < contenders.length; i++) times[i]!.push(await clock(contenders[i]![1]));
  }
  return contenders.map(([name], i) => {
    const sorted = times[i]!.sort((a, b) => a - b);
    return { name, ops, ms: sorted[Math.floor(sorted.length / 2)]! };
  });
}

export function printTable(title: string, rows: Measurement[], baseline?: Measurement): void {
  console.log(`\n${title}`);
  for (const row of rows) {
    const rate = opsPerSec(row);
    const ratio = baseline && baseline !== row ? `  ${(rate / opsPerSec(baseline)).toFixed(2)}× ${baseline.name}` : '';
    console.log(`  ${row.name.padEnd(44)} ${formatRate(rate).padStart(16)}${ratio}`);
  }
}
