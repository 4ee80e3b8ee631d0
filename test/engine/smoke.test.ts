import { describe, expect, it } from 'vitest';
import { createEngine, ReplyError } from '../../src/index.js';

describe('engine spine', () => {
  it('PING and ECHO', async () => {
    const engine = createEngine();
    expect(await engine.call(['PING'])).toBe('PONG');
    expect(await engine.call(['ping', 'héllo'])).toBe('héllo');
    expect(await engine.call(['ECHO', 'x'])).toBe('x');
    engine.close();
  });
  it('unknown command and arity errors', async () => {
    const engine = createEngine();
    await expect(engine.call(['foo', 'a', 'b'])).rejects.toThrow("ERR unknown command 'foo', with args beginning with: 'a' 'b' ");
    await expect(engine.call(['echo'])).rejects.toBeInstanceOf(ReplyError);
    await expect(engine.call(['echo'])).rejects.toThrow("ERR wrong number of arguments for 'echo' command");
  });
});
