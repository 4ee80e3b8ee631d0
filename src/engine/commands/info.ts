/**
 * INFO section builders in Redis 7.0's text format (redis: genRedisInfoString):
 * `# Section\r\n` then `field:value\r\n` lines, sections separated by a blank line.
 *
 * Fields keep Redis's names and order so tools that parse INFO work. Values are honest
 * for this engine: what it tracks is reported (clients, keyspace, hits/misses, dirty
 * count), what cannot happen here reads as Redis reports it when idle (no forks, no
 * replicas, no network bytes), and what is not tracked at all (command and error
 * statistics, CPU time) is left out or zero. Memory is an estimate: key and value
 * bytes plus a fixed per-key overhead, computed by a walk of the keyspace that is
 * cached until the data changes.
 */
import type { Engine } from '../engine.js';
import type { Connection } from '../connection.js';

/** The Redis version this engine answers as (INFO, HELLO): clients gate features on it. */
export const REDIS_COMPAT_VERSION = '7.0.0';
/** idb-redis's own version; a test keeps it equal to package.json's. */
export const IDB_REDIS_VERSION = '0.1.0';

/** Sections in output order; `default` leaves out the statistics-heavy ones as Redis does. */
const SECTIONS = ['server', 'clients', 'memory', 'persistence', 'stats', 'replication', 'cpu', 'modules', 'cluster', 'keyspace'] as const;
type Section = (typeof SECTIONS)[number];

/** Per-key bookkeeping Redis pays (dict entry, object header, sds header), in bytes. */
const KEY_OVERHEAD = 48;
/** Extra per key with a TTL (the expires dict entry). */
const VOLATILE_OVERHEAD = 24;
/** Estimated bytes per element of a collection value. */
const ELEMENT_OVERHEAD = 32;

interface KeyspaceScan {
  /** The data version it was taken at: dirty count and expiry count. */
  version: string;
  dataset: number;
  overhead: number;
  /** Sum of (deadline - scan time) over keys with a TTL, in ms. */
  ttlSum: number;
  ttlKeys: number;
  scannedAt: number;
}

interface EngineInfoState {
  runId: string;
  replId: string;
  peakMemory: number;
  scan: KeyspaceScan | null;
}

const state = new WeakMap<Engine, EngineInfoState>();

function stateOf(engine: Engine): EngineInfoState {
  let s = state.get(engine);
  if (s === undefined) {
    s = { runId: randomHex(engine, 40), replId: randomHex(engine, 40), peakMemory: 0, scan: null };
    state.set(engine, s);
  }
  return s;
}

function randomHex(engine: Engine, length: number): string {
  let out = '';
  for (let i = 0; i < length; i++) out += Math.floor(engine.random() * 16).toString(16);
  return out;
}

function valueBytes(value: unknown): number {
  if (typeof value === 'string') return value.length;
  if (value !== null && typeof value === 'object') {
    const n = (value as { size?: unknown }).size ?? (value as { length?: unknown }).length;
    if (typeof n === 'number') return n * ELEMENT_OVERHEAD;
  }
  return 0;
}

/** Above this many keys the keyspace is sampled, not walked (the walk took tens of ms at 1M). */
const EXACT_KEYS = 65_536;
/** Keys a sampled estimate reads (each a few cache misses: ~1 µs at 1M keys). */
const SAMPLES = 1024;

/**
 * The byte estimate and TTL sum, once per data version: a walk of every key up to
 * EXACT_KEYS, else an estimate from SAMPLES random keys scaled to the whole (what Redis
 * does for avg_ttl, from its expiry cycle's samples). A keyspace still loading lazily is
 * sampled too, among its built keys: INFO builds nothing.
 */
