/**
 * The page's side of a raw ceiling: a worker answering every message with one message,
 * awaited per message. Default: one that echoes them straight back.
 */
export function echoWorker(
  worker = new Worker(new URL('./echo-worker.ts', import.meta.url), { type: 'module' }),
): { worker: Worker; send: (data: unknown) => Promise<unknown> } {
  const waiting: Array<(v: unknown) => void> = [];
  worker.onmessage = (e) => waiting.shift()!(e.data);
  return {
    worker,
    send: (data) => {
      worker.postMessage(data);
      return new Promise((resolve) => waiting.push(resolve));
    },
  };
}
