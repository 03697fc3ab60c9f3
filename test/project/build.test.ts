import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
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

  it('leaves the YAML parser out of the bundle and carries it beside it, read only when CONFIG_FILE names a file', () => {
    const { file } = buildFunction('dlq', join(dir, 'dlq-yaml'));
    // js-yaml's core schema tag: in the carried parser, not in the bundle.
    expect(readFileSync(file, 'utf8')).not.toContain('tag:yaml.org');
    expect(readFileSync(join(dir, 'dlq-yaml', 'node_modules', 'js-yaml', 'index.js'), 'utf8')).toContain('tag:yaml.org');
    expect(existsSync(join(dir, 'dlq-yaml', 'node_modules', 'js-yaml', 'LICENSE'))).toBe(true);
    // Loaded outside the repository (no node_modules above it but its own), as Lambda loads it.
    const load = (yaml?: string) => {
      const config = join(dir, `config-${Math.random().toString(36).slice(2)}.yaml`);
      if (yaml !== undefined) writeFileSync(config, yaml);
      const env = { PATH: process.env.PATH, REDIS_URL: 'redis://127.0.0.1:1', ...(yaml !== undefined ? { CONFIG_FILE: config } : {}) };
      return spawnSync(process.execPath, ['-e', `require(${JSON.stringify(file)})`], { env, encoding: 'utf8', cwd: dir });
    };
    expect(load().status).toBe(0);
    expect(load('observability:\n  tracing:\n    enabled: false\n').status).toBe(0);
    const typo = load('obsrevability:\n  tracing: {}\n');
    expect(typo.status).not.toBe(0);
    expect(typo.stderr).toContain('obsrevability');
    // A build without the parser beside it says so in one line when a file is named.
    rmSync(join(dir, 'dlq-yaml', 'node_modules'), { recursive: true });
    const bare = load('observability: {}\n');
    expect(bare.status).not.toBe(0);
    expect(bare.stderr).toContain('CONFIG_FILE: needs the YAML parser beside the bundle');
  });
});
