/**
 * npm start — the queue core end to end on this machine: enqueue a mix of jobs, run them with a
 * consumer (retries, backoff, the dead-letter queue), print what happened as JSON lines and the final
 * stats. The full local pipeline (HTTP API, scheduler, traces) replaces this with the functions.
 * Env: REDIS_URL (default redis://127.0.0.1:6379; a throwaway redis-server is started if none answers).
 */
import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { consume, JobQueue, QueueAdmin, type JobHandler, type JobInput } from '../queue';
import { createRedisClient } from '../redis';
import { ensureRedis } from './ensure-redis';

const print = (record: Record<string, unknown>) => console.log(JSON.stringify(record));

/** Demo processors by job type; the worker-poller's registry ships the same three. */
const handler: JobHandler = async (job, { signal }) => {
  const payload = (job.payload ?? {}) as { ms?: number; message?: string; retryable?: boolean; failTimes?: number };
  switch (job.type) {
    case 'noop':
      return;
    case 'sleep':
      await sleep(payload.ms ?? 100, undefined, { signal });
      return;
    case 'fail':
      if (job.attempts <= (payload.failTimes ?? Infinity)) {
        throw Object.assign(new Error(payload.message ?? 'failed on purpose'), { retryable: payload.retryable ?? true });
      }
      return;
    default:
      throw Object.assign(new Error(`no processor for job type ${job.type}`), { retryable: false });
  }
};

async function main(): Promise<void> {
  const redisInfo = await ensureRedis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379', (message) => print({ event: 'redis', message }));
  const redis = createRedisClient({ url: redisInfo.url });
  const namespace = `demo-${randomBytes(3).toString('hex')}`;
  const options = { namespace, backoff: { baseMs: 200, capMs: 1000 } };
  const queue = new JobQueue(redis, options);
  const admin = new QueueAdmin(redis, options);

  const jobs: JobInput[] = [
    ...Array.from({ length: 6 }, (_, i) => ({ type: 'noop', priority: i % 2 ? 'high' : 'low', filepath: `/in/photo-${i}.jpg`, filesize: 1000 + i })),
    { type: 'sleep', payload: { ms: 300 } },
    { type: 'fail', payload: { failTimes: 2, message: 'flaky upstream' }, maxAttempts: 3 },
    { type: 'fail', payload: { message: 'corrupt input', retryable: false } },
    { type: 'fail', payload: { message: 'always down' }, maxAttempts: 2 },
  ];
  for (const r of await queue.enqueueBatch(jobs)) print({ event: 'enqueued', id: r.id, type: r.job?.type, priority: r.job?.priority });

  const summary = await consume(queue, handler, {
    concurrency: 4,
    idleMs: 1500,
    waitMs: 500,
    onSettled: (job, outcome) =>
      print({
        event: outcome.status, id: job.id, type: job.type, priority: job.priority, attempt: job.attempts, durationMs: outcome.durationMs,
        ...('error' in outcome && outcome.error ? { error: (outcome.error as Error).message } : {}),
      }),
  });
  print({ event: 'summary', ...summary });
  const stats = await admin.stats();
  print({ event: 'stats', totals: stats.totals, dead: stats.dead, completed: stats.completedHistory, counters: stats.queues[0]?.counters });
  for (const dead of await admin.deadLetters(10)) {
    print({ event: 'dead_letter', id: dead.job.id, reason: dead.deadReason, failures: dead.failures.map((f) => `attempt ${f.attempt}: ${f.error}`) });
  }

  queue.close();
  await admin.purgeAll();
  redis.disconnect();
  await redisInfo.own?.stop();
}

main().catch((error: unknown) => {
  console.error(`npm start failed: ${(error as Error).message}`);
  process.exit(1);
});
