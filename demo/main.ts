/**
 * The demo page: one client of the store named "demo", shared by every panel.
 */
import { createClient } from '../src/index.js';
import { mountConsole } from './console.js';
import { mountKeyBrowser } from './keys.js';
import { mountCache } from './cache.js';
import { mountStats } from './stats.js';
import { mountTabs } from './tabs.js';
import { mountPersistence } from './persistence.js';

const status = document.getElementById('status')!;
const client = createClient({ name: 'demo' });

const keys = mountKeyBrowser(document.getElementById('keys-panel')!, client);
const refreshKeys = (): void => void keys.refresh();
const prompt = mountConsole({
  client,
  output: document.getElementById('output')!,
  form: document.getElementById('prompt') as HTMLFormElement,
  input: document.getElementById('command') as HTMLInputElement,
  hint: document.getElementById('hint')!,
  onCommand: refreshKeys,
});
mountCache(document.getElementById('cache-panel')!, client, refreshKeys);
const tabs = mountTabs(document.getElementById('tabs-panel')!, client);
const persistence = mountPersistence(document.getElementById('persistence-panel')!, client, refreshKeys);
mountStats(document.getElementById('stats')!, client, () => {
  void tabs.refresh();
  void persistence.refresh();
});

/**
 * The built demo keeps its files for offline use; the dev server (HMR) stays uncached. Run
 * once the worker answered: its script has loaded, so it is among the page's resources.
 */
function keepForOffline(): void {
  if (import.meta.hot !== undefined || !('serviceWorker' in navigator)) return;
  navigator.serviceWorker
    .register('./sw.js')
    .then(() => navigator.serviceWorker.ready)
    .then((registration) => {
      // What this first visit loaded before the service worker ran: keep it too.
      const urls = performance.getEntriesByType('resource').map((entry) => entry.name);
      registration.active?.postMessage({ type: 'precache', urls: [location.href, ...urls] });
    })
    .catch(() => undefined);
}

prompt.ready().then(
  () => {
    status.textContent = 'Connected to the worker.';
    keepForOffline();
    refreshKeys();
    // Live: every change to any key, in any tab, refreshes the key browser.
    void client.observe({ pattern: '*' }, refreshKeys);
  },
  (e: unknown) => {
    status.textContent = `The worker failed to start: ${e instanceof Error ? e.message : String(e)}`;
  },
);
