/**
 * A page of the multi-tab tests (test/e2e/tabs.test.ts): one client of the store named in
 * `?store=`, left on `window` for the driver, with a log of the messages it received.
 */
import { createClient, type RedisClient } from '../../../src/index.js';

declare global {
  interface Window {
    redis: RedisClient;
    received: string[];
    tabsReady: boolean;
  }
}

const store = new URLSearchParams(location.search).get('store') ?? 'tabs';
window.redis = createClient({ name: store });
window.received = [];
window.tabsReady = true;
