/**
 * The persistence panel: the store lives in IndexedDB (reload the page: everything is
 * still there), a snapshot on demand (BGSAVE), and the dataset exported as RESP commands
 * (`redis-cli --pipe` input for a real Redis) and imported back.
 */
import type { RedisClient } from '../src/index.js';
import { parseInfo } from './stats.js';

export function mountPersistence(root: HTMLElement, client: RedisClient, onChange: () => void): { refresh(): Promise<void> } {
  const summary = document.createElement('p');
  summary.id = 'persistence-summary';
  summary.className = 'muted';
  const buttons = document.createElement('div');
  buttons.className = 'toolbar';
  const button = (id: string, label: string, onClick: () => Promise<void>): HTMLButtonElement => {
    const b = document.createElement('button');
    b.id = id;
    b.textContent = label;
    b.addEventListener('click', () => {
      b.disabled = true;
      onClick()
        .catch((e: unknown) => report(e instanceof Error ? e.message : String(e), true))
        .finally(() => (b.disabled = false));
    });
    buttons.append(b);
    return b;
  };
  const result = document.createElement('p');
  result.id = 'persistence-result';
  const report = (text: string, error = false): void => {
    result.textContent = text;
    result.className = error ? 'error' : '';
  };

  const refresh = async (): Promise<void> => {
    const info = parseInfo(await client.info('persistence'));
    const saved = Number(info['rdb_last_save_time']);
    summary.textContent =
      `appendonly ${info['aof_enabled'] === '1' ? 'on' : 'off'}, log ${info['aof_current_size'] ?? '?'} bytes, ` +
      `last snapshot ${saved > 0 ? new Date(saved * 1000).toLocaleTimeString() : 'never'}`;
  };

  button('reload', 'Reload the page', async () => location.reload());
  button('bgsave', 'BGSAVE', async () => {
    report(String(await client.sendCommand(['BGSAVE'])));
    setTimeout(() => void refresh(), 500);
  });
  button('export', 'Export (RESP)', async () => {
    const bytes = await client.exportResp();
    const url = URL.createObjectURL(new Blob([new Uint8Array(bytes)], { type: 'application/octet-stream' }));
    const link = document.createElement('a');
    link.href = url;
    link.download = 'idb-redis-demo.resp';
    link.click();
    setTimeout(() => URL.revokeObjectURL(url), 1000);
    report(`exported ${bytes.length} bytes: load them into Redis with redis-cli --pipe < idb-redis-demo.resp`);
  });
  const file = document.createElement('input');
  file.type = 'file';
  file.id = 'import-file';
  file.accept = '.resp,application/octet-stream';
  file.hidden = true;
  file.addEventListener('change', () => {
    const chosen = file.files?.[0];
    if (chosen === undefined) return;
    void chosen
      .arrayBuffer()
      .then((buffer) => client.importResp(new Uint8Array(buffer)))
      .then((r) => {
        report(`imported ${r.commands} commands${r.errors > 0 ? `, ${r.errors} failed (${r.firstError})` : ''}`, r.errors > 0);
        onChange();
      })
      .catch((e: unknown) => report(e instanceof Error ? e.message : String(e), true))
      .finally(() => (file.value = ''));
  });
  button('import', 'Import…', async () => file.click());
  root.append(summary, buttons, file, result);
  return { refresh };
}
