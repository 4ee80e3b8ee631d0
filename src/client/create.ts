/**
 * `createClient`: a client in a page, whose engine session runs in a Web Worker (this
 * package's worker entry, or one the caller passes), with the page-lifecycle hooks a
 * persistent store needs.
 */
import { PROTOCOL_VERSION, type FlushMessage } from './protocol.js';
import { workerTransport, type Transport } from './transport.js';
import { RedisClient } from './client.js';

export interface ClientOptions {
  /** Database name (default 'default'); clients of one name share a keyspace. */
  name?: string;
  /**
   * The worker to run in. Default: a module worker spawned from this package's worker entry.
   * A factory's worker is terminated by quit() / close(); a Worker instance passed in is
   * left running (the caller owns it), only this client's session on it is closed.
   */
  worker?: Worker | (() => Worker);
  /**
   * Persist the keyspace in IndexedDB (default true): data survives reloads and restarts,
   * and a write's reply arrives once it is committed (appendfsync always; CONFIG SET
   * appendfsync everysec / no trades that for speed). False: the keyspace lives in memory
   * only, shared by the tabs' clients of this name that also chose false.
   */
  persistence?: boolean;
}

/**
 * Create a client in a page. It runs its own engine session in a Web Worker; commands issued
 * in the same tick travel in one message.
 */
export function createClient(options: ClientOptions = {}): RedisClient {
  const name = options.name ?? 'default';
  const given = options.worker;
  const worker = given === undefined ? spawnWorker() : typeof given === 'function' ? given() : given;
  const terminate = given === undefined || typeof given === 'function';
  const persistence = options.persistence ?? true;
  // The subscriber session is a second port to the same worker; the main one owns the worker.
  const openSubscriber = (): Transport => workerTransport(worker, { name, terminate: false, persistence });
  const transport = workerTransport(worker, { name, terminate, persistence });
  return new RedisClient(persistence ? flushingWhenHidden(transport, worker, name) : transport, name, openSubscriber, persistence);
}

/**
 * Tell the worker to commit pending log records when the page is hidden or unloaded (the
 * last moment a page is sure to run: everysec / no modes would otherwise lose up to their
 * period). The listeners go with the transport.
 */
function flushingWhenHidden(transport: Transport, worker: Worker, name: string): Transport {
  const doc = (globalThis as { document?: Document }).document;
  if (doc === undefined || typeof addEventListener !== 'function') return transport;
  const flush = (leaving = false): void =>
    worker.postMessage({ v: PROTOCOL_VERSION, type: 'flush', name, leaving } satisfies FlushMessage);
  const onVisibility = (): void => {
    if (doc.visibilityState === 'hidden') flush();
  };
  // Unloaded for good (not into the back/forward cache): the tab hands over its lead.
  const onPageHide = (event: Event): void => flush(!(event as PageTransitionEvent).persisted);
  doc.addEventListener('visibilitychange', onVisibility);
  addEventListener('pagehide', onPageHide);
  return {
    // Every other member (request, onPush …) is the transport's own.
    ...transport,
    close() {
      doc.removeEventListener('visibilitychange', onVisibility);
      removeEventListener('pagehide', onPageHide);
      transport.close();
    },
  };
}

function spawnWorker(): Worker {
  // Written out in full so bundlers (Vite, webpack 5) see and bundle the worker entry.
  return new Worker(new URL('../../worker/worker.ts', import.meta.url), { type: 'module' });
}
