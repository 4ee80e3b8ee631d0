/**
 * The Worker entry: wiring only. One `TabNode` per store name (worker/tab.ts): it takes part
 * in the store's leader election across tabs and runs each session here (leader) or at the
 * leader (follower). Each `connect` message opens a session served through Comlink on the
 * port it carries. Anything else arriving on the worker's own port is ignored.
 */
import * as Comlink from 'comlink';
import { createEngine } from '../src/engine/engine.js';
import { indexedDBStorage } from '../src/persistence/indexeddb.js';
import { PROTOCOL_VERSION, isConnectMessage } from '../src/client/protocol.js';
import { refusingSession } from '../src/client/session.js';
import { TabNode } from './tab.js';

const nodes = new Map<string, TabNode>();

function nodeFor(name: string): TabNode {
  let node = nodes.get(name);
  if (node === undefined) {
    // The leader's engine recovers the store from IndexedDB when this tab takes the lead.
    node = new TabNode(name, { openEngine: (store) => createEngine({ storage: indexedDBStorage(store) }) });
    nodes.set(name, node);
  }
  return node;
}

self.addEventListener('message', (event: MessageEvent<unknown>) => {
  const message = event.data;
  if (isConnectMessage(message)) {
    const session = nodeFor(message.name).openSession(message.port);
    // Comlink calls the finalizer when the page releases its proxy.
    Comlink.expose(Object.assign(session, { [Comlink.finalizer]: () => session.close() }), message.port);
    return;
  }
  const port = event.ports[0];
  if (port !== undefined) {
    // A connect from a client speaking another protocol version: answer, so it fails fast.
    Comlink.expose(refusingSession(`idb-redis worker speaks protocol ${PROTOCOL_VERSION}; the client does not`), port);
    return;
  }
});
