import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { eventually, startPipeline, type RunningPipeline } from '../support/local-pipeline';

vi.setConfig({ testTimeout: 60_000, hookTimeout: 60_000 });

const dir = mkdtempSync(join(tmpdir(), 'tq-processors-'));
const file = join(dir, 'processors.ts');
const moduleSaying = (greeting: string) =>
  `export const processors = {\n  greet: async (job: { payload: { name: string } }) => ({ text: '${greeting}, ' + job.payload.name }),\n};\n`;

let p: RunningPipeline;
beforeAll(async () => {
  writeFileSync(file, moduleSaying('hello'));
  p = await startPipeline({ LOCAL_PROCESSORS: file, POLLER_IDLE_MS: '300', LOCAL_POLLER_EVERY_MS: '200' });
});
afterAll(async () => {
  await p?.stop('SIGKILL');
});

async function run(name: string): Promise<unknown> {
  const res = await fetch(`${p.url}/jobs`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ type: 'greet', payload: { name } }),
  });
  expect(res.status).toBe(202);
  const { id } = (await res.json()) as { id: string };
  return eventually(
    async () => {
      const status = (await (await fetch(`${p.url}/jobs/${id}`)).json()) as { state: string; result?: unknown };
      return status.state === 'completed' ? status.result : undefined;
    },
    15_000,
    `job ${id}`,
  );
}

describe('npm start with LOCAL_PROCESSORS', () => {
  it('runs the user’s own processors, accepts their types, and picks up a change to the file without a restart', async () => {
    expect(await run('Ada')).toEqual({ text: 'hello, Ada' });
    writeFileSync(file, moduleSaying('welcome back'));
    await eventually(async () => (p.output().includes('reloaded processors') ? true : undefined), 10_000, 'the reload');
    expect(await run('Ada')).toEqual({ text: 'welcome back, Ada' });
    // A broken edit keeps the last good processors, and says why in one line.
    writeFileSync(file, 'export const processors = 42;\n');
    await eventually(async () => (p.output().includes('not reloaded') ? true : undefined), 10_000, 'the refused reload');
    expect(await run('Grace')).toEqual({ text: 'welcome back, Grace' });
  });
});
