/**
 * Connection commands: PING, ECHO, AUTH, CLIENT …, HELLO, SELECT, QUIT, RESET
 * (redis: networking.c, server.c).
 *
 * There is no socket here: a connection is an in-process `Connection`. CLIENT LIST shows
 * it as `addr=local:<id>` with `fd=-1` (as Redis shows clients without a socket), and
 * byte counters that only a socket would have read as 0. There are no ACL users beyond
 * Redis's default one (no password), and only database 0 and RESP2.
 */
import { NO_KEYS, type CommandFlag, type CommandSpec } from '../command.js';
import type { CommandContext } from '../context.js';
import type { Connection } from '../connection.js';
import { Errors, fail } from '../errors.js';
import { isToken, parseInt64 } from '../parse.js';
import { OK, PONG, Status, type RawReply } from '../reply.js';
import { REDIS_COMPAT_VERSION } from './info.js';
import { clientUnblockCommand } from './list-blocking.js';

const RESET = new Status('RESET');

/** Connections that ran CLIENT NO-EVICT ON (flag `e` in CLIENT LIST). */
const noEvict = new WeakSet<Connection>();

/** Names are printable ASCII without spaces (redis: validateClientName). */
function validateClientNameOrThrow(name: string): void {
  for (let i = 0; i < name.length; i++) {
    const c = name.charCodeAt(i);
    if (c < 33 || c > 126) fail(Errors.invalidClientName);
  }
}

const clientAddr = (conn: Connection): string => `local:${conn.id}`;

/** One CLIENT LIST line, fields in Redis 7.0's order (redis: catClientInfoString). */
function clientInfoLine(ctx: CommandContext, conn: Connection): string {
  const current = conn === ctx.conn;
  let flags = '';
  if (conn.pubsub?.monitor) flags += 'O';
  if (conn.pubsub?.subscribed) flags += 'P';
  if (conn.multi !== null) flags += 'x';
  if (conn.blocked !== null) flags += 'b';
  if (conn.dirtyCAS) flags += 'd';
  if (conn.closeAfterReply) flags += 'c';
  if (noEvict.has(conn)) flags += 'e';
  const now = ctx.now;
  const fields: Array<[string, string | number]> = [
    ['id', conn.id],
    ['addr', clientAddr(conn)],
    ['laddr', 'local:0'],
    ['fd', -1],
    ['name', conn.name],
    ['age', Math.max(0, Math.floor((now - conn.createdAt) / 1000))],
    ['idle', current ? 0 : Math.max(0, Math.floor((now - conn.lastCommandAt) / 1000))],
    ['flags', flags || 'N'],
    ['db', 0],
    ['sub', conn.pubsub?.channels.size ?? 0],
    ['psub', conn.pubsub?.patterns.size ?? 0],
    ['ssub', conn.pubsub?.shardChannels.size ?? 0],
    ['multi', conn.multi === null ? -1 : conn.multi.queue.length],
    ['qbuf', 0],
    ['qbuf-free', 0],
    ['argv-mem', 0],
    ['multi-mem', 0],
    ['rbs', 0],
    ['rbp', 0],
    ['obl', 0],
    ['oll', 0],
    ['omem', 0],
    ['tot-mem', 0],
    ['events', 'r'],
    // Inside EXEC Redis shows the EXEC itself as the current command.
    ['cmd', current ? (conn.multi !== null ? 'exec' : ctx.spec.name) : conn.lastCommand],
    ['user', 'default'],
    ['redir', -1],
    ['resp', 2],
  ];
  return `${fields.map(([k, v]) => `${k}=${v}`).join(' ')}\n`;
}

/** Client types (redis: getClientTypeByName); a connection is `pubsub` while subscribed, else `normal`. */
const CLIENT_TYPES = new Set(['normal', 'slave', 'replica', 'pubsub', 'master']);

const clientType = (conn: Connection): string => (conn.pubsub?.subscribed ? 'pubsub' : 'normal');

function clientTypeOrThrow(name: string): string {
  const type = name.toLowerCase();
  if (!CLIENT_TYPES.has(type)) fail(`ERR Unknown client type '${name}'`);
  return type;
}

