/** Comlink's own cost: a worker exposing an object whose one method returns its argument. */
import * as Comlink from 'comlink';

Comlink.expose({ handle: (request: unknown) => request });
