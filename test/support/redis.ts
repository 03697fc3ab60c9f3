import { randomBytes } from 'node:crypto';
import Redis from 'ioredis';
import { JobQueue, QueueAdmin, type QueueOptions } from '../../shared/queue';

export function redisUrl(): string {
  const url = process.env.REDIS_URL;
  if (!url) throw new Error('REDIS_URL is not set: run the tests through vitest (its global setup starts redis-server)');
  return url;
}

export function connect(): Redis {
  return new Redis(redisUrl(), { lazyConnect: false, maxRetriesPerRequest: 1 });
}

export interface QueueFixture {
  readonly redis: Redis;
  readonly queue: JobQueue;
  readonly admin: QueueAdmin;
  readonly namespace: string;
}

/**
 * Per test file: one client; per call of `make`, a queue in a namespace of its own (so tests and test
 * files never see each other's keys, even in parallel). Everything is purged and closed after the file.
 */
export function queueFixtures(file: string): (options?: QueueOptions) => QueueFixture {
  let redis: Redis | undefined;
  const made: QueueFixture[] = [];
  afterAll(async () => {
    for (const f of made) {
      f.queue.close();
      await f.admin.purgeAll();
    }
    redis?.disconnect();
  });
  return (options = {}) => {
    redis ??= connect();
    const namespace = `t-${file}-${randomBytes(4).toString('hex')}`;
    const opts = { ...options, namespace };
    const fixture = { redis, namespace, queue: new JobQueue(redis, opts), admin: new QueueAdmin(redis, opts) };
    made.push(fixture);
    return fixture;
  };
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
