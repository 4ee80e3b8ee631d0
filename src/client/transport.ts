/**
 * Transports carry protocol requests from a client to a host session. The client core only
 * sees this interface, so it runs the same over a Worker (Comlink on a MessageChannel) and
 * over an engine in the same process (Node, edge runtimes, unit tests).
 */
import * as Comlink from 'comlink';
import type { Engine } from '../engine/engine.js';
import { ClientClosedError } from './errors.js';
import { PROTOCOL_VERSION, isPortResponse, isPushMessage, type ConnectMessage, type HostSession, type PortRequest, type Request, type Response, type WireReply } from './protocol.js';
import { createSession, type Session } from './session.js';

export interface Transport {
  /** Send one request; resolves with its response, rejects if the transport failed or closed. */
  request(request: Request): Promise<Response>;
  /** Release every resource (port, proxy, the worker if owned). Pending requests reject. */
  close(): void;
  /**
   * Receive the session's pushes (pub/sub messages, confirmations), in order with replies.
   * Optional: a transport without it cannot serve subscriptions.
   */
  onPush?(listener: (push: WireReply) => void): void;
}

/** A transport to a fresh connection of an engine in this process. */
export function inProcessTransport(engine: Engine): Transport & { readonly session: Session } {
  const pushListeners = new Set<(push: WireReply) => void>();
  const session = createSession(engine.connect(), (message) => {
    for (const push of message.pushes) for (const listener of pushListeners) listener(push);
  });
  let closed = false;
  /** Requests still waiting (a batch behind a blocked BLPOP …): close() rejects them. */
  const pending = new Set<(error: Error) => void>();
  return {
    session,
    onPush(listener) {
      pushListeners.add(listener);
    },
    request(request) {
      if (closed) return Promise.reject(new ClientClosedError());
      // Answer asynchronously, as a worker would: callers never see a reply in their own tick.
      const answer = Promise.resolve().then(() => session.handle(request));
      return new Promise<Response>((resolve, reject) => {
        pending.add(reject);
        answer.then(resolve, reject).finally(() => pending.delete(reject));
      });
    },
    close() {
      closed = true;
      session.close();
      const error = new ClientClosedError();
      for (const reject of pending) reject(error);
      pending.clear();
    },
  };
}

export interface WorkerTransportOptions {
  /** Database name, passed to the worker (sessions with one name share a keyspace). */
  name: string;
  /** Terminate the worker on close: true when the client spawned it. */
  terminate: boolean;
  /** False: an in-memory keyspace (no IndexedDB). Default true. */
  persistence?: boolean;
}

/**
 * A transport to a session in `worker`: two MessageChannel ports are handed to the worker
 * in a `connect` message, so several clients can share one worker and releasing one
 * client's proxy never detaches another's. Batches, the command stream, go on the first as
 * plain protocol messages with a call id (PortRequest); Comlink serves the rest on the
 * second, where its listeners see only its own calls.
 */
export function workerTransport(worker: Worker, options: WorkerTransportOptions): Transport {
  const channel = new MessageChannel();
  const rpc = new MessageChannel();
  const connect: ConnectMessage = { v: PROTOCOL_VERSION, type: 'connect', name: options.name, port: channel.port2, rpc: rpc.port2 };
  if (options.persistence === false) connect.persistence = false;
  worker.postMessage(connect, [channel.port2, rpc.port2]);
  const remote = Comlink.wrap<HostSession>(rpc.port1);
  const pending = new Set<(error: Error) => void>();
  /** Batches sent on the port, by call id. */
  const calls = new Map<number, { resolve: (response: Response) => void; reject: (error: Error) => void }>();
  let nextCall = 1;
  let failure: Error | null = null;
  let closed = false;
  /** The worker answered once: later uncaught errors in it are its own, not a failed start. */
  let started = false;

  const fail = (error: Error): void => {
    if (failure === null) failure = error;
    for (const reject of pending) reject(error);
    pending.clear();
    for (const call of calls.values()) call.reject(error);
    calls.clear();
  };
  // A worker that fails to load or throws at top level would leave every call hanging.
  const onError = (event: ErrorEvent): void => {
    if (started) return;
    fail(new Error(`idb-redis worker failed: ${event.message || 'the worker script could not be loaded'}`));
  };
  worker.addEventListener('error', onError);

  const pushListeners = new Set<(push: WireReply) => void>();
  const onPort = (event: MessageEvent<unknown>): void => {
    const data = event.data;
    if (isPortResponse(data)) {
      const call = calls.get(data.id);
      if (call === undefined) return;
      calls.delete(data.id);
      started = true;
      call.resolve(data);
      return;
    }
    if (!isPushMessage(data)) return;
    for (const push of data.pushes) for (const listener of pushListeners) listener(push);
  };
  channel.port1.addEventListener('message', onPort);
  channel.port1.start();

  return {
    onPush(listener) {
      pushListeners.add(listener);
    },
    request(request) {
      if (failure !== null) return Promise.reject(failure);
      if (request.type === 'batch') {
        return new Promise<Response>((resolve, reject) => {
          const id = nextCall++;
          calls.set(id, { resolve, reject });
          const call = compact(request) as PortRequest;
          call.id = id;
          try {
            channel.port1.postMessage(call);
          } catch (error) {
            calls.delete(id);
            throw error;
          }
        });
      }
      return new Promise<Response>((resolve, reject) => {
        pending.add(reject);
        remote.handle(compact(request)).then(
          (response) => {
            started = true;
            pending.delete(reject);
            resolve(response);
          },
          (error: unknown) => {
            pending.delete(reject);
            reject(error instanceof Error ? error : new Error(String(error)));
          },
        );
      });
    },
    close() {
      if (closed) return;
      closed = true;
      worker.removeEventListener('error', onError);
      channel.port1.removeEventListener('message', onPort);
      pushListeners.clear();
      // Detaches the worker-side listener and closes our port once acknowledged.
      if (failure === null) remote[Comlink.releaseProxy]();
      const error = new ClientClosedError();
      fail(error);
      failure = error;
      channel.port1.close();
      if (options.terminate) worker.terminate();
    },
  };
}

/**
 * Structured clone copies a typed array's whole underlying buffer: send a view of a large
 * buffer (`subarray`) as a compact copy of just its bytes.
 */
function compact(request: Request): Request {
  if (request.type !== 'batch') return request;
  for (const argv of request.commands) {
    for (let i = 0; i < argv.length; i++) {
      const arg = argv[i]!;
      if (typeof arg !== 'string' && arg.byteLength !== arg.buffer.byteLength) argv[i] = arg.slice();
    }
  }
  return request;
}
