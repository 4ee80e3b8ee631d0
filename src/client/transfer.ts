/**
 * A client's whole dataset out and in as RESP commands (what `redis-cli --pipe` sends), so
 * a store can move to a real Redis server and back.
 *
 * - Export reads the store's committed state straight from IndexedDB, in the page, with a
 *   read-only engine (the worker that leads the store keeps serving meanwhile): a
 *   point-in-time copy holding every write acknowledged under `appendfsync always`. The
 *   engine and persistence code load on first use only, so pages that never export do not
 *   carry them.
 * - Import parses the stream and sends its commands through the client, a thousand per
 *   message, so it works from any tab (followers forward to the leader) and each write is
 *   as durable as any other.
 */
import { isAscii, toByteString, toUint8Array } from '../engine/bytes.js';
import type { RedisArgument } from './commands/define.js';
import type { ImportResult, ImportSource } from '../persistence/export.js';

/** Commands per group: issued in one tick, they travel as one message. */
const GROUP = 1000;

/** The store `name`'s dataset as RESP command bytes, read from IndexedDB. */
export async function exportStore(name: string): Promise<Uint8Array> {
  const [{ createEngine }, { indexedDBStorage }, { exportRespBytes }] = await Promise.all([
    import('../engine/engine.js'),
    import('../persistence/indexeddb.js'),
    import('../persistence/export.js'),
  ]);
  const engine = createEngine({ storage: indexedDBStorage(name), persistence: { readOnly: true }, activeExpire: false });
  try {
    await engine.ready;
    return await exportRespBytes(engine);
  } finally {
    engine.close();
  }
}

/** A byte string as a client argument: ASCII as is, anything else as its exact bytes. */
function argument(bytes: string): RedisArgument {
  return isAscii(bytes) ? bytes : toUint8Array(bytes);
}

/**
 * Run the RESP commands of `source` through `send`. Rejects if the stream is not RESP or
 * ends inside a command; the commands before that were sent.
 */
export async function importThrough(send: (argv: RedisArgument[]) => Promise<unknown>, source: ImportSource): Promise<ImportResult> {
  const { unpackCommands } = await import('../persistence/codec.js');
  const result: ImportResult = { commands: 0, errors: 0, firstError: null };
  const flush = async (group: string[][]): Promise<void> => {
    const replies = await Promise.allSettled(group.map((argv) => send(argv.map(argument))));
    for (const reply of replies) {
      result.commands++;
      if (reply.status === 'rejected') {
        result.errors++;
        result.firstError ??= reply.reason instanceof Error ? reply.reason.message : String(reply.reason);
      }
    }
  };
  const chunks: Iterable<string | Uint8Array> | AsyncIterable<string | Uint8Array> =
    typeof source === 'string' || source instanceof Uint8Array ? [source] : source;
  let rest = '';
  const group: string[][] = [];
  for await (const chunk of chunks) {
    const data = rest + toByteString(chunk);
    const { offset, error } = unpackCommands(data, (argv) => group.push(argv), true);
    while (group.length >= GROUP) await flush(group.splice(0, GROUP));
    if (error !== null) {
      await flush(group);
      throw new Error(`ERR import: not RESP after command ${result.commands} (${error})`);
    }
    rest = data.slice(offset);
  }
  await flush(group);
  if (rest.length > 0) throw new Error(`ERR import: the stream ends inside a command (${rest.length} bytes left)`);
  return result;
}
