import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { JobQueue, QueueAdmin } from '../../shared/queue';
import { connect, redisUrl } from '../support/redis';

/**
 * A worker killed with SIGKILL in the middle of 10,000 jobs: its leases expire, the next worker's
 * dequeue reaps them, and every job ends completed (or dead-lettered), none lost. Jobs that had run but
 * whose result never reached Redis run again (at-least-once): counted and reported, not failed on.
 */
const JOBS = 10_000;
const LEASE_MS = 2000;
const WORKER = join(import.meta.dirname, 'support', 'worker.ts');

function worker(namespace: string, idleMs: number) {
  const child = spawn(process.execPath, ['--import', 'tsx', WORKER], {
    env: { ...process.env, NS: namespace, REDIS_URL: redisUrl(), LEASE_MS: String(LEASE_MS), IDLE_MS: String(idleMs), NODE_OPTIONS: '' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr.on('data', (d: Buffer) => (output += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, exited, output: () => output };
}

describe('fault suite: a worker killed mid-batch', () => {
  it(`loses none of ${JOBS} jobs when a worker is SIGKILLed while running them`, async () => {
    const namespace = `fault-kill-${Date.now().toString(36)}`;
    const redis = connect();
    const queue = new JobQueue(redis, { namespace });
    const admin = new QueueAdmin(redis, { namespace });
    for (let i = 0; i < JOBS; i += 1000)
      await queue.enqueueBatch(Array.from({ length: 1000 }, (_, j) => ({ type: 'count', payload: i + j })));
    const completed = async () => (await admin.stats()).queues.find((q) => q.name === 'default')?.counters.completed ?? 0;

    const first = worker(namespace, 60_000);
    // Kill it once it is well into the batch (bounded: at most 60 s of waiting).
    for (let i = 0; i < 600 && (await completed()) < JOBS * 0.3; i++) await new Promise((r) => setTimeout(r, 100));
    const atKill = await completed();
    first.child.kill('SIGKILL');
    expect(await first.exited).toBeNull();
    const inFlightAtKill = (await admin.stats()).totals.active;
    expect(atKill).toBeGreaterThan(0);
    expect(atKill).toBeLessThan(JOBS);

    // The next worker stays until the queue has been empty for longer than a lease, so expired leases are reaped.
    const second = worker(namespace, LEASE_MS * 2);
    expect(await second.exited).toBe(0);

    const stats = await admin.stats();
    const counters = stats.queues.find((q) => q.name === 'default')!.counters;
    const runs = Object.values(await redis.hgetall(`{${namespace}}:fault-runs`)).map(Number);
    const lost = JOBS - counters.completed - stats.dead;
    const runTwice = runs.filter((n) => n > 1).length;
    console.log(
      JSON.stringify({
        fault: 'worker_sigkill',
        jobs: JOBS,
        completed_at_kill: atKill,
        in_flight_at_kill: inFlightAtKill,
        completed: counters.completed,
        dead: stats.dead,
        lost,
        run_twice: runTwice,
      }),
    );
    expect(lost).toBe(0);
    expect(stats.totals).toEqual({ waiting: 0, active: 0, delayed: 0 });
    expect(runs).toHaveLength(JOBS); // every job ran
    expect(runTwice).toBeLessThanOrEqual(inFlightAtKill); // only jobs the dead worker still held can run again
    queue.close();
    await admin.purgeAll();
    redis.disconnect();
  }, 120_000);
});