function scanKeyspace(engine: Engine, now: number): KeyspaceScan {
  const s = stateOf(engine);
  const db = engine.db;
  const keys = db.loadedSize;
  const version = `${engine.stats.dirty}:${engine.stats.expiredKeys}:${keys}`;
  if (s.scan !== null && s.scan.version === version) return s.scan;
  let dataset = 0;
  let ttlSum = 0;
  let ttlKeys = 0;
  if (keys <= EXACT_KEYS && !db.building) {
    for (const [key, entry] of db.map) {
      dataset += key.length + valueBytes(entry.value);
      if (entry.expireAt !== 0) {
        ttlSum += entry.expireAt - now;
        ttlKeys++;
      }
    }
  } else {
    let sampled = 0;
    let sampledTtl = 0;
    let sampledVolatile = 0;
    db.sample(SAMPLES, () => engine.random(), (key, entry) => {
      sampled++;
      dataset += key.length + valueBytes(entry.value);
      if (entry.expireAt !== 0) {
        sampledTtl += Math.max(0, entry.expireAt - now);
        sampledVolatile++;
      }
    });
    dataset = sampled === 0 ? 0 : Math.round((dataset / sampled) * keys);
    ttlKeys = db.volatileKeys;
    ttlSum = sampledVolatile === 0 ? 0 : (sampledTtl / sampledVolatile) * ttlKeys;
  }
  const overhead = keys * KEY_OVERHEAD + ttlKeys * VOLATILE_OVERHEAD;
  s.scan = { version, dataset, overhead, ttlSum, ttlKeys, scannedAt: now };
  return s.scan;
}

/** Estimated bytes in use: the figure INFO memory reports as used_memory. */
export function usedMemory(engine: Engine, now: number): number {
  const scan = scanKeyspace(engine, now);
  const used = scan.dataset + scan.overhead;
  const s = stateOf(engine);
  if (used > s.peakMemory) s.peakMemory = used;
  return used;
}

/** CONFIG RESETSTAT: the memory peak restarts from the current figure. */
export function resetInfoStats(engine: Engine): void {
  stateOf(engine).peakMemory = 0;
}

/** Redis's bytesToHuman: 1023B, 1.00K, 1.50M, … */
export function bytesToHuman(n: number): string {
  const units = ['K', 'M', 'G', 'T', 'P'];
  if (n < 1024) return `${n}B`;
  let value = n / 1024;
  for (const unit of units) {
    if (value < 1024 || unit === 'P') return `${value.toFixed(2)}${unit}`;
    value /= 1024;
  }
  return `${n}B`;
}

type Fields = Array<[string, string | number]>;

function runtimeDescription(): string {
  const g = globalThis as { navigator?: { userAgent?: unknown }; process?: { version?: unknown; platform?: unknown; arch?: unknown } };
  if (typeof g.navigator?.userAgent === 'string') return g.navigator.userAgent;
  if (typeof g.process?.version === 'string') return `Node.js ${g.process.version} ${String(g.process.platform)} ${String(g.process.arch)}`;
  return 'unknown';
}

function serverSection(engine: Engine, now: number): Fields {
  const s = stateOf(engine);
  const uptime = Math.floor((now - engine.stats.startedAt) / 1000);
  const hz = engine.config.get('hz');
  return [
    ['redis_version', REDIS_COMPAT_VERSION],
    ['idb_redis_version', IDB_REDIS_VERSION],
    ['redis_git_sha1', '00000000'],
    ['redis_git_dirty', 0],
    ['redis_build_id', '0'],
    ['redis_mode', 'standalone'],
    ['os', runtimeDescription()],
    ['arch_bits', 64],
    ['process_id', 0],
    ['process_supervised', 'no'],
    ['run_id', s.runId],
    ['tcp_port', 0],
    ['server_time_usec', now * 1000],
    ['uptime_in_seconds', uptime],
    ['uptime_in_days', Math.floor(uptime / 86400)],
    ['hz', hz],
    ['configured_hz', hz],
    ['lru_clock', Math.floor(now / 1000) & 0xffffff],
    ['executable', ''],
    ['config_file', ''],
    ['io_threads_active', 0],
  ];
}

function clientsSection(engine: Engine): Fields {
  return [
    ['connected_clients', engine.clients.size],
    ['cluster_connections', 0],
    ['maxclients', engine.config.get('maxclients')],
    ['client_recent_max_input_buffer', 0],
    ['client_recent_max_output_buffer', 0],
    ['blocked_clients', engine.blocking.blockedClients],
    ['tracking_clients', 0],
    ['clients_in_timeout_table', engine.blocking.clientsWithTimeout],
  ];
}

