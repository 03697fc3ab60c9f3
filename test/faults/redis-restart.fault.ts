import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createEnqueueHandler } from '../../functions/enqueue/app';
import { createPollerHandler } from '../../functions/worker-poller/app';
import { createRedisClient } from '../../shared/redis';
import { freePort } from '../../tools/local/redis-server';
import { apiGatewayEvent, lambdaContext, scheduledEvent } from '../support/lambda-events';
import { captureLogs } from '../support/logs';
import { testServices } from '../support/services';

/**
 * Redis stopped (SIGTERM, then SIGKILL) and restarted with its AOF (fsync on every write) while the
 * enqueue function is under load, its callers retrying 503s with the same Idempotency-Key: every job
 * answered 202 is there afterwards, once; answers during the outage are 503 within a bounded time; none
 * answered 503 "unavailable" was written (a job whose enqueue was in flight when Redis went is answered
 * "unconfirmed" instead: it may be there); the same poller resumes processing.
 */
const OUTAGE_MS = 1500;
const LOAD_MS = 800;
/** Longest the producers may take to have a job accepted again once Redis is back. */
const RECONNECT_BOUND_MS = 10_000;
const PRODUCERS = 10;
/** Longest a 503 may take: the producer's command timeout (2 s) and some room. */
const ANSWER_BOUND_MS = 3000;

function redisServer(port: number, dir: string): Promise<ChildProcess> {
  const child = spawn(
    'redis-server',
    [
      '--port',
      String(port),
      '--bind',
      '127.0.0.1',
      '--dir',
      dir,
      '--save',
      '',
      '--appendonly',
      'yes',
      '--appendfsync',
      'always',
      '--maxmemory-policy',
      'noeviction',
    ],
    { stdio: ['ignore', 'pipe', 'pipe'], detached: true },
  );
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      if (/Ready to accept connections/.test(out)) resolve(child);
    });
    child.once('exit', (code) => reject(new Error(`redis-server exited ${code}: ${out}`)));
  });
}

const stopped = (child: ChildProcess, signal: NodeJS.Signals) =>
  new Promise<void>((resolve) => {
    child.removeAllListeners('exit');
    child.once('exit', () => resolve());
    child.kill(signal);
  });