/** CLIENT LIST [TYPE type | ID id ...] */
function clientList(ctx: CommandContext, argv: string[]): RawReply {
  const clients = ctx.engine.clients;
  let out = '';
  if (argv.length === 4 && isToken(argv[2]!, 'TYPE')) {
    const type = clientTypeOrThrow(argv[3]!);
    for (const conn of clients.values()) if (clientType(conn) === type) out += clientInfoLine(ctx, conn);
  } else if (argv.length >= 4 && isToken(argv[2]!, 'ID')) {
    for (const arg of argv.slice(3)) {
      const id = parseInt64(arg);
      if (id === null) fail('ERR Invalid client ID');
      const conn = clients.get(Number(id));
      if (conn !== undefined) out += clientInfoLine(ctx, conn);
    }
  } else if (argv.length !== 2) {
    fail(Errors.syntax);
  } else {
    for (const conn of clients.values()) out += clientInfoLine(ctx, conn);
  }
  return out;
}

interface KillFilter {
  id?: number;
  type?: string;
  addr?: string;
  laddr?: string;
  skipMe: boolean;
}

/** CLIENT KILL addr | CLIENT KILL <filter> <value> ... (redis: clientKillCommand). */
function clientKill(ctx: CommandContext, argv: string[]): RawReply {
  const oldForm = argv.length === 3;
  const filter: KillFilter = oldForm ? { addr: argv[2]!, skipMe: false } : { skipMe: true };
  for (let i = 2; !oldForm && i < argv.length; i += 2) {
    const option = argv[i]!;
    const value = argv[i + 1];
    if (value === undefined) fail(Errors.syntax);
    if (isToken(option, 'ID')) {
      const id = parseInt64(value);
      if (id === null || id < 1) fail('ERR client-id should be greater than 0');
      filter.id = Number(id);
    } else if (isToken(option, 'TYPE')) filter.type = clientTypeOrThrow(value);
    else if (isToken(option, 'ADDR')) filter.addr = value;
    else if (isToken(option, 'LADDR')) filter.laddr = value;
    else if (isToken(option, 'USER')) {
      if (value !== 'default') fail(`ERR No such user '${value}'`);
    } else if (isToken(option, 'SKIPME')) {
      if (isToken(value, 'YES')) filter.skipMe = true;
      else if (isToken(value, 'NO')) filter.skipMe = false;
      else fail(Errors.syntax);
    } else fail(Errors.syntax);
  }
  let killed = 0;
  for (const conn of [...ctx.engine.clients.values()]) {
    if (filter.addr !== undefined && clientAddr(conn) !== filter.addr) continue;
    if (filter.laddr !== undefined && filter.laddr !== 'local:0') continue;
    if (filter.type !== undefined && filter.type !== clientType(conn)) continue;
    if (filter.id !== undefined && conn.id !== filter.id) continue;
    if (conn === ctx.conn && filter.skipMe) continue;
    // The caller's own connection closes once this reply is out.
    if (conn === ctx.conn) conn.closeAfterReply = true;
    else conn.close();
    killed++;
  }
  if (!oldForm) return killed;
  if (killed === 0) fail('ERR No such client');
  return OK;
}

const CLIENT_HELP = [
  'CLIENT <subcommand> [<arg> [value] [opt] ...]. Subcommands are:',
  'GETNAME',
  '    Return the name of the current connection.',
  'ID',
  '    Return the ID of the current connection.',
  'INFO',
  '    Return information about the current client connection.',
  'KILL <ip:port>',
  '    Kill connection made from <ip:port>.',
  'KILL <option> <value> [<option> <value> [...]]',
  '    Kill connections. Options are:',
  '    * ADDR (<ip:port>|<unixsocket>:0)',
  '      Kill connections made from the specified address',
  '    * LADDR (<ip:port>|<unixsocket>:0)',
  '      Kill connections made to specified local address',
  '    * TYPE (NORMAL|MASTER|REPLICA|PUBSUB)',
  '      Kill connections by type.',
  '    * USER <username>',
  '      Kill connections authenticated by <username>.',
  '    * SKIPME (YES|NO)',
  '      Skip killing current connection (default: yes).',
  'LIST [options ...]',
  '    Return information about client connections. Options:',
  '    * TYPE (NORMAL|MASTER|REPLICA|PUBSUB)',
  '      Return clients of specified type.',
  'SETNAME <name>',
  '    Assign the name <name> to the current connection.',
  'NO-EVICT (ON|OFF)',
  '    Protect current client connection from eviction.',
  'HELP',
  '    Prints this help.',
];

