import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { GENERATED_FILE, renderScripts, SCRIPTS_DIR, stripComments } from '../../scripts/gen-lua';
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
    const files = readdirSync(SCRIPTS_DIR).filter((f) => f.endsWith('.lua'));
    expect(files).toHaveLength(Object.keys(luaScripts).length);
    for (const file of files) {
      const lua = readFileSync(join(SCRIPTS_DIR, file), 'utf8');
      const header = lua.slice(0, lua.indexOf(']]'));
      const documented = [...header.matchAll(/KEYS\[(\d+)\]/g)].map((m) => Number(m[1]));
      const numberOfKeys = Number(/-(\d+)\.lua$/.exec(file)![1]);
      expect({ file, keys: documented }).toEqual({ file, keys: Array.from({ length: numberOfKeys }, (_, i) => i + 1) });
    }
  });

  it('reach Redis without their comments, which only the .lua files carry', () => {
    for (const script of Object.values(luaScripts)) expect(script.lua).not.toMatch(/^\s*--/m);
    expect(stripComments('--[[\n  KEYS[1] x\n]]\nlocal a = 1 -- why\n\n  -- note\nreturn a')).toBe('local a = 1 -- why\nreturn a');
  });

  it('have every include resolved', () => {
    for (const script of Object.values(luaScripts)) expect(script.lua).not.toMatch(/@include/);
  });
});
