import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
const ROOT = join(import.meta.dirname, '..', '..');

describe('cdk synth through the CLI', () => {
  it('synthesizes an environment’s three stacks and the account stack offline, with no AWS credentials or account', async () => {
    const out = mkdtempSync(join(tmpdir(), 'tq-synth-'));
    // No credentials, no region, no profile: a stack tied to an account would need a lookup and fail here.
    const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('AWS_') && !k.startsWith('CDK_')));
    try {
      await run(join(ROOT, 'node_modules', '.bin', 'cdk'), ['synth', '--quiet', '--no-notices', '--output', out], {
        cwd: ROOT,
        env: { ...env, AWS_EC2_METADATA_DISABLED: 'true' },
        timeout: 120_000,
      });
      for (const stack of ['tq-dev-network', 'tq-dev-data', 'tq-dev-pipeline', 'tq-account'])
        expect(existsSync(join(out, `${stack}.template.json`))).toBe(true);
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  }, 150_000);
});
