import { expect, it } from 'vitest';
import { describeBackends } from './support.js';

describeBackends('connection methods', (h) => {
  it('PING and ECHO', async () => {
    const { client } = h();
    expect(await client.ping()).toBe('PONG');
    expect(h().lastSent()).toEqual(['PING']);
    expect(await client.ping('hi')).toBe('hi');
    expect(h().lastSent()).toEqual(['PING', 'hi']);
    expect(await client.echo('é')).toBe('é');
  });

  it('AUTH without a configured password', async () => {
    const { client } = h();
    await expect(client.auth({ password: 'secret' })).rejects.toThrow(
      /^ERR AUTH <password> called without any password configured for the default user/,
    );
    expect(h().lastSent()).toEqual(['AUTH', 'secret']);
    // The default user is 'nopass': any password authenticates it.
    expect(await client.auth({ username: 'default', password: 'secret' })).toBe('OK');
    expect(h().lastSent()).toEqual(['AUTH', 'default', 'secret']);
  });

  it('HELLO answers a typed record', async () => {
    const { client } = h();
    const hello = await client.hello();
    expect(h().lastSent()).toEqual(['HELLO']);
    expect(hello).toMatchObject({ server: 'redis', proto: 2, mode: 'standalone', role: 'master', modules: [] });
    expect(hello.version).toMatch(/^7\./);
    expect(hello.id).toBe(await client.clientId());
    await client.hello({ protover: 2, SETNAME: 'via-hello' });
    expect(h().lastSent()).toEqual(['HELLO', '2', 'SETNAME', 'via-hello']);
    expect(await client.clientGetName()).toBe('via-hello');
  });

  it('CLIENT ID, SETNAME, GETNAME', async () => {
    const { client } = h();
    expect(await client.clientId()).toBeTypeOf('number');
    expect(h().lastSent()).toEqual(['CLIENT', 'ID']);
    expect(await client.clientGetName()).toBeNull();
    expect(await client.clientSetName('app')).toBe('OK');
    expect(h().lastSent()).toEqual(['CLIENT', 'SETNAME', 'app']);
    expect(await client.clientGetName()).toBe('app');
    await expect(client.clientSetName('has space')).rejects.toThrow(
      'ERR Client names cannot contain spaces, newlines or special characters.',
    );
  });

  it('CLIENT INFO and CLIENT LIST parse into records', async () => {
    const { client } = h();
    await client.clientSetName('me');
    const id = await client.clientId();
    const info = await client.clientInfo();
    expect(info).toMatchObject({ id, name: 'me', db: 0, multi: -1, cmd: 'client|info' });
    expect(info.age).toBeTypeOf('number');
    const all = await client.clientList();
    expect(all.map((c) => c.id)).toContain(id);
    expect(await client.clientList({ ID: [id] })).toEqual([expect.objectContaining({ id, name: 'me' })]);
    expect(h().lastSent()).toEqual(['CLIENT', 'LIST', 'ID', String(id)]);
    expect((await client.clientList({ TYPE: 'NORMAL' })).map((c) => c.id)).toContain(id);
    expect(h().lastSent()).toEqual(['CLIENT', 'LIST', 'TYPE', 'NORMAL']);
  });

  it('SELECT', async () => {
    const { client } = h();
    expect(await client.select(0)).toBe('OK');
    expect(h().lastSent()).toEqual(['SELECT', '0']);
    await expect(client.select(100)).rejects.toThrow('ERR DB index is out of range');
  });

  it('RESET leaves MULTI and forgets the name', async () => {
    const { client } = h();
    await client.clientSetName('me');
    await client.sendCommand(['MULTI']);
    expect(await client.reset()).toBe('RESET');
    expect(await client.clientGetName()).toBeNull();
    expect(await client.ping()).toBe('PONG');
  });
});
