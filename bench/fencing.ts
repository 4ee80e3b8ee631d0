/**
 * The per-write cost of fencing in real Chromium IndexedDB (on-disk profile):
 *
 *   node --import tsx bench/fencing.ts
 */
import { runBenchPage } from './page-runner.js';

await runBenchPage('fencing-browser');
