/**
 * The offline-cache example: `cachedFetch` keeps fetched JSON in idb-redis under a TTL,
 * the way a PWA caches API responses. A hit answers from the store (in any tab, after a
 * reload, offline); a miss fetches, stores with `SET … EX ttl`, and answers.
 */
import type { RedisClient } from '../src/index.js';

export interface CachedResponse {
  body: string;
  /** Where the answer came from. */
  source: 'cache' | 'network';
  /** Seconds the cached copy has left (-1 when it has no TTL). */
  ttl: number;
  ms: number;
}

/** Fetch `url` through the cache: the whole pattern is these few lines. */
export async function cachedFetch(client: RedisClient, url: string, ttlSeconds: number): Promise<CachedResponse> {
  const start = performance.now();
  const key = `cache:${url}`;
  const cached = await client.get(key);
  if (cached !== null) return { body: cached, source: 'cache', ttl: await client.ttl(key), ms: performance.now() - start };
  const response = await fetch(url);
  if (!response.ok) throw new Error(`${url}: HTTP ${response.status}`);
  const body = await response.text();
  await client.set(key, body, { EX: ttlSeconds });
  return { body, source: 'network', ttl: ttlSeconds, ms: performance.now() - start };
}

const RESOURCES = ['data/forecast.json', 'data/exchange-rates.json'];

export function mountCache(root: HTMLElement, client: RedisClient, onChange: () => void): void {
  const controls = document.createElement('div');
  controls.className = 'toolbar';
  const select = document.createElement('select');
  select.id = 'cache-url';
  for (const url of RESOURCES) select.append(new Option(url, url));
  const ttl = document.createElement('input');
  ttl.id = 'cache-ttl';
  ttl.type = 'number';
  ttl.min = '1';
  ttl.value = '30';
  ttl.setAttribute('aria-label', 'TTL in seconds');
  const button = document.createElement('button');
  button.id = 'cache-fetch';
  button.textContent = 'cachedFetch';
  const log = document.createElement('ol');
  log.id = 'cache-log';
  log.className = 'cache-log';
  controls.append(select, ttl, document.createTextNode('s TTL '), button);
  root.append(controls, log);

  button.addEventListener('click', () => {
    const item = document.createElement('li');
    cachedFetch(client, select.value, Math.max(1, Number(ttl.value) || 30)).then(
      (r) => {
        item.className = r.source;
        const preview = r.body.replace(/\s+/g, ' ').slice(0, 60);
        item.textContent = `${r.source === 'cache' ? 'HIT' : 'MISS'} ${select.value} in ${r.ms.toFixed(1)} ms, TTL ${r.ttl} s — ${preview}…`;
        onChange();
      },
      (e: unknown) => {
        item.className = 'error';
        item.textContent = `${select.value}: ${e instanceof Error ? e.message : String(e)} (offline and not cached?)`;
      },
    );
    log.prepend(item);
    while (log.children.length > 8) log.lastElementChild!.remove();
  });
}
