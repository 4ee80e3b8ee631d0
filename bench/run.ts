/**
 * `npm run bench`: every contender side by side in the same run, printed as ops/s and
 * ratios against the named baseline. `-- --node` or `-- --browser` runs one half.
 */
import { runNodeBench } from './node.js';
import { printBrowserBench, runBrowserBench } from './browser.js';
import { opsPerSec } from './stats.js';

const only = process.argv.slice(2);
const want = (part: string): boolean => only.length === 0 || only.includes(`--${part}`);

if (want('node')) {
  const r = await runNodeBench();
  console.log(
    `\n  targets: engine ≥ 3× ioredis-mock → ${r.engineVsMock.toFixed(2)}× ` +
      `(bare Map ${r.mapVsMock.toFixed(2)}×); batch path ≥ 1M ops/s → ${(r.batchOpsPerSec / 1e6).toFixed(2)}M ops/s`,
  );
}

if (want('browser')) {
  const rows = await runBrowserBench();
  printBrowserBench(rows);
  const rate = (prefix: string) => opsPerSec(rows.find((r) => r.name.startsWith(prefix))!);
  const ratio = rate('idb-redis client SET') / rate('raw postMessage echo, 1,000');
  console.log(`\n  target: pipelined ≥ 0.5× raw batched ceiling → ${ratio.toFixed(2)}×`);
}
process.exit(0);
