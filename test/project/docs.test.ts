import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as names from '../../shared/tracing/names';

const ROOT = join(import.meta.dirname, '..', '..');

/** Every string a names table holds (functions of a parameter, such as `admin.<op>`, by their prefix). */
function namesIn(table: Record<string, unknown>): string[] {
  return Object.values(table).map((v) =>
    typeof v === 'function' ? String((v as (x: string) => string)('\u0000')).split('\u0000')[0]! : String(v),
  );
}

describe('docs/tracing-names.md', () => {
  it('names every span, attribute, event and metric the code defines', () => {
    const doc = readFileSync(join(ROOT, 'docs', 'tracing-names.md'), 'utf8');
    const tables = Object.entries(names).filter(([, v]) => typeof v === 'object' && v !== null) as [string, Record<string, unknown>][];
    expect(tables.length).toBeGreaterThan(8);
    const missing = tables.flatMap(([table, values]) =>
      namesIn(values)
        .filter((n) => !doc.includes(`\`${n}`))
        .map((n) => `${table}: ${n}`),
    );
    expect(missing).toEqual([]);
    expect(doc).toContain(`\`${names.INSTRUMENTATION_SCOPE}\``);
  });
});