/** Drop the transaction, WATCHes and name; NO-EVICT stays (redis: clearClientConnectionState). */
function resetConnection(ctx: CommandContext): void {
  ctx.conn.multi = null;
  ctx.engine.watches.unwatchAll(ctx.conn);
  ctx.conn.name = '';
  ctx.engine.pubsub.clear(ctx.conn);
}

/** HELLO [protover [AUTH user pass] [SETNAME name]]: RESP2 only (redis: helloCommand). */
function hello(ctx: CommandContext, argv: string[]): RawReply {
  let next = 1;
  if (argv.length >= 2) {
    const ver = parseInt64(argv[next++]!);
    if (ver === null) fail('ERR Protocol version is not an integer or out of range');
    // RESP3 is not spoken here: answer as a Redis that does not know it.
    if (ver !== 2) fail('NOPROTO unsupported protocol version');
  }
  let name: string | null = null;
  let user: string | null = null;
  for (let j = next; j < argv.length; j++) {
    const more = argv.length - 1 - j;
    if (isToken(argv[j]!, 'AUTH') && more >= 2) {
      user = argv[j + 1]!;
      j += 2;
    } else if (isToken(argv[j]!, 'SETNAME') && more >= 1) {
      name = argv[j + 1]!;
      j++;
    } else fail(`ERR Syntax error in HELLO option '${argv[j]}'`);
  }
  // Authenticate first, then name the connection (redis: helloCommand).
  if (user !== null && user !== 'default') fail(Errors.wrongPass);
  if (name !== null) {
    validateClientNameOrThrow(name);
    ctx.conn.name = name;
  }
  return ['server', 'redis', 'version', REDIS_COMPAT_VERSION, 'proto', 2, 'id', ctx.conn.id, 'mode', 'standalone', 'role', 'master', 'modules', []];
}

const BASE_FLAGS: readonly CommandFlag[] = ['noscript', 'loading', 'stale'];

const clientSub = (spec: Omit<CommandSpec, 'group' | 'keys' | 'flags'> & { flags?: readonly CommandFlag[] }): CommandSpec => ({
  flags: BASE_FLAGS,
  ...spec,
  group: 'connection',
  keys: NO_KEYS,
});

