/**
 * The raw ceiling of a worker's cold start (persistence bench): a worker that opens the
 * store's database and reads every snapshot chunk with one getAll, then answers. A worker
 * design can start no faster than this.
 */
import { openDB } from 'idb';

self.onmessage = async (event: MessageEvent<string>) => {
  const db = await openDB(event.data);
  const chunks = await db.getAll('chunks');
  db.close();
  (self as unknown as Worker).postMessage(chunks.length);
};
