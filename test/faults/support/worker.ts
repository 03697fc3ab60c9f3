/**
 * A worker process for the fault suite: consumes the namespace's default queue and counts every run of
 * every job in `{ns}:fault-runs` (a hash of job id → runs), so the parent can tell lost from run twice.
 * Exits once the queue stayed empty for IDLE_MS. Killed from outside, it just dies.
 */
import { consume, JobQueue } from '../../../shared/queue';
import { createRedisClient } from '../../../shared/redis';

const namespace = process.env.NS!;
const redis = createRedisClient({ url: process.env.REDIS_URL! });
const counter = createRedisClient({ url: process.env.REDIS_URL! });
const queue = new JobQueue(redis, { namespace, leaseMs: Number(process.env.LEASE_MS ?? 2000) });
const runs = `{${namespace}}:fault-runs`;

const summary = await consume(
  queue,
  async (job) => {
    await counter.hincrby(runs, job.id, 1);
  },
  { concurrency: 50, prefetch: 50, idleMs: Number(process.env.IDLE_MS ?? 1000), waitMs: 200 },
);
process.stdout.write(`${JSON.stringify(summary)}\n`);
queue.close();
redis.disconnect();
counter.disconnect();
