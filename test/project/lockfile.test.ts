import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { type LockPackage, missingOptionalEntries } from '../../scripts/lockfile';

describe('package-lock.json', () => {
  it('has an entry for every optional dependency, so `npm ci` accepts it (run `npm run lock:fix` if not)', () => {
    const lock = JSON.parse(readFileSync(join(import.meta.dirname, '../../package-lock.json'), 'utf8')) as {
      packages: Record<string, LockPackage>;
    };
    expect(missingOptionalEntries(lock.packages).map((m) => `${m.name} (of ${m.dependant})`)).toEqual([]);
  });

  it('finds an optional dependency where Node would: beside its dependant or in any folder above it', () => {
    const lock: Record<string, LockPackage> = {
      '': {},
      'node_modules/a': {},
      'node_modules/a/node_modules/b': { optionalDependencies: { c: '1.0.0', d: '2.0.0', e: '3.0.0' } },
      'node_modules/a/node_modules/c': {}, // above b, inside a
      'node_modules/d': {}, // at the top
      'node_modules/a/node_modules/b/node_modules/x/node_modules/e': {}, // below b: not found from b
    };
    expect(missingOptionalEntries(lock)).toEqual([{ dependant: 'node_modules/a/node_modules/b', name: 'e', version: '3.0.0', dev: false }]);
  });
});
