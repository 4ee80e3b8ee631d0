/**
 * The demo console's redis-cli rules: argument splitting and reply printing, by example
 * and against redis-cli itself (fed the same lines on stdin, `--no-raw` for TTY output).
 */
import { spawnSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatReply, repr, splitArgs } from '../../demo/cli.js';
import { ReplyError } from '../../src/index.js';
import { PROTOCOL_VERSION } from '../../src/client/protocol.js';
import { toRespReply } from '../../src/client/replies.js';
import { haveRedis, startRedis, type RedisOracle } from '../support/redis-server.js';
import { RespTransport } from './support.js';

const bytes = (...b: number[]) => new Uint8Array(b);
const text = (reply: Parameters<typeof formatReply>[0]) => formatReply(reply).map((l) => l.text).join('\n');

describe('splitArgs', () => {
  it('splits on whitespace', () => {
    expect(splitArgs('  SET   foo\tbar ')).toEqual(['SET', 'foo', 'bar']);
    expect(splitArgs('')).toEqual([]);
    expect(splitArgs('   ')).toEqual([]);
  });

  it('double quotes with escapes', () => {
    expect(splitArgs('SET "two words" "a\\"b\\\\c\\n\\r\\t\\b\\a\\q"')).toEqual([
      'SET',
      'two words',
      'a"b\\c\n\r\t\b\x07q',
    ]);
    expect(splitArgs('ECHO "\\x41\\xff"')).toEqual(['ECHO', bytes(0x41, 0xff)]);
    expect(splitArgs('ECHO "\\x4"')).toEqual(['ECHO', 'x4']);
    expect(splitArgs('ECHO ""')).toEqual(['ECHO', '']);
  });

  it('single quotes keep backslashes except before a quote', () => {
    expect(splitArgs("ECHO 'it\\'s' 'a\\nb'")).toEqual(['ECHO', "it's", 'a\\nb']);
  });

  it('a quote may open mid-word', () => {
    expect(splitArgs('ECHO foo"bar baz"')).toEqual(['ECHO', 'foobar baz']);
  });

  it('non-ASCII text travels as its UTF-8 bytes', () => {
    expect(splitArgs('SET k é😀')).toEqual(['SET', 'k', new TextEncoder().encode('é😀')]);
    expect(splitArgs('SET k "\\é"')).toEqual(['SET', 'k', new TextEncoder().encode('é')]);
  });

  it('unbalanced quotes or text after a closing quote are invalid', () => {
    expect(splitArgs('SET "foo')).toBeNull();
    expect(splitArgs("SET 'foo")).toBeNull();
    expect(splitArgs('SET "foo"bar')).toBeNull();
    expect(splitArgs("SET 'foo'bar")).toBeNull();
  });
});

describe('formatReply', () => {
  it('scalars', () => {
    expect(text({ type: 'simple', value: 'OK' })).toBe('OK');
    expect(text({ type: 'bulk', value: new TextEncoder().encode('bar') })).toBe('"bar"');
    expect(text({ type: 'integer', value: 42 })).toBe('(integer) 42');
    expect(text({ type: 'integer', value: 2n ** 62n })).toBe('(integer) 4611686018427387904');
    expect(text({ type: 'null' })).toBe('(nil)');
    expect(text({ type: 'array', items: [] })).toBe('(empty array)');
  });

  it('errors are marked', () => {
    const lines = formatReply({ type: 'error', error: new ReplyError('ERR boom') });
    expect(lines).toEqual([{ text: '(error) ERR boom', error: true }]);
    const nested = formatReply({
      type: 'array',
      items: [{ type: 'error', error: new ReplyError('ERR x') }, { type: 'simple', value: 'PONG' }],
    });
    expect(nested).toEqual([
      { text: '1) (error) ERR x', error: true },
      { text: '2) PONG', error: false },
    ]);
  });

  it('bulk strings are quoted with C escapes', () => {
    expect(repr(bytes(0x5c, 0x22, 0x0a, 0x0d, 0x09, 0x07, 0x08, 0x00, 0x7f, 0xc3, 0xa9, 0x20, 0x7e))).toBe(
      '\\\\\\"\\n\\r\\t\\a\\b\\x00\\x7f\\xc3\\xa9 ~',
    );
  });

  it('nested arrays indent under their number; wide indexes are right-aligned', () => {
    const bulk = (s: string) => ({ type: 'bulk' as const, value: new TextEncoder().encode(s) });
    const inner = { type: 'array' as const, items: [bulk('a'), { type: 'array' as const, items: [bulk('b')] }] };
    expect(text({ type: 'array', items: [inner, bulk('c')] })).toBe('1) 1) "a"\n   2) 1) "b"\n2) "c"');
    const ten = { type: 'array' as const, items: Array.from({ length: 10 }, (_, i) => bulk(String(i))) };
    expect(text({ type: 'array', items: [ten] }).split('\n').slice(0, 2)).toEqual(['1)  1) "0"', '    2) "1"']);
  });
});

/** redis-cli must exist as well as redis-server for this comparison; CI installs both. */
const haveRedisCli = haveRedis && spawnSync('redis-cli', ['--version']).status === 0;

describe.skipIf(!haveRedisCli)('the demo console prints what redis-cli prints', () => {
  let oracle: RedisOracle;
  beforeAll(async () => {
    oracle = await startRedis();
  });
  afterAll(async () => {
    await oracle.stop();
  });

  it('for the same lines typed', async () => {
    const lines = [
      'SET a "b c"',
      'MGET a nosuch',
      'SET "x\\x01\\n" \'it\\\'s\'',
      'GET "x\\x01\\n"',
      'SET e é',
      'GET e',
      'INCR a',
      'SET a',
      'COMMAND INFO get',
      '',
      'LRANGE nope 0 -1',
      'SET a "b"c',
      'MULTI',
      'INCR a',
      'PING',
      'EXEC',
      'ECHO \'a\\\\b\'',
      'ECHO "tab\\there"',
    ];
    const transport = await RespTransport.connect(oracle.port);
    const ours: string[] = [];
    for (const line of lines) {
      const args = splitArgs(line);
      if (args === null) ours.push('Invalid argument(s)');
      else if (args.length > 0) {
        const response = await transport.request({ v: PROTOCOL_VERSION, type: 'batch', commands: [args] });
        if (response.type !== 'replies') throw new Error(response.type);
        ours.push(text(toRespReply(response.replies[0]!)));
      }
    }
    transport.close();
    await RespTransport.connect(oracle.port).then(async (t) => {
      await t.request({ v: PROTOCOL_VERSION, type: 'batch', commands: [['FLUSHALL']] });
      t.close();
    });
    const cli = spawnSync('redis-cli', ['-p', String(oracle.port), '--no-raw'], { input: lines.join('\n') + '\n' });
    expect(cli.status).toBe(0);
    expect(ours.join('\n') + '\n').toBe(cli.stdout.toString('latin1'));
  });
});
