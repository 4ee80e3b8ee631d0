/**
 * The demo console: a redis-cli-like prompt over `client.sendCommand`, replies printed as
 * redis-cli prints them, with a command history kept in localStorage.
 */
import { createClient } from '../src/index.js';
import { formatReply, splitArgs, type OutputLine } from './cli.js';

const HISTORY_KEY = 'idb-redis-demo-history';
const HISTORY_MAX = 200;

const output = document.getElementById('output')!;
const form = document.getElementById('prompt') as HTMLFormElement;
const input = document.getElementById('command') as HTMLInputElement;
const status = document.getElementById('status')!;
const terminal = output.parentElement!;

const client = createClient({ name: 'demo' });

/** Up/down history, redis-cli style: the line being typed is kept while browsing. */
class History {
  private readonly lines: string[] = load();
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

function load(): string[] {
  try {
    const parsed: unknown = JSON.parse(localStorage.getItem(HISTORY_KEY) ?? '[]');
    return Array.isArray(parsed) ? parsed.filter((l): l is string => typeof l === 'string') : [];
  } catch {
    return [];
  }
}

const history = new History();

/** A new output entry: the echoed command line and a slot for its reply. */
function addEntry(line: string): HTMLElement {
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
}

function render(target: HTMLElement, lines: OutputLine[]): void {
  lines.forEach((line, i) => {
    const span = document.createElement('span');
    if (line.error) span.className = 'error';
    span.textContent = i < lines.length - 1 ? `${line.text}\n` : line.text;
    target.append(span);
  });
  terminal.scrollTop = terminal.scrollHeight;
}

async function run(line: string): Promise<void> {
  const args = splitArgs(line);
  const target = addEntry(line);
  if (args !== null && args.length === 0) return;
  if (args === null) return render(target, [{ text: 'Invalid argument(s)', error: true }]);
  const name = typeof args[0] === 'string' ? args[0].toLowerCase() : '';
  if (name === 'clear' && args.length === 1) {
    output.replaceChildren();
    return;
  }
  if ((name === 'quit' || name === 'exit') && args.length === 1) {
    await client.quit();
    input.disabled = true;
    status.textContent = 'Disconnected. Reload the page to start a new session.';
    return render(target, [{ text: 'OK', error: false }]);
  }
  try {
    render(target, formatReply(await client.sendCommand(args, { resp: true })));
  } catch (e) {
    render(target, [{ text: `(error) ${e instanceof Error ? e.message : String(e)}`, error: true }]);
  }
}

form.addEventListener('submit', (event) => {
  event.preventDefault();
  const line = input.value;
  input.value = '';
  history.add(line);
  void run(line);
});

input.addEventListener('keydown', (event) => {
  if (event.key === 'ArrowUp') input.value = history.previous(input.value);
  else if (event.key === 'ArrowDown') input.value = history.next();
  else return;
  event.preventDefault();
  input.setSelectionRange(input.value.length, input.value.length);
});

terminal.addEventListener('click', () => {
  if (window.getSelection()?.isCollapsed !== false) input.focus();
});

client.ping().then(
  () => {
    status.textContent = 'Connected to the worker. Data lives in this tab until persistence lands.';
    input.disabled = false;
    input.focus();
  },
  (e: unknown) => {
    status.textContent = `The worker failed to start: ${e instanceof Error ? e.message : String(e)}`;
  },
);