export const connectionCommands: readonly CommandSpec[] = [
  {
    name: 'ping',
    arity: -1,
    flags: ['fast'],
    keys: NO_KEYS,
    group: 'connection',
    summary: 'Ping the server',
    since: '1.0.0',
    complexity: 'O(1)',
    tips: ['request_policy:all_shards', 'response_policy:all_succeeded'],
    handler: (ctx, argv) => {
      if (argv.length > 2) fail(Errors.wrongArity('ping'));
      // A subscribed RESP2 connection gets PING's answer as a push-shaped array.
      if (ctx.conn.pubsub?.subscribed) return ['pong', argv.length === 2 ? argv[1]! : ''];
      return argv.length === 2 ? argv[1]! : PONG;
    },
  },
  {
    name: 'echo',
    arity: 2,
    flags: ['loading', 'stale', 'fast'],
    keys: NO_KEYS,
    group: 'connection',
    summary: 'Echo the given string',
    since: '1.0.0',
    complexity: 'O(1)',
    handler: (_ctx, argv) => argv[1]!,
  },
  {
    name: 'auth',
    arity: -2,
    flags: ['noscript', 'loading', 'stale', 'fast', 'no_auth', 'allow_busy'],
    keys: NO_KEYS,
    group: 'connection',
    summary: 'Authenticate to the server',
    since: '1.0.0',
    complexity: 'O(N) where N is the number of passwords defined for the user',
    handler: (_ctx, argv) => {
      if (argv.length > 3) fail(Errors.syntax);
      if (argv.length === 2) {
        fail('ERR AUTH <password> called without any password configured for the default user. Are you sure your configuration is correct?');
      }
      // The default user has no password: any password authenticates it.
      if (argv[1] !== 'default') fail(Errors.wrongPass);
      return OK;
    },
  },
  {
    name: 'client',
    arity: -2,
    flags: [],
    keys: NO_KEYS,
    group: 'connection',
    summary: 'A container for client connection commands',
    since: '2.4.0',
    complexity: 'Depends on subcommand.',
    subcommands: [
      clientSub({
        name: 'client|id',
        arity: 2,
        summary: 'Returns the client ID for the current connection',
        since: '5.0.0',
        complexity: 'O(1)',
        handler: (ctx) => ctx.conn.id,
      }),
      clientSub({
        name: 'client|setname',
        arity: 3,
        summary: 'Set the current connection name',
        since: '2.6.9',
        complexity: 'O(1)',
        handler: (ctx, argv) => {
          validateClientNameOrThrow(argv[2]!);
          ctx.conn.name = argv[2]!;
          return OK;
        },
      }),
      clientSub({
        name: 'client|getname',
        arity: 2,
        summary: 'Get the current connection name',
        since: '2.6.9',
        complexity: 'O(1)',
        handler: (ctx) => (ctx.conn.name === '' ? null : ctx.conn.name),
      }),
      clientSub({
        name: 'client|list',
        arity: -2,
        flags: ['admin', ...BASE_FLAGS],
        summary: 'Get the list of client connections',
        since: '2.4.0',
        complexity: 'O(N) where N is the number of client connections',
        tips: ['nondeterministic_output'],
        handler: clientList,
      }),
      clientSub({
        name: 'client|info',
        arity: 2,
        summary: 'Returns information about the current client connection.',
        since: '6.2.0',
        complexity: 'O(1)',
        tips: ['nondeterministic_output'],
        handler: (ctx) => clientInfoLine(ctx, ctx.conn),
      }),
      clientSub({
        name: 'client|kill',
        arity: -3,
        flags: ['admin', ...BASE_FLAGS],
        summary: 'Kill the connection of a client',
        since: '2.4.0',
        complexity: 'O(N) where N is the number of client connections',
        handler: clientKill,
      }),
      clientUnblockCommand,
      clientSub({
        name: 'client|no-evict',
        arity: 3,
        flags: ['admin', ...BASE_FLAGS],
        summary: 'Set client eviction mode for the current connection',
        since: '7.0.0',
        complexity: 'O(1)',
        handler: (ctx, argv) => {
          if (isToken(argv[2]!, 'ON')) noEvict.add(ctx.conn);
          else if (isToken(argv[2]!, 'OFF')) noEvict.delete(ctx.conn);
          else fail(Errors.syntax);
          return OK;
        },
      }),
      clientSub({
        name: 'client|help',
        arity: 2,
        flags: ['loading', 'stale'],
        summary: 'Show helpful text about the different subcommands',
        since: '5.0.0',
        complexity: 'O(1)',
        handler: () => [...CLIENT_HELP],
      }),
    ],
  },
  {
    name: 'hello',
    arity: -1,
    flags: ['noscript', 'loading', 'stale', 'fast', 'no_auth', 'allow_busy'],
    keys: NO_KEYS,
    group: 'connection',
    summary: 'Handshake with Redis',
    since: '6.0.0',
    complexity: 'O(1)',
    handler: hello,
  },
  {
    name: 'select',
    arity: 2,
    flags: ['loading', 'stale', 'fast'],
    keys: NO_KEYS,
    group: 'connection',
    summary: 'Change the selected database for the current connection',
    since: '1.0.0',
    complexity: 'O(1)',
    handler: (_ctx, argv) => {
      const index = parseInt64(argv[1]!);
      if (index === null) fail(Errors.notInteger);
      // An int, as getIntFromObjectOrReply reads it; only database 0 exists here.
      if (index < -2147483648 || index > 2147483647) fail(Errors.intOutOfRange);
      if (index !== 0) fail(Errors.dbIndexOutOfRange);
      return OK;
    },
  },
  {
    name: 'quit',
    arity: -1,
    flags: ['noscript', 'loading', 'stale', 'fast', 'no_auth', 'allow_busy'],
    keys: NO_KEYS,
    group: 'connection',
    summary: 'Close the connection',
    since: '1.0.0',
    complexity: 'O(1)',
    handler: (ctx) => {
      ctx.conn.closeAfterReply = true;
      return OK;
    },
  },
  {
    name: 'reset',
    arity: 1,
    flags: ['noscript', 'loading', 'stale', 'fast', 'no_auth', 'allow_busy'],
    keys: NO_KEYS,
    group: 'connection',
    summary: 'Reset the connection',
    since: '6.2.0',
    complexity: 'O(1)',
    handler: (ctx) => {
      resetConnection(ctx);
      return RESET;
    },
  },
];
