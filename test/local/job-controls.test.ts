import { eventually, runCli, startPipeline, type RunningPipeline } from '../support/local-pipeline';

vi.setConfig({ testTimeout: 60_000, hookTimeout: 60_000 });

let p: RunningPipeline;
beforeAll(async () => {
  p = await startPipeline({ POLLER_IDLE_MS: '300', LOCAL_POLLER_EVERY_MS: '200' });
});
afterAll(async () => {
  await p?.stop('SIGKILL');
});

const cli = (...args: string[]) => runCli(p, ...args);
const api = async (method: string, path: string, body?: unknown) => {
  const res = await fetch(`${p.url}${path}`, {
    method,
    headers: { 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
};
const status = async (id: string) => (await api('GET', `/jobs/${id}`)).body;

describe('npm start: job controls through HTTP and the CLI', () => {
  it('delays a job, tells its status through GET /jobs/{id}, and runs it when due', async () => {
    const accepted = await api('POST', '/jobs', { type: 'noop', delayMs: 1500 });
    expect(accepted.status).toBe(202);
    const id = String(accepted.body.id);
    expect(await status(id)).toMatchObject({ state: 'delayed', runAt: accepted.body.runAt });
    const done = await eventually(
      async () => ((await status(id)).state === 'completed' ? status(id) : undefined),
      15_000,
      'the delayed job',
    );
    expect(Date.parse(String(done.startedAt))).toBeGreaterThanOrEqual(Date.parse(String(accepted.body.runAt)));
  });

  it('cancels a delayed job with DELETE /jobs/{id}, and refuses an unknown type at the door', async () => {
    const { body } = await api('POST', '/jobs', { type: 'noop', delayMs: 600_000 });
    const cancelled = await api('DELETE', `/jobs/${String(body.id)}`);
    expect(cancelled).toMatchObject({ status: 200, body: { state: 'cancelled' } });
    expect((await api('DELETE', `/jobs/${String(body.id)}`)).status).toBe(200);
    const typo = await api('POST', '/jobs', { type: 'slep' });
    expect(typo).toMatchObject({ status: 400, body: { error: 'unknown_type', field: 'type' } });
  });

  it('pauses and resumes a queue and sets its limits from the CLI, shown by stats', async () => {
    const paused = await cli('pause', 'reports', '--reason', 'nightly maintenance');
    expect(paused).toMatchObject({ code: 0 });
    expect(paused.stdout).toMatch(/^queue reports: paused since .* nightly maintenance; limits -/);
    const { body } = await api('POST', '/jobs', { type: 'noop', queue: 'reports' });
    const stats = await cli('stats', '--json');
    const reports = (JSON.parse(stats.stdout) as { queues: Array<{ name: string; heldBack: string }> }).queues.find(
      (q) => q.name === 'reports',
    );
    expect(reports?.heldBack).toBe('paused');
    expect((await cli('stats')).stdout).toMatch(/reports .* paused/);
    expect((await cli('limits', 'reports', '--concurrency', '2', '--rate', '100/1m', '--reason', 'provider quota')).stdout).toContain(
      'limits conc 2, 100/1m',
    );
    expect((await cli('resume', 'reports', '--reason', 'maintenance over')).stdout).toMatch(/^queue reports: running/);
    // POLLER_QUEUES is `default` locally: reports is read by nobody, but resumed it would be taken.
    expect((await status(String(body.id))).state).toBe('waiting');
    const noReason = await cli('pause', 'reports');
    expect(noReason.code).toBe(2);
    expect(noReason.stderr.trim()).toBe('queue-admin: pause needs --reason "…" (3 to 500 characters, kept in the audit trail)');
    const audit = await cli('audit', '--json');
    const ops = (JSON.parse(audit.stdout) as { entries: Array<{ operation: string }> }).entries.map((e) => e.operation);
    expect(ops.slice(0, 3)).toEqual(['resume', 'limits', 'pause']);
  });

  it('runs a job scheduler made with the CLI from the pipeline’s poller, each occurrence once', async () => {
    const set = await cli(
      'schedulers',
      'set',
      'heartbeat',
      '--every',
      '2s',
      '--type',
      'noop',
      '--payload',
      '{"ping":true}',
      '--reason',
      'liveness check',
    );
    expect(set.code).toBe(0);
    expect(set.stdout).toMatch(/^created scheduler heartbeat\n/);
    const fired = await eventually(
      async () => {
        const { stdout } = await cli('schedulers', 'get', 'heartbeat', '--json');
        const s = JSON.parse(stdout) as { fired: number; last: { jobId: string } | null };
        return s.fired >= 2 ? s : undefined;
      },
      20_000,
      'two occurrences',
    );
    expect(await status(fired.last!.jobId)).toMatchObject({ scheduler: { name: 'heartbeat' } });
    expect((await cli('schedulers', 'list')).stdout).toMatch(/heartbeat +every 2\.0s +noop +default/);
    expect((await cli('schedulers', 'delete', 'heartbeat', '--reason', 'done with it')).stdout).toBe('deleted scheduler heartbeat\n');
    const bad = await cli('schedulers', 'set', 'x', '--cron', '* * * * * *', '--type', 'noop', '--reason', 'six fields');
    expect([bad.code, bad.stderr.trim()]).toEqual([
      1,
      'queue-admin: HTTP 400: cron: must have 5 fields: minute hour day-of-month month day-of-week (cron)',
    ]);
  });
});
