import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildFunction, FUNCTIONS } from '../../scripts/build';

describe('npm run build', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'tq-build-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('builds every function', () => {
    expect([...FUNCTIONS].sort()).toEqual(['admin', 'dlq', 'enqueue', 'worker-poller']);
  });

  it('makes a CommonJS bundle that loads as Lambda loads it, with its handler, under 1 MB', () => {
    const { file, bytes } = buildFunction('dlq', join(dir, 'dlq'));
    expect(bytes).toBeLessThan(1024 * 1024);
    expect(JSON.parse(readFileSync(join(dir, 'dlq', 'package.json'), 'utf8'))).toEqual({ type: 'commonjs' });
    const loaded = createRequire(import.meta.url)(file) as { handler?: unknown };
    expect(typeof loaded.handler).toBe('function');
    // Two declared parameters at most: nodejs24.x refuses a callback handler at init.
    expect((loaded.handler as (...args: unknown[]) => unknown).length).toBeLessThan(3);
  });
});
