/** The page's side of the raw ceiling: a worker that echoes every message, awaited per message. */
export function echoWorker(): { worker: Worker; send: (data: unknown) => Promise<unknown> } {
  const worker = new Worker(new URL('./echo-worker.ts', import.meta.url), { type: 'module' });
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
