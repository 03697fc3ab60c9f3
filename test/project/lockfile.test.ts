import { readFileSync } from 'node:fs';
import { join } from 'node:path';

interface LockPackage {
  optionalDependencies?: Record<string, string>;
}

describe('package-lock.json', () => {
  it('has an entry for every optional dependency, so `npm ci` accepts it (run `npm run lock:fix` if not)', () => {
    const lock = JSON.parse(readFileSync(join(__dirname, '../../package-lock.json'), 'utf8')) as { packages: Record<string, LockPackage> };
    const missing: string[] = [];
    for (const [path, meta] of Object.entries(lock.packages)) {
      for (const name of Object.keys(meta.optionalDependencies ?? {})) {
        if (!lock.packages[`${path}/node_modules/${name}`] && !lock.packages[`node_modules/${name}`]) missing.push(`${name} (of ${path})`);
      }
    }
    expect(missing).toEqual([]);
  });
});
