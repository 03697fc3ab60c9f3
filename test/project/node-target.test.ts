import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { satisfies, validRange } from 'semver';
import { RUNTIME } from '../../infra/queue-function';
import { ESBUILD_TARGET, LAMBDA_RUNTIME, NODE_MAJOR } from '../../scripts/node-target';

const ROOT = join(import.meta.dirname, '..', '..');
const read = (file: string) => readFileSync(join(ROOT, file), 'utf8');

describe('one Node.js version everywhere', () => {
  it('deploys on the Lambda runtime of the Node.js major the project targets', () => {
    expect(RUNTIME.name).toBe(LAMBDA_RUNTIME);
    expect(LAMBDA_RUNTIME).toBe(`nodejs${NODE_MAJOR}.x`);
  });

  it('pins a version of that major for development and CI, and requires it in engines', () => {
    expect(read('.node-version').trim()).toMatch(new RegExp(`^${NODE_MAJOR}\\.\\d+\\.\\d+$`));
    const pkg = JSON.parse(read('package.json')) as { engines: { node: string }; scripts: Record<string, string> };
    expect(pkg.engines.node).toBe(`>=${NODE_MAJOR}`);
    // Every esbuild call in the scripts targets it too.
    const targets = Object.values(pkg.scripts).flatMap((script) => [...script.matchAll(/--target=(\S+)/g)].map((m) => m[1]));
    expect(targets.length).toBeGreaterThan(0);
    expect(new Set(targets)).toEqual(new Set([ESBUILD_TARGET]));
  });

  it('runs these tests on it', () => {
    expect(Number(process.versions.node.split('.')[0])).toBe(NODE_MAJOR);
  });
});

describe('dependencies on that Node.js version', () => {
  const pinned = read('.node-version').trim();
  const lock = JSON.parse(read('package-lock.json')) as {
    packages: Record<string, { engines?: { node?: string } | string[]; optional?: boolean }>;
  };
  // What npm installed (optional platform packages for other machines are absent and have no say).
  const installed = Object.entries(lock.packages).filter(([path]) => path !== '' && existsSync(join(ROOT, path, 'package.json')));

  it('are all installed with an engines range that takes the pinned Node and the one running the tests', () => {
    const refusing: string[] = [];
    for (const [path] of installed) {
      const { engines } = JSON.parse(readFileSync(join(ROOT, path, 'package.json'), 'utf8')) as { engines?: { node?: unknown } };
      const range = typeof engines?.node === 'string' ? engines.node : undefined;
      if (range === undefined || !validRange(range)) continue; // no range, or one npm itself would ignore
      for (const version of [pinned, process.versions.node]) {
        if (!satisfies(version, range, { includePrerelease: true }))
          refusing.push(`${path.replace(/^.*node_modules\//, '')} (${range}) refuses ${version}`);
      }
    }
    expect(installed.length).toBeGreaterThan(100);
    expect(refusing).toEqual([]);
  });

  it('run the middy 7 and OpenTelemetry SDK 3 lines', () => {
    const version = (name: string) => (JSON.parse(read(`node_modules/${name}/package.json`)) as { version: string }).version;
    expect(version('@middy/core')).toMatch(/^7\./);
    for (const sdk of [
      '@opentelemetry/sdk-trace',
      '@opentelemetry/core',
      '@opentelemetry/resources',
      '@opentelemetry/context-async-hooks',
    ]) {
      expect(`${sdk}@${version(sdk)}`).toMatch(/@3\./);
    }
  });
});
