/**
 * The raw ceiling of an awaited `always` write through a worker (persistence bench): per
 * message, one IndexedDB transaction shaped as the log's append (a record under its seq,
 * the store's epoch read beside it, committed at once), answered when it completes.
 */
// Listening before the open: a message arriving meanwhile waits for it instead of being lost.
const opened: Promise<IDBDatabase> = new Promise((resolve, reject) => {
  const open = indexedDB.open(`bench-tx-worker-${Date.now()}`, 1);
  open.onupgradeneeded = () => {
    open.result.createObjectStore('manifest');
    open.result.createObjectStore('log', { keyPath: 'seq' });
  };
  open.onsuccess = () => resolve(open.result);
  open.onerror = () => reject(open.error);
});
let seq = 0;
export {};

self.onmessage = async (event: MessageEvent<string>) => {
  const db = await opened;
  const tx = db.transaction(['log', 'manifest'], 'readwrite');
  tx.objectStore('manifest').get('epoch');
  tx.objectStore('log').add({ seq: ++seq, format: 3, count: 1, data: event.data, epoch: 1 });
  tx.commit();
  tx.oncomplete = () => (self as unknown as Worker).postMessage(seq);
};
