/**
 * bench:queue's limited figures: two consumers (separate connections, 50 handlers each) draining one queue
 * under a limit that binds, ours (limits in Redis, enforced at dequeue) beside BullMQ (the Worker's
 * `limiter`, and `Queue.setGlobalConcurrency`). Reported as jobs/s against the limit's own rate.
 */
import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { Queue as BullQueue, Worker as BullWorker } from 'bullmq';
import { consume, JobQueue, QueueAdmin } from '../../shared/queue';
import { createRedisClient } from '../../shared/redis';

export interface LimitedFigure {
  readonly name: string;
  readonly jobs: number;
  /** What a handler does (ms asleep). */
  readonly workMs: number;
  readonly concurrency: number | null;
  readonly rate: { readonly max: number; readonly perMs: number } | null;
  /** The most jobs/s the limit allows. */
  readonly limitJobsPerS: number;
}

export const LIMITED_FIGURES: readonly LimitedFigure[] = [
  { name: 'rate_limited_5000_per_s', jobs: 10_000, workMs: 0, concurrency: null, rate: { max: 500, perMs: 100 }, limitJobsPerS: 5000 },
  // 10 in flight at once, 5 ms each: at most 2000 jobs/s.
  { name: 'concurrency_limited_10', jobs: 4000, workMs: 5, concurrency: 10, rate: null, limitJobsPerS: 2000 },
];

const CONSUMERS = 2;
const HANDLERS = 50;
const work = (ms: number) => (ms > 0 ? sleep(ms) : Promise.resolve());

export async function oursLimited(url: string, f: LimitedFigure): Promise<number> {
  const clients = Array.from({ length: CONSUMERS + 1 }, () => createRedisClient({ url }));
  const options = { namespace: `bench-${randomBytes(4).toString('hex')}`, history: { maxCount: 1000 } };
  const [producer, ...consumers] = clients.map((c) => new JobQueue(c, options));
  const admin = new QueueAdmin(clients[0]!, options);
  try {
    await admin.setLimits('default', { concurrency: f.concurrency, rate: f.rate });
    for (let i = 0; i < f.jobs; i += 1000)
      await producer!.enqueueBatch(Array.from({ length: Math.min(1000, f.jobs - i) }, () => ({ type: 'noop' })));
    const stop = new AbortController();
    let done = 0;
    const started = performance.now();
    await Promise.all(
      consumers.map((q) =>
        consume(q, () => work(f.workMs), {
          concurrency: HANDLERS,
          waitMs: 100,
          signal: stop.signal,
          onSettled: () => ++done === f.jobs && stop.abort(),
        }),
      ),
    );
    return f.jobs / ((performance.now() - started) / 1000);
  } finally {
    for (const q of [producer!, ...consumers]) q.close();
    await admin.purgeAll();
    for (const c of clients) c.disconnect();
  }
}

export async function bullmqLimited(host: string, port: number, f: LimitedFigure): Promise<number> {
  const connection = { host, port, maxRetriesPerRequest: null };
  const name = `bench-${randomBytes(4).toString('hex')}`;
  const queue = new BullQueue(name, { connection, defaultJobOptions: { removeOnComplete: { count: 1000 } } });
  const workers: BullWorker[] = [];
  try {
    await queue.waitUntilReady();
    if (f.concurrency !== null) await queue.setGlobalConcurrency(f.concurrency);
    for (let i = 0; i < f.jobs; i += 1000)
      await queue.addBulk(Array.from({ length: Math.min(1000, f.jobs - i) }, () => ({ name: 'noop', data: {} })));
    const started = performance.now();
    await new Promise<void>((resolve, reject) => {
      let done = 0;
      for (let i = 0; i < CONSUMERS; i++) {
        const worker = new BullWorker(name, () => work(f.workMs), {
          connection,
          concurrency: HANDLERS,
          ...(f.rate ? { limiter: { max: f.rate.max, duration: f.rate.perMs } } : {}),
        });
        workers.push(worker);
        worker.on('completed', () => ++done === f.jobs && resolve());
        worker.on('error', reject);
      }
    });
    return f.jobs / ((performance.now() - started) / 1000);
  } finally {
    await Promise.all(workers.map((w) => w.close()));
    await queue.obliterate({ force: true });
    await queue.close();
  }
}
