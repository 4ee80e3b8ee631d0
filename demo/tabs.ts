/**
 * The tabs panel: this tab's role in the store (leader or follower, and the leadership
 * epoch), a button that opens another tab of the demo, and a chat between the tabs over
 * pub/sub. Close the leader tab and the role line of another tab shows it taking over.
 */
import type { RedisClient } from '../src/index.js';

const CHAT = 'demo:chat';

export interface Role {
  role: 'leader' | 'follower';
  epoch: number;
  tabId: string;
}

/** ROLE as the calling tab sees it: ['master', epoch, replicas] or ['slave', leader, 0, state, epoch]. */
export function parseRole(reply: unknown, tabId: string): Role | null {
  if (!Array.isArray(reply)) return null;
  if (reply[0] === 'master') return { role: 'leader', epoch: Number(reply[1]), tabId };
  if (reply[0] === 'slave') return { role: 'follower', epoch: Number(reply[4]), tabId };
  return null;
}

function tabIdOf(info: string): string {
  return /idb_tab_id:(\S+)/.exec(info)?.[1] ?? '?';
}

export function mountTabs(root: HTMLElement, client: RedisClient): { refresh(): Promise<void> } {
  const roleLine = document.createElement('p');
  roleLine.id = 'role';
  roleLine.className = 'role';
  roleLine.textContent = 'role: …';
  const open = document.createElement('button');
  open.id = 'open-tab';
  open.textContent = 'Open another tab';
  open.addEventListener('click', () => window.open(location.href, '_blank'));

  const log = document.createElement('ol');
  log.id = 'chat-log';
  log.className = 'chat-log';
  const form = document.createElement('form');
  form.className = 'mini-form';
  const input = document.createElement('input');
  input.id = 'chat-input';
  input.placeholder = 'say something to every tab';
  const send = document.createElement('button');
  send.type = 'submit';
  send.textContent = 'PUBLISH';
  form.append(input, send);
  const toolbar = document.createElement('div');
  toolbar.className = 'toolbar';
  toolbar.append(roleLine, open);
  root.append(toolbar, log, form);

  let me = '?';
  let lastRole = '';

  const refresh = async (): Promise<void> => {
    me = tabIdOf(await client.info('replication'));
    const role = parseRole(await client.sendCommand(['ROLE']), me);
    if (role === null) return;
    const text = `this tab (${role.tabId}) is the ${role.role}, epoch ${role.epoch}`;
    if (text !== roleLine.textContent) {
      if (lastRole !== '' && role.role === 'leader' && lastRole === 'follower') roleLine.classList.add('took-over');
      roleLine.textContent = text;
      roleLine.dataset.role = role.role;
      lastRole = role.role;
    }
  };

  const say = (text: string, className = ''): void => {
    const item = document.createElement('li');
    item.textContent = text;
    if (className !== '') item.className = className;
    log.append(item);
    while (log.children.length > 50) log.firstElementChild!.remove();
    log.scrollTop = log.scrollHeight;
  };

  void client.subscribe(CHAT, (message) => {
    try {
      const { from, text } = JSON.parse(message) as { from: string; text: string };
      say(`${from === me ? 'me' : from}: ${text}`, from === me ? 'mine' : '');
    } catch {
      say(message);
    }
  });

  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const text = input.value.trim();
    input.value = '';
    if (text === '') return;
    void client.publish(CHAT, JSON.stringify({ from: me, text })).then((receivers) => {
      send.title = `${receivers} receiver(s)`;
    });
  });

  return { refresh };
}
