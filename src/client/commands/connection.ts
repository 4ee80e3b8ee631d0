/**
 * Connection commands (PING, ECHO, AUTH, HELLO, CLIENT …, SELECT, RESET) and the
 * client-only transaction helpers WATCH / UNWATCH, shaped like node-redis v4.
 */
import type { Reply } from '../replies.js';
import { asArray, asNumber, asString, asStringOrNull, command, variadic, type RedisArgument, type RedisVariadicArgument } from './define.js';

export interface AuthOptions {
  username?: RedisArgument;
  password: RedisArgument;
}

export interface HelloOptions {
  protover?: number;
  AUTH?: { username: RedisArgument; password: RedisArgument };
  SETNAME?: string;
}

export interface HelloReply {
  server: string;
  version: string;
  proto: number;
  id: number;
  mode: string;
  role: string;
  modules: Reply[];
}

/** One client as CLIENT INFO / CLIENT LIST describe it (node-redis v4 field names). */
export interface ClientInfoReply {
  id: number;
  addr: string;
  laddr?: string;
  fd: number;
  name: string;
  age: number;
  idle: number;
  flags: string;
  db: number;
  sub: number;
  psub: number;
  ssub?: number;
  multi: number;
  qbuf: number;
  qbufFree: number;
  argvMem?: number;
  multiMem?: number;
  obl: number;
  oll: number;
  omem: number;
  totMem?: number;
  events: string;
  cmd: string;
  user?: string;
  redir?: number;
  resp?: number;
}

export type ClientListFilter =
  | { TYPE: 'NORMAL' | 'MASTER' | 'REPLICA' | 'PUBSUB'; ID?: never }
  | { ID: number[]; TYPE?: never };

const CLIENT_FIELD = /([^\s=]+)=(\S*)/g;

/** "id=3 addr=… name=…" → the typed record (numbers where Redis sends numbers). */
function parseClientInfo(line: string): ClientInfoReply {
  const map = new Map<string, string>();
  for (const [, name, value] of line.matchAll(CLIENT_FIELD)) map.set(name!, value!);
  const text = (name: string): string => map.get(name) ?? '';
  const num = (name: string): number => Number(map.get(name));
  const info: ClientInfoReply = {
    id: num('id'),
    addr: text('addr'),
    fd: num('fd'),
    name: text('name'),
    age: num('age'),
    idle: num('idle'),
    flags: text('flags'),
    db: num('db'),
    sub: num('sub'),
    psub: num('psub'),
    multi: num('multi'),
    qbuf: num('qbuf'),
    qbufFree: num('qbuf-free'),
    obl: num('obl'),
    oll: num('oll'),
    omem: num('omem'),
    events: text('events'),
    cmd: text('cmd'),
  };
  // Fields added in later Redis versions are present only when the server sends them.
  if (map.has('laddr')) info.laddr = text('laddr');
  if (map.has('ssub')) info.ssub = num('ssub');
  if (map.has('argv-mem')) info.argvMem = num('argv-mem');
  if (map.has('multi-mem')) info.multiMem = num('multi-mem');
  if (map.has('tot-mem')) info.totMem = num('tot-mem');
  if (map.has('user')) info.user = text('user');
  if (map.has('redir')) info.redir = num('redir');
  if (map.has('resp')) info.resp = num('resp');
  return info;
}

function asHello(reply: Reply): HelloReply {
  const items = asArray(reply);
  const field = (name: string): Reply => items[items.indexOf(name) + 1] ?? null;
  return {
    server: asString(field('server')),
    version: asString(field('version')),
    proto: asNumber(field('proto')),
    id: asNumber(field('id')),
    mode: asString(field('mode')),
    role: asString(field('role')),
    modules: asArray(field('modules')),
  };
}

export const CONNECTION_COMMANDS = {
  ping: command((message?: RedisArgument) => (message === undefined ? ['PING'] : ['PING', message]), asString),
  echo: command((message: RedisArgument) => ['ECHO', message], asString),
  auth: command(
    (options: AuthOptions) =>
      options.username === undefined ? ['AUTH', options.password] : ['AUTH', options.username, options.password],
    asString,
  ),
  hello: command((options?: HelloOptions) => {
    const argv: RedisArgument[] = ['HELLO'];
    if (options?.protover !== undefined) {
      argv.push(String(options.protover));
      if (options.AUTH) argv.push('AUTH', options.AUTH.username, options.AUTH.password);
      if (options.SETNAME !== undefined) argv.push('SETNAME', options.SETNAME);
    }
    return argv;
  }, asHello),
  clientId: command(() => ['CLIENT', 'ID'], asNumber),
  clientSetName: command((name: RedisArgument) => ['CLIENT', 'SETNAME', name], asString),
  clientGetName: command(() => ['CLIENT', 'GETNAME'], asStringOrNull),
  clientInfo: command(() => ['CLIENT', 'INFO'], (reply) => parseClientInfo(asString(reply))),
  clientList: command(
    (filter?: ClientListFilter) => {
      if (filter?.TYPE !== undefined) return ['CLIENT', 'LIST', 'TYPE', filter.TYPE];
      if (filter?.ID !== undefined) return ['CLIENT', 'LIST', 'ID', ...filter.ID.map(String)];
      return ['CLIENT', 'LIST'];
    },
    (reply) =>
      asString(reply)
        .split('\n')
        .filter((line) => line !== '')
        .map(parseClientInfo),
  ),
  select: command((db: number) => ['SELECT', String(db)], asString),
  /** RESET: leave MULTI, drop WATCHes and the client name; answers 'RESET'. */
  reset: command(() => ['RESET'], asString),
};

/** Client-only: a WATCH inside `multi()` would be refused by Redis, so the builder lacks these. */
export const WATCH_COMMANDS = {
  watch: command((keys: RedisVariadicArgument) => variadic(['WATCH'], keys), asString),
  unwatch: command(() => ['UNWATCH'], asString),
};
