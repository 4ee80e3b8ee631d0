/**
 * `npm run bench`: every contender side by side in the same run, printed as ops/s and
 * ratios against the named baseline. `-- --node`, `-- --collections` or `-- --browser`
 * runs one part. Persistence and tabs have their own runners (bench/persistence.ts,
 * bench/tabs.ts): they need minutes and a browser profile on disk.
 */
import { runNodeBench } from './node.js';
import { runHashSetBench } from './node-hash-set.js';
import { runListBench } from './node-list.js';
import { runZsetBench } from './node-zset.js';
import { printBrowserBench, runBrowserBench } from './browser.js';
import { opsPerSec } from './stats.js';

const only = process.argv.slice(2);
const want = (part: string): boolean => only.length === 0 || only.includes(`--${part}`);
const ratio = (x: number): string => `${x.toFixed(2)}×`;

if (want('node')) {
  const r = await runNodeBench();
  console.log(
    `\n  targets: engine ≥ 3× ioredis-mock → ${ratio(r.engineVsMock)} ` +
      `(bare Map ${ratio(r.mapVsMock)}); batch path ≥ 1M ops/s → ${(r.batchOpsPerSec / 1e6).toFixed(2)}M ops/s`,
  );
}

if (want('collections')) {
  const zset = await runZsetBench();
  const hashSet = await runHashSetBench();
  const list = await runListBench();
  console.log(
    `\n  targets vs ioredis-mock: sorted sets ≥ 20× → ${ratio(zset.zsetVsMock)}; hashes ≥ 5× → ${ratio(hashSet.hashVsMock)}; ` +
      `sets ≥ 5× → ${ratio(hashSet.setVsMock)}; lists ≥ 3× → ${ratio(list.listVsMock)}`,
  );
}

if (want('browser')) {
  const rows = await runBrowserBench();
  printBrowserBench(rows);
  const rate = (prefix: string) => opsPerSec(rows.find((r) => r.name.startsWith(prefix))!);
  const ceiling = rate('raw postMessage echo, 1,000');
  const memory = rate('idb-redis client SET, auto-pipelined, persistence') / ceiling;
  const durable = rate('idb-redis client SET, auto-pipelined, persisted') / ceiling;
  console.log(`\n  target: pipelined ≥ 0.5× raw batched ceiling → ${ratio(memory)} (persisted, each batch also committed to IndexedDB: ${ratio(durable)})`);
}
process.exit(0);
