/**
 * redis-cli's input and output rules, for the demo console:
 * - `splitArgs` reads a command line as redis-cli does (redis: sdssplitargs): words split
 *   on whitespace, "double quotes" with \n \r \t \b \a \\ \" and \xHH escapes, 'single
 *   quotes' with only \' ; a closing quote must end the word. Null on unbalanced quotes.
 * - `formatReply` prints a reply as redis-cli does on a terminal (redis-cli.c:
 *   cliFormatReplyTTY): "bulk" with C-style escapes, (integer) n, (nil), (error) …,
 *   numbered arrays with nested items indented under their number.
 */
import type { RedisArgument, RespReply } from '../src/index.js';

const utf8 = new TextEncoder();

/** One command line → arguments; a word holding non-ASCII text or \x bytes travels as bytes. */
export function splitArgs(line: string): RedisArgument[] | null {
  const args: RedisArgument[] = [];
  let i = 0;
  for (;;) {
    while (i < line.length && isSpace(line[i]!)) i++;
    if (i >= line.length) return args;
    const bytes: number[] = [];
    let quote: '"' | "'" | null = null;
    for (;;) {
      const c = line[i];
      if (quote === '"') {
        if (c === undefined) return null;
        if (c === '\\' && line[i + 1] === 'x' && isHex(line[i + 2]) && isHex(line[i + 3])) {
          bytes.push(parseInt(line.slice(i + 2, i + 4), 16));
          i += 4;
        } else if (c === '\\' && i + 1 < line.length) {
          const escaped = ESCAPES[line[i + 1]!];
          if (escaped !== undefined) {
            bytes.push(escaped);
            i += 2;
          } else {
            i += 1 + pushChar(bytes, line, i + 1);
          }
        } else if (c === '"') {
          // The closing quote must be followed by a space or the end of the line.
          if (i + 1 < line.length && !isSpace(line[i + 1]!)) return null;
          i++;
          break;
        } else {
          i += pushChar(bytes, line, i);
        }
      } else if (quote === "'") {
        if (c === undefined) return null;
        if (c === '\\' && line[i + 1] === "'") {
          bytes.push(0x27);
          i += 2;
        } else if (c === "'") {
          if (i + 1 < line.length && !isSpace(line[i + 1]!)) return null;
          i++;
          break;
        } else {
          i += pushChar(bytes, line, i);
        }
      } else if (c === undefined || isSpace(c)) {
        break;
      } else if (c === '"' || c === "'") {
        quote = c;
        i++;
      } else {
        i += pushChar(bytes, line, i);
      }
    }
    args.push(bytes.every((b) => b < 0x80) ? String.fromCharCode(...bytes) : new Uint8Array(bytes));
  }
}

const ESCAPES: Record<string, number> = { n: 0x0a, r: 0x0d, t: 0x09, b: 0x08, a: 0x07 };

function isSpace(c: string): boolean {
  return c === ' ' || c === '\t' || c === '\n' || c === '\r' || c === '\v' || c === '\f';
}

function isHex(c: string | undefined): boolean {
  return c !== undefined && /^[0-9a-fA-F]$/.test(c);
}

function pushText(bytes: number[], text: string): void {
  for (const b of utf8.encode(text)) bytes.push(b);
}

/** Push the character at `i` (a whole surrogate pair) as UTF-8; returns its UTF-16 length. */
function pushChar(bytes: number[], line: string, i: number): number {
  const code = line.codePointAt(i)!;
  pushText(bytes, String.fromCodePoint(code));
  return code > 0xffff ? 2 : 1;
}

/** One output line; `error` marks the lines of error replies (shown in red). */
export interface OutputLine {
  text: string;
  error: boolean;
}

export function formatReply(reply: RespReply): OutputLine[] {
  const lines: OutputLine[] = [];
  let current: OutputLine = { text: '', error: false };
  const write = (text: string, error = false): void => {
    const parts = text.split('\n');
    for (let i = 0; i < parts.length; i++) {
      if (i > 0) {
        lines.push(current);
        current = { text: '', error: false };
      }
      current.text += parts[i];
      if (error && parts[i] !== '') current.error = true;
    }
  };
  const format = (r: RespReply, prefix: string): void => {
    switch (r.type) {
      case 'simple':
        return write(`${r.value}\n`);
      case 'error':
        return write(`(error) ${r.error.message}\n`, true);
      case 'integer':
        return write(`(integer) ${r.value}\n`);
      case 'bulk':
        return write(`"${repr(r.value)}"\n`);
      case 'null':
        return write('(nil)\n');
      case 'array': {
        if (r.items.length === 0) return write('(empty array)\n');
        const width = String(r.items.length).length;
        const nested = prefix + ' '.repeat(width + 2);
        r.items.forEach((item, i) => {
          // The first item's number follows the parent's own number on the same line.
          write(`${i === 0 ? '' : prefix}${String(i + 1).padStart(width)}) `);
          format(item, nested);
        });
      }
    }
  };
  format(reply, '');
  return lines;
}

/** Bytes as redis-cli quotes them (redis: sdscatrepr). */
export function repr(bytes: Uint8Array): string {
  let out = '';
  for (const b of bytes) {
    switch (b) {
      case 0x5c: out += '\\\\'; break;
      case 0x22: out += '\\"'; break;
      case 0x0a: out += '\\n'; break;
      case 0x0d: out += '\\r'; break;
      case 0x09: out += '\\t'; break;
      case 0x07: out += '\\a'; break;
      case 0x08: out += '\\b'; break;
      default:
        out += b >= 0x20 && b <= 0x7e ? String.fromCharCode(b) : `\\x${b.toString(16).padStart(2, '0')}`;
    }
  }
  return out;
}
