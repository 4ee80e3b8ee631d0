import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { CommandTable } from '../src/engine/command-table.js';

/** The README's command list is checked against the command table so neither drifts. */
describe('README', () => {
  const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');

  it('lists exactly the commands of the command table', () => {
    const start = readme.indexOf('\n## Commands');
    expect(start).toBeGreaterThan(-1);
    const end = readme.indexOf('\n## ', start + 1);
    const section = readme.slice(start, end === -1 ? undefined : end);
    const listed = new Set([...section.matchAll(/`([A-Z][A-Z_-]*(?: [A-Z][A-Z_-]*)?)`/g)].map((m) => m[1]!));
    const table = new CommandTable();
    const expected = new Set<string>();
    for (const spec of table.all()) {
      if (spec.subcommands) {
        if (spec.handler) expected.add(spec.name.toUpperCase());
        for (const sub of spec.subcommands) expected.add(sub.name.replace('|', ' ').toUpperCase());
      } else expected.add(spec.name.toUpperCase());
    }
    expect([...listed].sort()).toEqual([...expected].sort());
  });

  it('starts with the two set-up commands', () => {
    expect(readme).toContain('npm install && npm run demo');
    expect(readme).toContain('npm test');
  });
});
