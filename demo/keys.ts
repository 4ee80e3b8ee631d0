/**
 * The key browser: every key (SCAN), its type, size and a live TTL countdown; select a
 * key to see and edit its value the way its type allows. `refresh()` re-reads the
 * keyspace; main.ts calls it when keyspace events say something changed.
 *
 * Reads go through `sendCommand` so every type is shown the same way, whatever typed
 * methods exist; a refresh issues all its commands in one tick, so auto-pipelining sends
 * them to the worker as one message.
 */
import type { RedisClient } from '../src/index.js';

/** How a type is sized and read (the first 100 elements of a collection). */
const READERS: Record<string, { size: string; read: (key: string) => string[] }> = {
  string: { size: 'STRLEN', read: (key) => ['GET', key] },
  hash: { size: 'HLEN', read: (key) => ['HGETALL', key] },
  list: { size: 'LLEN', read: (key) => ['LRANGE', key, '0', '99'] },
  set: { size: 'SCARD', read: (key) => ['SRANDMEMBER', key, '100'] },
  zset: { size: 'ZCARD', read: (key) => ['ZRANGE', key, '0', '99', 'WITHSCORES'] },
};

const MAX_KEYS = 500;

interface KeyRow {
  key: string;
  type: string;
  size: number | null;
  /** Absolute expiry in ms (page clock), or null when the key has no TTL. */
  expiresAt: number | null;
}

function el<K extends keyof HTMLElementTagNameMap>(tag: K, text?: string, className?: string): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  if (text !== undefined) node.textContent = text;
  if (className !== undefined) node.className = className;
  return node;
}

function formatTtl(row: KeyRow, now: number): string {
  if (row.expiresAt === null) return '—';
  const ms = Math.max(0, row.expiresAt - now);
  return ms >= 10_000 ? `${Math.ceil(ms / 1000)} s` : `${(ms / 1000).toFixed(1)} s`;
}

export interface KeyBrowser {
  refresh(): Promise<void>;
}

