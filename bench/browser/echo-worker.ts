/** The raw ceiling: a worker that echoes every message straight back. */
self.onmessage = (event: MessageEvent) => {
  (self as unknown as Worker).postMessage(event.data);
};
