/**
 * The console panel: a redis-cli-like prompt over `client.sendCommand`, replies printed as
 * redis-cli prints them, a history kept in localStorage, and inline help and Tab
 * completion read from COMMAND DOCS (the same command table the engine dispatches from).
 */
import type { RedisClient } from '../src/index.js';
import { formatReply, splitArgs, type OutputLine } from './cli.js';

const HISTORY_KEY = 'idb-redis-demo-history';
const HISTORY_MAX = 200;

/** Up/down history, redis-cli style: the line being typed is kept while browsing. */
class History {
  private readonly lines: string[] = loadHistory();
  private cursor = this.lines.length;
  private draft = '';

  add(line: string): void {
    if (line.trim() !== '' && this.lines[this.lines.length - 1] !== line) this.lines.push(line);
    if (this.lines.length > HISTORY_MAX) this.lines.splice(0, this.lines.length - HISTORY_MAX);
    this.cursor = this.lines.length;
    try {
      localStorage.setItem(HISTORY_KEY, JSON.stringify(this.lines));
    } catch {
      // Storage may be unavailable (private mode, quota): history then lasts for the page.
    }
  }

  previous(current: string): string {
    if (this.cursor === this.lines.length) this.draft = current;
    if (this.cursor > 0) this.cursor--;
    return this.lines[this.cursor] ?? current;
  }

  next(): string {
    if (this.cursor < this.lines.length) this.cursor++;
    return this.cursor === this.lines.length ? this.draft : this.lines[this.cursor]!;
  }
}

function loadHistory(): string[] {
  try {
    const parsed: unknown = JSON.parse(localStorage.getItem(HISTORY_KEY) ?? '[]');
    return Array.isArray(parsed) ? parsed.filter((l): l is string => typeof l === 'string') : [];
  } catch {
    return [];
  }
}

/** What COMMAND DOCS says of a command, for the help line. */
export interface CommandHelp {
  name: string;
  summary: string;
  since: string;
  group: string;
  complexity: string;
  subcommands: string[];
}

/** COMMAND DOCS (a flat name → field/value list) → help by lowercase name. */
export function parseCommandDocs(reply: unknown): Map<string, CommandHelp> {
  const docs = new Map<string, CommandHelp>();
  if (!Array.isArray(reply)) return docs;
  for (let i = 0; i + 1 < reply.length; i += 2) {
    const name = String(reply[i]);
    const fields = reply[i + 1] as unknown[];
    const help: CommandHelp = { name, summary: '', since: '', group: '', complexity: '', subcommands: [] };
    for (let j = 0; j + 1 < fields.length; j += 2) {
      const field = String(fields[j]);
      const value = fields[j + 1];
      if (field === 'summary') help.summary = String(value);
      else if (field === 'since') help.since = String(value);
      else if (field === 'group') help.group = String(value);
      else if (field === 'complexity') help.complexity = String(value);
      else if (field === 'subcommands' && Array.isArray(value)) {
        for (let k = 0; k < value.length; k += 2) help.subcommands.push(String(value[k]).split('|')[1]!.toUpperCase());
      }
    }
    docs.set(name.toLowerCase(), help);
  }
  return docs;
}

/** The longest common prefix of `words` (all uppercase command names). */
function commonPrefix(words: string[]): string {
  if (words.length === 0) return '';
  let prefix = words[0]!;
  for (const word of words) while (!word.startsWith(prefix)) prefix = prefix.slice(0, -1);
  return prefix;
}

export interface ConsoleOptions {
  client: RedisClient;
  output: HTMLElement;
  form: HTMLFormElement;
  input: HTMLInputElement;
  hint: HTMLElement;
  /** Called after each command ran (the key browser refreshes without pub/sub this way). */
  onCommand?: (args: readonly unknown[]) => void;
}

