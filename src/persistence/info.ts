/**
 * INFO persistence for an engine with a store, in Redis 7.0's fields and order (redis:
 * genRedisInfoString, "Persistence"), with what this store really does: loading progress,
 * snapshot (rdb_*) and log (aof_*) state, the last write status. Fork and copy-on-write
 * sizes read 0 (there is no fork). idb-redis's own fields follow Redis's.
 */
import type { Persistence } from './persistence.js';

export function persistenceInfo(p: Persistence): Array<[string, string | number]> {
  const engine = p.engine;
  const now = engine.clock();
  const stats = p.stats;
  const walk = p.snapshots.current;
  const progress = p.loadProgress;
  const loading = p.loading !== null && p.unavailable?.startsWith('LOADING') === true;
  const fields: Array<[string, string | number]> = [['loading', loading ? 1 : 0], ['async_loading', 0]];
  if (loading && progress !== null) {
    const total = progress.chunksTotal + progress.recordsTotal;
    const done = progress.chunksLoaded + progress.recordsLoaded;
    fields.push(
      ['loading_start_time', Math.floor(engine.stats.startedAt / 1000)],
      ['loading_total_bytes', total],
      ['loading_rdb_used_mem', 0],
      ['loading_loaded_bytes', done],
      ['loading_loaded_perc', total === 0 ? '0.00' : ((done * 100) / total).toFixed(2)],
      ['loading_eta_seconds', 1],
    );
  }
  const bg = walk !== null && walk.kind !== 'rewrite';
  const rw = walk !== null && walk.kind === 'rewrite';
  const since = (at: number) => Math.round((now - at) / 1000);
  const manifest = p.manifest;
  fields.push(
    ['current_cow_peak', 0],
    ['current_cow_size', 0],
    ['current_cow_size_age', 0],
    ['current_fork_perc', '0.00'],
    ['current_save_keys_processed', 0],
    ['current_save_keys_total', 0],
    ['rdb_changes_since_last_save', Math.max(0, engine.stats.dirty - stats.dirtyAtSave)],
    ['rdb_bgsave_in_progress', bg ? 1 : 0],
    ['rdb_last_save_time', Math.floor(stats.lastSaveAt / 1000)],
    ['rdb_last_bgsave_status', stats.lastSaveStatus],
    ['rdb_last_bgsave_time_sec', stats.lastSaveSeconds],
    ['rdb_current_bgsave_time_sec', bg ? since(walk.startedAt) : -1],
    ['rdb_saves', stats.saves],
    ['rdb_last_cow_size', 0],
    ['rdb_last_load_keys_expired', stats.keysExpired],
    ['rdb_last_load_keys_loaded', stats.keysLoaded],
    ['aof_enabled', p.appendonly ? 1 : 0],
    ['aof_rewrite_in_progress', rw ? 1 : 0],
    ['aof_rewrite_scheduled', p.snapshots.scheduledKind === 'rewrite' ? 1 : 0],
    ['aof_last_rewrite_time_sec', stats.rewrites > 0 ? stats.lastSaveSeconds : -1],
    ['aof_current_rewrite_time_sec', rw ? since(walk.startedAt) : -1],
    ['aof_last_bgrewrite_status', stats.lastRewriteStatus],
    ['aof_rewrites', stats.rewrites],
    ['aof_rewrites_consecutive_failures', stats.rewriteFailures],
    ['aof_last_write_status', stats.lastWriteError === null ? 'ok' : 'err'],
    ['aof_last_cow_size', 0],
    ['module_fork_in_progress', 0],
    ['module_fork_last_cow_size', 0],
  );
  if (p.appendonly) {
    fields.push(
      ['aof_current_size', manifest.snapshotBytes + p.log.logBytes],
      ['aof_base_size', manifest.snapshotBytes],
      ['aof_pending_rewrite', p.snapshots.scheduledKind === 'rewrite' ? 1 : 0],
      ['aof_buffer_length', p.log.pendingBytes],
      ['aof_pending_bio_fsync', p.log.appending ? 1 : 0],
      ['aof_delayed_fsync', 0],
    );
  }
  fields.push(
    ['idb_store', p.storage.name],
    ['idb_appendfsync', p.appendfsync],
    ['idb_last_write_error', stats.lastWriteError ?? ''],
    ['idb_log_records', p.log.committedRecords.length],
    ['idb_log_appends', p.log.appends],
    ['idb_snapshot_keys', manifest.keys],
    // Snapshot keys not built into the keyspace yet (a cold start serves before: keyspace.ts).
    ['idb_keys_unbuilt', engine.db.unbuiltKeys],
    ['idb_load_warnings', stats.loadWarnings.length],
    // Fencing (storage.ts): the leadership epoch this engine writes under (0: read-only),
    // and the newer one that refused its writes, if any.
    ['idb_epoch', p.epoch],
    ['idb_fenced_by_epoch', p.fencedBy?.current ?? 0],
  );
  return fields;
}
