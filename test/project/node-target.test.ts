import { readFileSync } from 'node:fs';
import { join } from 'node:path';
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
