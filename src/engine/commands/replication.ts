/**
 * ROLE (redis: replication.c roleCommand). A lone engine is a master without replicas. In
 * a worker shared by tabs (worker/leader.ts) the host installs a `ReplicationView` on the
 * engine: the leader tab is the master, follower tabs are its replicas, and each caller
 * hears the role of its own tab.
 */
import { NO_KEYS, type CommandSpec } from '../command.js';
import type { Connection } from '../connection.js';
import type { RawReply } from '../reply.js';

/** What a host with several tabs reports for ROLE and INFO replication. */
export interface ReplicationView {
  /** ROLE, as the tab of `caller` sees it. */
  role(caller: Connection): RawReply;
  /** INFO's replication section fields, as the tab of `caller` sees it. */
  info(caller: Connection): Array<[string, string | number]>;
}

export const replicationCommands: readonly CommandSpec[] = [
  {
    name: 'role',
    arity: 1,
    flags: ['noscript', 'loading', 'stale', 'fast'],
    keys: NO_KEYS,
    group: 'server',
    summary: 'Return the role of the instance in the context of replication',
    since: '2.8.12',
    complexity: 'O(1)',
    acl: ['admin', 'dangerous'],
    handler: (ctx) => ctx.engine.replication?.role(ctx.conn) ?? ['master', 0, []],
  },
];