export function mountConsole({ client, output, form, input, hint, onCommand }: ConsoleOptions): { ready(): Promise<void> } {
  const terminal = output.parentElement!;
  const history = new History();
  let docs = new Map<string, CommandHelp>();

  const addEntry = (line: string): HTMLElement => {
    const entry = document.createElement('div');
    entry.className = 'entry';
    const echo = document.createElement('pre');
    echo.className = 'echo';
    echo.textContent = `idb-redis> ${line}`;
    const reply = document.createElement('pre');
    reply.className = 'reply';
    entry.append(echo, reply);
    output.append(entry);
    return reply;
  };

  const render = (target: HTMLElement, lines: OutputLine[]): void => {
    lines.forEach((line, i) => {
      const span = document.createElement('span');
      if (line.error) span.className = 'error';
      span.textContent = i < lines.length - 1 ? `${line.text}\n` : line.text;
      target.append(span);
    });
    terminal.scrollTop = terminal.scrollHeight;
  };

  const run = async (line: string): Promise<void> => {
    const args = splitArgs(line);
    const target = addEntry(line);
    if (args !== null && args.length === 0) return;
    if (args === null) return render(target, [{ text: 'Invalid argument(s)', error: true }]);
    const name = typeof args[0] === 'string' ? args[0].toLowerCase() : '';
    if (name === 'clear' && args.length === 1) {
      output.replaceChildren();
      return;
    }
    if (name === 'help') return render(target, helpLines(args.slice(1).map(String)));
    try {
      render(target, formatReply(await client.sendCommand(args, { resp: true })));
    } catch (e) {
      render(target, [{ text: `(error) ${e instanceof Error ? e.message : String(e)}`, error: true }]);
    }
    onCommand?.(args);
  };

  /** `help` / `help <command>`, as redis-cli answers them (from COMMAND DOCS). */
  const helpLines = (words: string[]): OutputLine[] => {
    if (words.length === 0) {
      return [
        { text: 'Type a command as in redis-cli. "help <command>" shows what it does; Tab completes names.', error: false },
        { text: `${docs.size} commands: ${[...docs.keys()].sort().join(' ').toUpperCase()}`, error: false },
      ];
    }
    const help = docs.get(words[0]!.toLowerCase());
    if (help === undefined) return [{ text: `No help for "${words[0]}"`, error: true }];
    const lines = [
      { text: `  ${help.name.toUpperCase()}`, error: false },
      { text: `  summary: ${help.summary}`, error: false },
      { text: `  since: ${help.since}`, error: false },
      { text: `  group: ${help.group}`, error: false },
    ];
    if (help.complexity !== '') lines.push({ text: `  complexity: ${help.complexity}`, error: false });
    if (help.subcommands.length > 0) lines.push({ text: `  subcommands: ${help.subcommands.join(' ')}`, error: false });
    return lines;
  };

  /** The help line under the prompt follows the command being typed. */
  const showHint = (): void => {
    const first = input.value.trimStart().split(/\s+/)[0]?.toLowerCase() ?? '';
    const help = docs.get(first);
    hint.textContent = help === undefined ? '' : `${help.name.toUpperCase()}: ${help.summary} (since ${help.since}, ${help.group})`;
  };

  /** Tab: complete the command name (or a container's subcommand) to the longest common prefix. */
  const complete = (): void => {
    const value = input.value;
    const words = value.trimStart().split(/\s+/);
    if (words.length === 1) {
      const typed = words[0]!.toUpperCase();
      const names = [...docs.keys()].map((n) => n.toUpperCase()).filter((n) => n.startsWith(typed)).sort();
      if (names.length === 0) return;
      const prefix = names.length === 1 ? `${names[0]} ` : commonPrefix(names);
      if (prefix.length >= typed.length) input.value = prefix;
      if (names.length > 1) hint.textContent = names.slice(0, 40).join('  ') + (names.length > 40 ? '  …' : '');
    } else if (words.length === 2) {
      const help = docs.get(words[0]!.toLowerCase());
      const typed = words[1]!.toUpperCase();
      const subs = (help?.subcommands ?? []).filter((s) => s.startsWith(typed)).sort();
      if (subs.length === 0) return;
      const prefix = subs.length === 1 ? `${subs[0]} ` : commonPrefix(subs);
      if (prefix.length >= typed.length) input.value = `${words[0]} ${prefix}`;
      if (subs.length > 1) hint.textContent = subs.join('  ');
    }
  };

  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const line = input.value;
    input.value = '';
    hint.textContent = '';
    history.add(line);
    void run(line);
  });

  input.addEventListener('input', showHint);
  input.addEventListener('keydown', (event) => {
    if (event.key === 'ArrowUp') input.value = history.previous(input.value);
    else if (event.key === 'ArrowDown') input.value = history.next();
    else if (event.key === 'Tab') complete();
    else return;
    event.preventDefault();
    input.setSelectionRange(input.value.length, input.value.length);
  });

  terminal.addEventListener('click', () => {
    if (window.getSelection()?.isCollapsed !== false) input.focus();
  });

  return {
    async ready() {
      docs = parseCommandDocs(await client.sendCommand(['COMMAND', 'DOCS']));
      input.disabled = false;
      input.focus();
    },
  };
}