describe('fault suite: Redis stopped and restarted under load', () => {
  it('keeps every accepted job once, writes none answered unavailable, answers 503 in bounded time, and resumes processing', async () => {
    const port = await freePort();
    const dir = mkdtempSync(join(tmpdir(), 'tq-fault-aof-'));
    let server = await redisServer(port, dir);
    const logs = captureLogs();
    const env = {
      REDIS_URL: `redis://127.0.0.1:${port}`,
      QUEUE_NAMESPACE: 'fault-aof',
      POLLER_IDLE_MS: '300',
      POLLER_WAIT_MS: '100',
      POLLER_FANOUT_BACKLOG: '0',
      POLLER_JOB_TIMEOUT_MS: '500',
      POLLER_SAFETY_MARGIN_MS: '100',
    };
    const producer = testServices('producer', env);
    const consumer = testServices('consumer', env);
    const enqueue = createEnqueueHandler({ tracing: producer.tracing, runtime: producer.runtime });
    const poller = createPollerHandler({ tracing: consumer.tracing, runtime: consumer.runtime, lambda: () => consumer.lambda() });
    const accepted = new Map<string, string>(); // marker → job id
    const answers = { unavailable: 0, unconfirmed: 0 };
    // Answered "unavailable" (nothing written), yet a retry with the same key found the job: must not happen.
    const unavailableButWritten: string[] = [];
    let slowest503 = 0;
    let other = 0;
    let next = 0;
    let running = true;
    // As a client does: each job under its own Idempotency-Key, a 503 retried with the same key until accepted.
    const produce = async () => {
      while (running) {
        const marker = `m-${next++}`;
        const event = apiGatewayEvent({
          body: JSON.stringify({ type: 'noop', payload: { marker } }),
          headers: { 'Idempotency-Key': marker },
        });
        let saidUnavailable = false;
        for (let attempt = 0; attempt < 200; attempt++) {
          const started = performance.now();
          const res = await enqueue(event, lambdaContext());
          const body = JSON.parse(res.body) as { id?: string; duplicate?: boolean; error?: string };
          if (res.statusCode === 202) {
            accepted.set(marker, body.id!);
            if (body.duplicate && saidUnavailable) unavailableButWritten.push(marker);
            break;
          }
          if (res.statusCode !== 503) {
            other++;
            break;
          }
          slowest503 = Math.max(slowest503, performance.now() - started);
          if (body.error === 'unconfirmed') answers.unconfirmed++;
          else {
            answers.unavailable++;
            saidUnavailable = true;
          }
          await new Promise((r) => setTimeout(r, 20));
        }
      }
    };
    const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
    try {
      await poller(scheduledEvent(), lambdaContext({ functionName: 'tq-poller' })); // connected before the outages
      const load = Array.from({ length: PRODUCERS }, produce);
      const outages: Record<string, { accepted: number; refused: number }> = {};
      for (const signal of ['SIGTERM', 'SIGKILL'] as const) {
        await sleep(LOAD_MS);
        const before = { accepted: accepted.size, refused: answers.unavailable + answers.unconfirmed };
        await stopped(server, signal);
        await sleep(OUTAGE_MS);
        server = await redisServer(port, dir);
        // The producers' clients reconnect on their own backoff (up to a couple of seconds after a long
        // outage on a busy machine): wait, bounded, for the first job accepted after the restart.
        const back = Date.now() + RECONNECT_BOUND_MS;
        while (accepted.size === before.accepted && Date.now() < back) await sleep(50);
        await sleep(LOAD_MS);
        outages[signal] = {
          accepted: accepted.size - before.accepted,
          refused: answers.unavailable + answers.unconfirmed - before.refused,
        };
      }
      running = false;
      await Promise.all(load);

      // Every job in Redis is one that was accepted, and every accepted one is there.
      const direct = createRedisClient({ url: env.REDIS_URL });
      const keys = await direct.keys('{fault-aof}:job:*');
      const markers = await Promise.all(
        keys.map(async (k) => (JSON.parse((await direct.hget(k, 'd'))!) as { payload: { marker: string } }).payload.marker),
      );
      direct.disconnect();
      const written = new Set(markers);
      const lost = [...accepted.keys()].filter((m) => !written.has(m));
      const writtenTwice = markers.length - written.size;

      // The same poller, in the same process, takes up the work again.
      for (let i = 0; i < 20; i++) {
        const s = await poller(scheduledEvent(), lambdaContext({ functionName: 'tq-poller' }));
        if (s.processed === 0) break;
      }
      const stats = await (await producer.runtime()).admin.stats();
      const completed = stats.queues.find((q) => q.name === 'default')?.counters.completed ?? 0;
      logs.restore();
      console.log(
        JSON.stringify({
          fault: 'redis_restart_aof',
          requests: next,
          accepted: accepted.size,
          answered_unavailable: answers.unavailable,
          answered_unconfirmed: answers.unconfirmed,
          outages,
          slowest_503_ms: Math.round(slowest503),
          lost: lost.length,
          unavailable_but_written: unavailableButWritten.length,
          written_twice: writtenTwice,
          completed_after: completed,
        }),
      );
      expect(other).toBe(0);
      expect(lost).toEqual([]);
      expect(unavailableButWritten).toEqual([]);
      expect(writtenTwice).toBe(0);
      expect(markers).toHaveLength(accepted.size); // nothing written that was not accepted in the end
      expect(answers.unavailable + answers.unconfirmed).toBeGreaterThan(0);
      expect(slowest503).toBeLessThan(ANSWER_BOUND_MS);
      expect(Object.values(outages).every((o) => o.accepted > 0)).toBe(true); // accepted again after each restart
      expect(stats.totals).toEqual({ waiting: 0, active: 0, delayed: 0 });
      expect(completed).toBe(accepted.size);
    } finally {
      running = false;
      logs.restore();
      await producer.close().catch(() => undefined);
      await consumer.close().catch(() => undefined);
      await stopped(server, 'SIGKILL');
      rmSync(dir, { recursive: true, force: true });
    }
  }, 120_000);
});
