/**
 * Leadership epochs: a counter per store, kept in IndexedDB so it only ever grows, even
 * when every tab closed in between. A tab that wins the leader lock takes the next epoch
 * in one readwrite transaction (IndexedDB serialises them), so two leaderships never share
 * one. Where IndexedDB is missing the epoch is one more than the highest this tab has seen.
 *
 * This counter serves stores opened with `persistence: false`. A persisted store keeps its
 * epoch in its own database instead, where every write transaction checks it (fencing:
 * src/persistence/storage.ts); its leader takes the epoch from there.
 */
const DB_NAME = 'idb-redis-epochs';
const STORE = 'epochs';

function request<T>(req: IDBRequest<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error ?? new Error('IndexedDB request failed'));
  });
}

/** Take the next epoch of `store` (greater than every epoch taken before, and than `seen`). */
export async function nextEpoch(store: string, seen: number): Promise<number> {
  if (typeof indexedDB === 'undefined') return seen + 1;
  const open = indexedDB.open(DB_NAME, 1);
  open.onupgradeneeded = () => open.result.createObjectStore(STORE);
  const db = await request(open);
  try {
    const tx = db.transaction(STORE, 'readwrite');
    const objects = tx.objectStore(STORE);
    const current = await request(objects.get(store));
    const epoch = Math.max(typeof current === 'number' ? current : 0, seen) + 1;
    objects.put(epoch, store);
    await new Promise<void>((resolve, reject) => {
      tx.oncomplete = () => resolve();
      tx.onerror = tx.onabort = () => reject(tx.error ?? new Error('IndexedDB transaction failed'));
    });
    return epoch;
  } finally {
    db.close();
  }
}