const percent = (part: number, whole: number): string => `${(whole === 0 ? 0 : (part * 100) / whole).toFixed(2)}%`;

function memorySection(engine: Engine, now: number): Fields {
  const used = usedMemory(engine, now);
  const scan = scanKeyspace(engine, now);
  const peak = stateOf(engine).peakMemory;
  const maxmemory = Number(engine.config.get('maxmemory'));
  return [
    ['used_memory', used],
    ['used_memory_human', bytesToHuman(used)],
    ['used_memory_rss', used],
    ['used_memory_rss_human', bytesToHuman(used)],
    ['used_memory_peak', peak],
    ['used_memory_peak_human', bytesToHuman(peak)],
    ['used_memory_peak_perc', percent(used, peak)],
    ['used_memory_overhead', scan.overhead],
    ['used_memory_startup', 0],
    ['used_memory_dataset', scan.dataset],
    ['used_memory_dataset_perc', percent(scan.dataset, used)],
    ['total_system_memory', 0],
    ['total_system_memory_human', '0B'],
    ['maxmemory', engine.config.get('maxmemory')],
    ['maxmemory_human', bytesToHuman(maxmemory)],
    ['maxmemory_policy', engine.config.get('maxmemory-policy')],
    ['mem_fragmentation_ratio', '1.00'],
    ['mem_allocator', 'js'],
    ['lazyfree_pending_objects', 0],
    ['lazyfreed_objects', 0],
  ];
}

function persistenceSection(engine: Engine): Fields {
  // With a store, src/persistence reports what it does; without one, an idle Redis.
  if (engine.persistence !== null) return engine.persistence.info();
  return [
    ['loading', 0],
    ['async_loading', 0],
    ['current_cow_peak', 0],
    ['current_cow_size', 0],
    ['current_cow_size_age', 0],
    ['current_fork_perc', '0.00'],
    ['current_save_keys_processed', 0],
    ['current_save_keys_total', 0],
    ['rdb_changes_since_last_save', engine.stats.dirty],
    ['rdb_bgsave_in_progress', 0],
    ['rdb_last_save_time', Math.floor(engine.stats.startedAt / 1000)],
    ['rdb_last_bgsave_status', 'ok'],
    ['rdb_last_bgsave_time_sec', -1],
    ['rdb_current_bgsave_time_sec', -1],
    ['rdb_saves', 0],
    ['rdb_last_cow_size', 0],
    ['rdb_last_load_keys_expired', 0],
    ['rdb_last_load_keys_loaded', 0],
    ['aof_enabled', 0],
    ['aof_rewrite_in_progress', 0],
    ['aof_rewrite_scheduled', 0],
    ['aof_last_rewrite_time_sec', -1],
    ['aof_current_rewrite_time_sec', -1],
    ['aof_last_bgrewrite_status', 'ok'],
    ['aof_rewrites', 0],
    ['aof_rewrites_consecutive_failures', 0],
    ['aof_last_write_status', 'ok'],
    ['aof_last_cow_size', 0],
    ['module_fork_in_progress', 0],
    ['module_fork_last_cow_size', 0],
  ];
}

function statsSection(engine: Engine): Fields {
  const st = engine.stats;
  return [
    ['total_connections_received', st.connectionsReceived],
    ['total_commands_processed', st.commandsProcessed],
    ['total_net_input_bytes', 0],
    ['total_net_output_bytes', 0],
    ['rejected_connections', 0],
    ['sync_full', 0],
    ['sync_partial_ok', 0],
    ['sync_partial_err', 0],
    ['expired_keys', st.expiredKeys],
    ['evicted_keys', 0],
    ['evicted_clients', 0],
    ['keyspace_hits', st.keyspaceHits],
    ['keyspace_misses', st.keyspaceMisses],
    ['pubsub_channels', engine.pubsub.channels.size],
    ['pubsub_patterns', engine.pubsub.patterns.size],
    ['pubsubshard_channels', engine.pubsub.shardChannels.size],
    ['latest_fork_usec', 0],
    ['total_forks', 0],
    ['migrate_cached_sockets', 0],
    ['slave_expires_tracked_keys', 0],
    ['tracking_total_keys', 0],
    ['tracking_total_items', 0],
    ['tracking_total_prefixes', 0],
    ['dump_payload_sanitizations', 0],
  ];
}

