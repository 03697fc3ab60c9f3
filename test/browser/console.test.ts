import { mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { serveConsole } from '../../tools/cli/console-server';
import { adminTokenOf, eventually, FAST_RETRIES, startPipeline, type RunningPipeline } from '../support/local-pipeline';

vi.setConfig({ testTimeout: 90_000, hookTimeout: 60_000 });

/** Debian's chromium (.ci/run installs it), driven by playwright-core: no browser download. */
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
/** `UPDATE_SCREENSHOTS=1` writes the docs' screenshots; otherwise they go to a temporary folder. */
const SHOTS =
  process.env.UPDATE_SCREENSHOTS === '1'
    ? join(import.meta.dirname, '..', '..', 'docs', 'images')
    : mkdtempSync(join(tmpdir(), 'tq-shots-'));

let p: RunningPipeline;
let browser: Browser;
let page: Page;
const problems: string[] = [];

beforeAll(async () => {
  p = await startPipeline({ ...FAST_RETRIES, POLLER_IDLE_MS: '300' });
  browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
  page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  page.on('console', (m) => void (m.type() === 'error' && problems.push(m.text())));
  page.on('pageerror', (e) => void problems.push(String(e)));
  mkdirSync(SHOTS, { recursive: true });
});

afterAll(async () => {
  await browser?.close();
  await p?.stop('SIGKILL');
});

const loginUrl = () => eventually(async () => /console\s+(http:\/\/\S+\/login\?code=\S+)/.exec(p.output())?.[1], 10_000, 'the login link');
const admin = (path: string) => fetch(`${p.url}${path}`, { headers: { authorization: `Bearer ${adminTokenOf(p)}` } }).then((r) => r.json());

describe('the console, in a real browser', () => {
  it('is never open: no page, asset or admin call without the session, and the login link works once', async () => {
    const html = await fetch(`${p.url}/`, { headers: { accept: 'text/html' } });
    expect(html.status).toBe(401);
    expect(await html.text()).toContain('Sign in to the console');
    expect((await fetch(`${p.url}/console/assets/app.js`)).status).toBe(401);
    expect((await fetch(`${p.url}/admin/stats`)).status).toBe(403);
    // curl (and fetch) keep getting JSON from a trace URL.
    expect((await fetch(`${p.url}/traces`)).headers.get('content-type')).toBe('application/json');

    const link = await loginUrl();
    await page.goto(link);
    expect(new URL(page.url()).pathname).toBe('/');
    await page.waitForSelector('#queues');
    const [cookie] = await page.context().cookies();
    expect(cookie).toMatchObject({ name: 'tq_console', httpOnly: true, sameSite: 'Strict' });
    // Used once: the same link signs nobody else in.
    expect((await fetch(link, { redirect: 'manual' })).status).toBe(401);
    // The cookie alone cannot change anything: a change needs our Origin (a page elsewhere cannot send it).
    const withCookie = { cookie: `${cookie!.name}=${cookie!.value}`, 'content-type': 'application/json' };
    const noOrigin = await fetch(`${p.url}/admin/dlq/requeue`, {
      method: 'POST',
      headers: withCookie,
      body: JSON.stringify({ all: true }),
    });
    expect(noOrigin.status).toBe(403);
  });

  it('shows a failed job’s trace as a waterfall, then requeues it from the dead-letter page and the counts follow without a reload', async () => {
    const res = await fetch(`${p.url}/jobs`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ type: 'fail', maxAttempts: 2, payload: { message: 'upstream down', failTimes: 2 } }),
    });
    const job = (await res.json()) as { id: string; traceId: string; traceUrl: string };
    await eventually(async () => ((await admin('/admin/stats')) as { dead: number }).dead === 1 || undefined, 20_000, 'the dead letter');

    // The traceUrl of the 202 answer opens the waterfall.
    await page.goto(job.traceUrl);
    // Spans arrive as each function flushes (the poller's batch last): the page fills in without a reload.
    await eventually(async () => ((await page.$$('.waterfall .row')).length === 8 ? true : undefined), 20_000, 'all 8 spans on the page');
    const rows = await page.$$eval('.waterfall .row', (els) =>
      els.map((r) => ({
        name: r.getAttribute('data-name'),
        start: Number(r.getAttribute('data-start')),
        error: r.getAttribute('data-error') === 'true',
      })),
    );
    expect(rows.map((r) => r.name)).toEqual([
      'POST /jobs',
      'queue.enqueue',
      'queue.dequeue',
      'job.process',
      'queue.dequeue',
      'job.process',
      'invoke tq-local-dlq',
      'tq-local-dlq',
    ]);
    for (let i = 1; i < rows.length; i++) expect(rows[i]!.start).toBeGreaterThanOrEqual(rows[i - 1]!.start);
    expect(rows.filter((r) => r.error).map((r) => r.name)).toEqual(['job.process', 'job.process']);
    // The retry's backoff is a gap: the second attempt starts after the first has ended.
    expect(await page.textContent('.waterfall .row:first-child')).toContain('parent outside this trace');
    await page.click('.waterfall .row[data-error="true"]');
    await page.waitForSelector('.span-details h3');
    expect(await page.textContent('.span-details')).toContain('upstream down');
    expect(await page.$$eval('.waterfall .row[data-error="true"] .mark.warn', (m) => m.length)).toBeGreaterThan(0);
    await page.screenshot({ path: join(SHOTS, 'console-waterfall.png'), fullPage: true });

    // Links are navigable both ways: to the poller invocation that ran the attempt, and back.
    await page.click('.span-details .linked-from a');
    await eventually(
      async () => (new URL(page.url()).pathname !== `/traces/${job.traceId}` ? true : undefined),
      10_000,
      'the poller trace',
    );
    await page.waitForSelector('.row.selected[data-name="tq-local-worker-poller"]');
    await page.click(`.span-details .links a[href^="/traces/${job.traceId}"]`);
    await page.waitForSelector('.row.selected[data-name="job.process"]');
    expect(new URL(page.url()).pathname).toBe(`/traces/${job.traceId}`);

    // Requeue from the dead-letter page, with a reason, as the admin API requires.
    await page.click('header nav a[href="/console/dlq"]');
    await page.waitForSelector(`#dead-letters tr[data-job="${job.id}"]`);
    await page.evaluate(() => ((globalThis as unknown as { marker: number }).marker = 1));
    await page.click(`#dead-letters tr[data-job="${job.id}"] button.requeue`);
    await page.fill('dialog input[name="reason"]', 'upstream is back');
    await page.click('dialog button[type="submit"]');
    await page.waitForSelector('.status:text("requeued 1")');
    await page.click('header nav a[href="/"]');
    // It runs again (the third delivery succeeds) and the queues page shows it, polling, never reloading.
    const completed = page.locator('#queues tr[data-queue="default"] td[data-count="completed"]');
    await eventually(async () => ((await completed.textContent()) === '1' ? true : undefined), 20_000, 'the completed count');
    expect(await page.textContent('#dead-count')).toBe('dead 0');
    expect(await page.evaluate(() => (globalThis as unknown as { marker?: number }).marker)).toBe(1);
    await page.screenshot({ path: join(SHOTS, 'console-queues.png') });

    await page.click('header nav a[href="/console/audit"]');
    await page.waitForSelector('#audit');
    expect(await page.textContent('#audit tbody tr:first-child')).toContain('upstream is back');
    expect(problems).toEqual([]);
  });

  it('lists jobs by state with their records, and finds traces by job id', async () => {
    const { id } = (await (
      await fetch(`${p.url}/jobs`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ type: 'noop', delayMs: 600_000, payload: { order: 7731 } }),
      })
    ).json()) as { id: string };
    await page.goto(`${p.url}/console/jobs?state=delayed`);
    await page.click(`a[href="/console/jobs/${id}"]`);
    await page.waitForSelector('dl.facts');
    expect(await page.textContent('main')).toContain('"order": 7731');
    await page.goto(`${p.url}/traces?job=${id}`);
    await page.waitForSelector('#traces tbody tr');
    // Its enqueue trace, and the admin reads of it just made (their spans name the job too).
    const found = await page.$$eval('#traces tbody tr', (rows) => rows.map((r) => r.textContent ?? ''));
    expect(found.every((text) => text.includes(id))).toBe(true);
    expect(found.some((text) => text.includes('POST /jobs'))).toBe(true);
    await page.fill('form.filters input[name="job"]', '01NOSUCHJOB');
    expect(await page.$$eval('#traces tbody tr', (r) => r.length)).toBe(0);
    expect(problems).toEqual([]);
  });
});