export function mountKeyBrowser(root: HTMLElement, client: RedisClient): KeyBrowser {
  const filter = el('input');
  filter.placeholder = 'MATCH pattern, e.g. user:*';
  filter.id = 'key-filter';
  const count = el('span', '', 'muted');
  const table = el('table', undefined, 'keys');
  const body = el('tbody');
  const head = el('thead');
  const headRow = el('tr');
  for (const title of ['key', 'type', 'size', 'TTL']) headRow.append(el('th', title));
  head.append(headRow);
  table.append(head, body);
  const detail = el('div', undefined, 'key-detail');
  const toolbar = el('div', undefined, 'toolbar');
  toolbar.append(filter, count);
  root.append(toolbar, el('div', undefined, 'keys-scroll'), detail);
  root.querySelector('.keys-scroll')!.append(table);

  let rows: KeyRow[] = [];
  let selected: string | null = null;
  let refreshing: Promise<void> | null = null;
  let again = false;

  const load = async (): Promise<void> => {
    const pattern = filter.value.trim() || '*';
    const keys: string[] = [];
    for await (const key of client.scanIterator({ MATCH: pattern, COUNT: 200 })) {
      if (keys.length >= MAX_KEYS) break;
      if (!keys.includes(key)) keys.push(key);
    }
    keys.sort();
    const now = Date.now();
    // One tick: TYPE and PTTL of every key travel together.
    const [types, ttls] = await Promise.all([
      Promise.all(keys.map((key) => client.sendCommand(['TYPE', key]))),
      Promise.all(keys.map((key) => client.sendCommand(['PTTL', key]))),
    ]);
    const sizes = await Promise.all(
      keys.map((key, i) => {
        const reader = READERS[String(types[i])];
        return reader === undefined ? Promise.resolve(null) : client.sendCommand([reader.size, key]);
      }),
    );
    rows = keys
      .map((key, i) => ({
        key,
        type: String(types[i]),
        size: typeof sizes[i] === 'number' ? (sizes[i] as number) : null,
        expiresAt: typeof ttls[i] === 'number' && (ttls[i] as number) >= 0 ? now + (ttls[i] as number) : null,
      }))
      .filter((row) => row.type !== 'none');
    count.textContent = `${rows.length}${rows.length >= MAX_KEYS ? '+' : ''} keys`;
    renderRows();
    if (selected !== null) await showDetail(selected);
  };

  const renderRows = (): void => {
    const now = Date.now();
    body.replaceChildren(
      ...rows.map((row) => {
        const tr = el('tr');
        tr.dataset.key = row.key;
        if (row.key === selected) tr.className = 'selected';
        tr.append(el('td', row.key, 'key'), el('td', row.type, `type type-${row.type}`), el('td', row.size === null ? '' : String(row.size)), el('td', formatTtl(row, now), 'ttl'));
        tr.addEventListener('click', () => {
          selected = row.key;
          renderRows();
          void showDetail(row.key);
        });
        return tr;
      }),
    );
  };

  /** Tick the TTL column every 100 ms; a key whose TTL ran out triggers a refresh. */
  setInterval(() => {
    const now = Date.now();
    let expired = false;
    body.querySelectorAll<HTMLTableRowElement>('tr').forEach((tr, i) => {
      const row = rows[i];
      if (row === undefined || row.expiresAt === null) return;
      tr.querySelector('.ttl')!.textContent = formatTtl(row, now);
      if (row.expiresAt <= now) expired = true;
    });
    if (expired) void browser.refresh();
  }, 100);

  const act = async (argv: string[]): Promise<void> => {
    try {
      await client.sendCommand(argv);
      detail.querySelector('.detail-error')?.remove();
    } catch (e) {
      detail.append(el('p', e instanceof Error ? e.message : String(e), 'detail-error error'));
      return;
    }
    await browser.refresh();
  };

  /** A small inline form: labelled inputs and a button that runs `onSubmit(values)`. */
  const miniForm = (labels: string[], button: string, onSubmit: (values: string[]) => string[]): HTMLFormElement => {
    const form = el('form', undefined, 'mini-form');
    const inputs = labels.map((label) => {
      const input = el('input');
      input.placeholder = label;
      input.setAttribute('aria-label', label);
      return input;
    });
    const submit = el('button', button);
    submit.type = 'submit';
    form.append(...inputs, submit);
    form.addEventListener('submit', (event) => {
      event.preventDefault();
      void act(onSubmit(inputs.map((input) => input.value)));
    });
    return form;
  };

  const showDetail = async (key: string): Promise<void> => {
    const row = rows.find((r) => r.key === key);
    if (row === undefined) {
      detail.replaceChildren(el('p', `"${key}" is gone.`, 'muted'));
      return;
    }
    const reader = READERS[row.type];
    const value = reader === undefined ? null : await client.sendCommand(reader.read(key)).catch(() => null);
    const title = el('h3');
    title.append(el('span', key, 'key'), el('span', ` ${row.type}`, `type type-${row.type}`));
    const view = el('pre', undefined, 'value');
    const edits: HTMLElement[] = [];
    const items = Array.isArray(value) ? value.map(String) : [];
    switch (row.type) {
      case 'string': {
        const area = el('textarea');
        area.value = String(value ?? '');
        area.rows = 3;
        const save = el('button', 'Save (SET … KEEPTTL)');
        save.addEventListener('click', () => void act(['SET', key, area.value, 'KEEPTTL']));
        edits.push(area, save);
        break;
      }
      case 'hash':
        for (let i = 0; i < items.length; i += 2) view.append(`${items[i]} → ${items[i + 1]}\n`);
        edits.push(miniForm(['field', 'value'], 'HSET', ([f, v]) => ['HSET', key, f!, v!]), miniForm(['field'], 'HDEL', ([f]) => ['HDEL', key, f!]));
        break;
      case 'list':
        items.forEach((item, i) => view.append(`${i}) ${item}\n`));
        edits.push(miniForm(['element'], 'RPUSH', ([v]) => ['RPUSH', key, v!]), miniForm(['element'], 'LPUSH', ([v]) => ['LPUSH', key, v!]), miniForm(['element'], 'LREM all', ([v]) => ['LREM', key, '0', v!]));
        break;
      case 'set':
        for (const item of [...items].sort()) view.append(`${item}\n`);
        edits.push(miniForm(['member'], 'SADD', ([m]) => ['SADD', key, m!]), miniForm(['member'], 'SREM', ([m]) => ['SREM', key, m!]));
        break;
      case 'zset':
        for (let i = 0; i < items.length; i += 2) view.append(`${items[i + 1]}  ${items[i]}\n`);
        edits.push(miniForm(['score', 'member'], 'ZADD', ([s, m]) => ['ZADD', key, s!, m!]), miniForm(['member'], 'ZREM', ([m]) => ['ZREM', key, m!]));
        break;
      default:
        view.textContent = `(a ${row.type} value)`;
    }
    if (row.type !== 'string') view.prepend(el('span', `${row.size ?? 0} element(s)${(row.size ?? 0) > 100 ? ', first 100 shown' : ''}\n`, 'muted'));
    const ttlForm = miniForm(['seconds'], 'EXPIRE', ([s]) => ['EXPIRE', key, s!]);
    const persist = el('button', 'PERSIST');
    persist.addEventListener('click', () => void act(['PERSIST', key]));
    const del = el('button', 'DEL', 'danger');
    del.addEventListener('click', () => {
      selected = null;
      void act(['DEL', key]);
    });
    const keyActions = el('div', undefined, 'key-actions');
    keyActions.append(ttlForm, persist, del);
    detail.replaceChildren(title, row.type === 'string' ? el('span') : view, ...edits, keyActions);
  };

  let debounce: ReturnType<typeof setTimeout> | null = null;
  filter.addEventListener('input', () => {
    if (debounce !== null) clearTimeout(debounce);
    debounce = setTimeout(() => void browser.refresh(), 150);
  });

  const browser: KeyBrowser = {
    /** Coalesces: a refresh asked for while one runs runs once more after it. */
    async refresh() {
      if (refreshing !== null) {
        again = true;
        return refreshing;
      }
      refreshing = (async () => {
        do {
          again = false;
          await load().catch((e: unknown) => {
            count.textContent = `refresh failed: ${e instanceof Error ? e.message : String(e)}`;
          });
        } while (again);
        refreshing = null;
      })();
      return refreshing;
    },
  };
  return browser;
}
