/** A page with one client on store 'reload-test', for reload.test.ts to drive. */
import { createClient } from '../../../src/index.js';

const redis = createClient({ name: 'reload-test' });
(window as unknown as { redis: typeof redis }).redis = redis;
await redis.ping();
(window as unknown as { ready: boolean }).ready = true;
