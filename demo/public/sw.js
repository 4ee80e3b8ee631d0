// The demo's service worker: keeps every same-origin GET it has served (network first,
// the cached copy when offline), so the page and its worker load offline after one
// visit. The data the page caches itself lives in idb-redis (see cache.ts).
const CACHE = 'idb-redis-demo-v1';

self.addEventListener('install', () => self.skipWaiting());
self.addEventListener('activate', (event) => event.waitUntil(self.clients.claim()));

// The page sends what it loaded before this worker controlled it (its first visit).
self.addEventListener('message', (event) => {
  const data = event.data;
  if (data === null || typeof data !== 'object' || data.type !== 'precache' || !Array.isArray(data.urls)) return;
  const urls = data.urls.filter((url) => typeof url === 'string' && new URL(url).origin === self.location.origin);
  event.waitUntil(caches.open(CACHE).then((cache) => Promise.all(urls.map((url) => cache.add(url).catch(() => undefined)))));
});

self.addEventListener('fetch', (event) => {
  const request = event.request;
  if (request.method !== 'GET' || new URL(request.url).origin !== self.location.origin) return;
  event.respondWith(
    fetch(request)
      .then((response) => {
        if (response.ok) {
          const copy = response.clone();
          event.waitUntil(caches.open(CACHE).then((cache) => cache.put(request, copy)));
        }
        return response;
      })
      // ignoreVary: module scripts are requested with an Origin header the precache lacked.
      .catch(() => caches.match(request, { ignoreVary: true }).then((cached) => cached ?? Response.error())),
  );
});