describe('queue-admin console: the pages for a deployed stage, served here', () => {
  it('reads the stage’s admin API through its own signed calls, and is never open either', async () => {
    // The pipeline stands in for the stage: the forwarding is the same for a SigV4-signed target.
    const served = await serveConsole({ kind: 'local', url: new URL(p.url), token: adminTokenOf(p) });
    try {
      expect((await fetch(`${served.url}/admin/stats`)).status).toBe(403);
      expect((await fetch(`${served.url}/`, { headers: { accept: 'text/html' } })).status).toBe(401);
      const remote = await browser.newPage();
      remote.on('console', (m) => void (m.type() === 'error' && problems.push(m.text())));
      remote.on('pageerror', (e) => void problems.push(String(e)));
      await remote.goto(served.loginUrl());
      await remote.waitForSelector('#queues tr[data-queue="default"]');
      // Its traces are in X-Ray, not here: no Traces page.
      expect(await remote.$$eval('header nav a', (links) => links.map((a) => a.textContent))).toEqual([
        'Queues',
        'Jobs',
        'Dead letters',
        'Audit',
      ]);
      await remote.click('header nav a[href="/console/audit"]');
      await remote.waitForSelector('#audit');
      await remote.close();
    } finally {
      await served.close();
    }
    expect(problems).toEqual([]);
  });
});
