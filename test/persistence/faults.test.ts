/**
 * Write faults: QuotaExceededError refuses writes with MISCONF while reads go on, and
 * nothing acknowledged is lost; writes resume once appends succeed again.
 */
import { describe, expect, it, vi } from 'vitest';
import { createEngine } from '../../src/engine/engine.js';
import { faultyStorage, quotaExceeded } from '../../src/persistence/faults.js';
import { memoryStorage } from '../../src/persistence/storage.js';
import { open } from './support.js';

describe('QuotaExceededError', () => {
  it('write commands fail with MISCONF, reads keep working, writes resume when space returns', async () => {
    const inner = memoryStorage();
    let full = false;
    const storage = faultyStorage(inner, {
      before(op) {
        if (full && op === 'append') throw quotaExceeded();
      },
    });
    const engine = createEngine({ storage });
    expect(await engine.call(['SET', 'kept', '1'])).toBe('OK');
    full = true;
    // The write whose commit fails is not acknowledged.
    await expect(engine.call(['SET', 'pending', '2'])).rejects.toThrow(/^MISCONF .*QuotaExceededError/);
    // Later writes are refused up front; reads are served.
    await expect(engine.call(['INCR', 'kept'])).rejects.toThrow(/^MISCONF/);
    expect(await engine.call(['GET', 'kept'])).toBe('1');
    expect(String(await engine.call(['INFO', 'persistence']))).toMatch(/aof_last_write_status:err/);
    // A transaction with a write is refused as a whole.
    const conn = engine.connect();
    await conn.call(['MULTI']);
    await expect(conn.call(['SET', 'x', 'y'])).rejects.toThrow(/^MISCONF/);
    await expect(conn.call(['EXEC'])).rejects.toThrow(/^EXECABORT/);
    full = false;
    await vi.waitFor(() => expect(engine.writeDenied).toBeNull(), { timeout: 5000, interval: 50 });
    expect(await engine.call(['INCR', 'kept'])).toBe(2);
    expect(String(await engine.call(['INFO', 'persistence']))).toMatch(/aof_last_write_status:ok/);
    engine.close();
    // The acknowledged writes are stored, and so is the retried one.
    const again = await open(inner);
    expect(await again.call(['MGET', 'kept', 'pending'])).toEqual(['2', '2']);
    again.close();
  });

  it('a failed snapshot leaves the store loadable and reports the failure', async () => {
    const inner = memoryStorage();
    let failChunks = true;
    const storage = faultyStorage(inner, {
      before(op) {
        if (failChunks && op === 'writeChunks') throw quotaExceeded();
      },
    });
    const engine = createEngine({ storage });
    for (let i = 0; i < 20; i++) await engine.call(['SET', `k${i}`, 'v']);
    await expect(engine.call(['SAVE'])).rejects.toThrow(/QuotaExceededError/);
    expect(String(await engine.call(['INFO', 'persistence']))).toMatch(/rdb_last_bgsave_status:err/);
    failChunks = false;
    expect(await engine.call(['SAVE'])).toBe('OK');
    engine.close();
    const again = await open(inner);
    expect(await again.call(['DBSIZE'])).toBe(20);
    again.close();
  });
});