function replicationSection(engine: Engine, caller: Connection): Fields {
  // A worker leading several tabs reports them (worker/leader.ts).
  if (engine.replication !== null) return engine.replication.info(caller);
  return [
    ['role', 'master'],
    ['connected_slaves', 0],
    ['master_failover_state', 'no-failover'],
    ['master_replid', stateOf(engine).replId],
    ['master_replid2', '0'.repeat(40)],
    ['master_repl_offset', 0],
    ['second_repl_offset', -1],
    ['repl_backlog_active', 0],
    ['repl_backlog_size', 1048576],
    ['repl_backlog_first_byte_offset', 0],
    ['repl_backlog_histlen', 0],
  ];
}

function cpuSection(): Fields {
  const zero = '0.000000';
  return [
    ['used_cpu_sys', zero],
    ['used_cpu_user', zero],
    ['used_cpu_sys_children', zero],
    ['used_cpu_user_children', zero],
    ['used_cpu_sys_main_thread', zero],
    ['used_cpu_user_main_thread', zero],
  ];
}

function keyspaceSection(engine: Engine, now: number): Fields {
  const keys = engine.db.loadedSize;
  if (keys === 0) return [];
  const scan = scanKeyspace(engine, now);
  // The scan's TTL sum ages with the clock even when the data did not change.
  const remaining = scan.ttlSum - scan.ttlKeys * (now - scan.scannedAt);
  const avgTtl = scan.ttlKeys === 0 ? 0 : Math.max(0, Math.round(remaining / scan.ttlKeys));
  return [['db0', `keys=${keys},expires=${engine.db.volatileKeys},avg_ttl=${avgTtl}`]];
}

const TITLES: Record<Section, string> = {
  server: 'Server', clients: 'Clients', memory: 'Memory', persistence: 'Persistence', stats: 'Stats',
  replication: 'Replication', cpu: 'CPU', modules: 'Modules', cluster: 'Cluster', keyspace: 'Keyspace',
};

function sectionFields(section: Section, engine: Engine, now: number, caller: Connection): Fields {
  switch (section) {
    case 'server': return serverSection(engine, now);
    case 'clients': return clientsSection(engine);
    case 'memory': return memorySection(engine, now);
    case 'persistence': return persistenceSection(engine);
    case 'stats': return statsSection(engine);
    case 'replication': return replicationSection(engine, caller);
    case 'cpu': return cpuSection();
    case 'modules': return [];
    case 'cluster': return [['cluster_enabled', 0]];
    case 'keyspace': return keyspaceSection(engine, now);
  }
}

/**
 * Which sections `INFO arg...` asks for (redis: genInfoSectionDict): none or `default`
 * → the default set; `all`/`everything` → all; names are case-insensitive; unknown
 * names are ignored.
 */
export function selectSections(args: readonly string[]): Set<Section> {
  const chosen = new Set<Section>();
  const wanted = args.length === 0 ? ['default'] : args.map((a) => a.toLowerCase());
  for (const name of wanted) {
    if (name === 'all' || name === 'everything' || name === 'default') for (const s of SECTIONS) chosen.add(s);
    else if ((SECTIONS as readonly string[]).includes(name)) chosen.add(name as Section);
  }
  return chosen;
}

/** The INFO text for `sections`, in Redis's section order, as `caller` sees it. */
export function infoText(engine: Engine, sections: ReadonlySet<Section>, now: number, caller: Connection): string {
  let out = '';
  for (const section of SECTIONS) {
    if (!sections.has(section)) continue;
    if (out !== '') out += '\r\n';
    out += `# ${TITLES[section]}\r\n`;
    for (const [field, value] of sectionFields(section, engine, now, caller)) out += `${field}:${value}\r\n`;
  }
  return out;
}
