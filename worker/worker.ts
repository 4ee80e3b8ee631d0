/**
 * The Worker entry: wiring only. One `TabNode` per store name (worker/tab.ts): it takes part
 * in the store's leader election across tabs and runs each session here (leader) or at the
 * leader (follower). Each `connect` message opens a session served through Comlink on the
 * port it carries. Anything else arriving on the worker's own port is ignored.
 */
import * as Comlink from 'comlink';
import { createEngine, type Engine } from '../src/engine/engine.js';
import { indexedDBStorage } from '../src/persistence/indexeddb.js';
import { PROTOCOL_VERSION, isConnectMessage, isFlushMessage, portCallId, type HostSession, type PortResponse, type Response } from '../src/client/protocol.js';
import { refusingSession } from '../src/client/session.js';
import { TabNode } from './tab.js';

const nodes = new Map<string, TabNode>();
/** The engines this tab leads, by store name: flushed when the page hides. */
const engines = new Map<string, Engine>();

/**
 * The node of a store. Persisted stores (the default) are `name` in IndexedDB; a client
 * created with `persistence: false` gets an in-memory keyspace of its own election domain
 * (`memory:<name>`), so it never shares a leader with, or writes to, the persisted one.
 */
function nodeFor(name: string, persistence: boolean): TabNode {
  const store = persistence ? name : `memory:${name}`;
  let node = nodes.get(store);
  if (node === undefined) {
    // The leader's engine recovers the store from IndexedDB when this tab takes the lead.
    node = new TabNode(store, {
      openEngine: (store, epochSeen) => {
        const engine = persistence ? createEngine({ storage: indexedDBStorage(store), persistence: { epochSeen } }) : createEngine();
        engines.set(store, engine);
        return engine;
      },
    });
    nodes.set(store, node);
  }
  return node;
}

/**
 * Serve `session` on `port`: batches arrive as port calls and are answered on the port with
 * their id (src/client/transport.ts); Comlink serves the rest on `rpc` (on `port` for a
 * client that sent none), and calls the finalizer when the page releases its proxy.
 */
function serve(session: HostSession & { close?(): void }, port: MessagePort, rpc: MessagePort = port): void {
  const finalize = (): void => {
    session.close?.();
    // Comlink closes its own port on release; the command stream's is ours to close.
    if (rpc !== port) port.close();
  };
  Comlink.expose(Object.assign(session, { [Comlink.finalizer]: finalize }), rpc);
  port.addEventListener('message', (event: MessageEvent<unknown>) => {
    const request = event.data;
    const id = portCallId(request);
    if (id === null) return;
    const answer = (response: Response): void => {
      const message: PortResponse = { ...response, id };
      port.postMessage(message);
    };
    const refuse = (error: unknown): void => answer({ v: PROTOCOL_VERSION, type: 'error', message: error instanceof Error ? error.message : String(error) });
    try {
      // The session checks the request itself (version, shape) like any other.
      Promise.resolve(session.handle(request as Parameters<HostSession['handle']>[0])).then(answer, refuse);
    } catch (error) {
      refuse(error);
    }
  });
  port.start();
}

self.addEventListener('message', (event: MessageEvent<unknown>) => {
  const message = event.data;
  if (isConnectMessage(message)) {
    serve(nodeFor(message.name, message.persistence ?? true).openSession(message.port), message.port, message.rpc);
    return;
  }
  if (isFlushMessage(message)) {
    void engines.get(message.name)?.flush().catch(() => undefined);
    if (message.leaving === true) nodes.get(message.name)?.resign();
    return;
  }
  const port = event.ports[0];
  if (port !== undefined) {
    // A connect from a client speaking another protocol version: answer, so it fails fast.
    serve(refusingSession(`idb-redis worker speaks protocol ${PROTOCOL_VERSION}; the client does not`), port);
    return;
  }
});
