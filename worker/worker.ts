/**
 * The Worker entry: wiring only. One engine per database name; each `connect` message
 * opens a session (its own engine connection) served through Comlink on the port it
 * carries. Anything else arriving on the worker's own port is ignored.
 */
import * as Comlink from 'comlink';
import { createEngine, type Engine } from '../src/engine/engine.js';
import { PROTOCOL_VERSION, isConnectMessage } from '../src/client/protocol.js';
import { createSession, refusingSession } from '../src/client/session.js';

const engines = new Map<string, Engine>();

function engineFor(name: string): Engine {
  let engine = engines.get(name);
  if (engine === undefined) engines.set(name, (engine = createEngine()));
  return engine;
}

self.addEventListener('message', (event: MessageEvent<unknown>) => {
  const message = event.data;
  if (isConnectMessage(message)) {
    const port = message.port;
    const session = createSession(engineFor(message.name).connect(), (push) => port.postMessage(push));
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
