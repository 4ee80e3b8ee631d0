/**
 * Chromium fencing bench page (driven by bench/fencing.ts): the cost of the epoch check in
 * a log append, one record per transaction awaited one by one (the worst case: the check
 * is one get per transaction, read beside the optimistic add), unfenced and fenced views
 * of one store, interleaved rounds.
 */
import { FORMAT_VERSION } from '../../src/persistence/codec.js';
import { indexedDBStorage } from '../../src/persistence/indexeddb.js';
import type { Storage } from '../../src/persistence/storage.js';

const N = 300;
const ROUNDS = 8;
let seq = 0;

async function appends(storage: Storage): Promise<number> {
  const start = performance.now();
  for (let i = 0; i < N; i++) await storage.append([{ seq: ++seq, format: FORMAT_VERSION, count: 1, data: '*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$5\r\nvalue\r\n' }]);
  return performance.now() - start;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const rate = (ms: number) => `${Math.round((N / ms) * 1000).toLocaleString('en-US')} appends/s`;

async function main(): Promise<void> {
  const store = indexedDBStorage(`fence-bench-${Date.now()}`);
  const fenced = store.fenced(await store.claimEpoch(0));
  seq = (await store.readLog(0, 1)).at(-1)?.seq ?? 0; // the claim's seal
  const plain: number[] = [];
  const checked: number[] = [];
  await appends(store); // warm-up
  for (let r = 0; r < ROUNDS; r++) {
    if (r % 2 === 0) {
      plain.push(await appends(store));
      checked.push(await appends(fenced));
    } else {
      checked.push(await appends(fenced));
      plain.push(await appends(store));
    }
  }
  console.log(`  one append per transaction, awaited (${ROUNDS} interleaved rounds of ${N}, medians):`);
  console.log(`    unfenced: ${rate(median(plain))}   fenced (epoch get + check): ${rate(median(checked))}`);
  store.close();
}

main().then(
  () => ((window as unknown as { __done: unknown }).__done = true),
  (e: unknown) => ((window as unknown as { __done: unknown }).__done = String(e)),
);
