import { readFileSync } from 'node:fs';
import { GENERATED_FILE, renderScripts } from '../../scripts/gen-lua';
import { luaScripts } from '../../shared/queue/scripts/generated';

describe('Lua scripts', () => {
  it('ship inside the code, generated from the current .lua sources (run `npm run gen:scripts` if not)', () => {
    expect(readFileSync(GENERATED_FILE, 'utf8')).toBe(renderScripts());
  });

  it('are registered under versioned names, one per script', () => {
    const names = Object.values(luaScripts).map((s) => s.name);
    expect(new Set(names).size).toBe(names.length);
    for (const name of names) expect(name).toMatch(/^tq_[A-Za-z]+_[0-9a-f]{8}$/);
  });

  it('document exactly the keys they take in their header', () => {
    for (const [name, script] of Object.entries(luaScripts)) {
      const header = script.lua.slice(0, script.lua.indexOf(']]'));
      const documented = [...header.matchAll(/KEYS\[(\d+)\]/g)].map((m) => Number(m[1]));
      expect({ name, keys: documented }).toEqual({ name, keys: Array.from({ length: script.numberOfKeys }, (_, i) => i + 1) });
    }
  });

  it('have every include resolved', () => {
    for (const script of Object.values(luaScripts)) expect(script.lua).not.toMatch(/@include/);
  });
});
