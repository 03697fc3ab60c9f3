/**
 * bench:queue's scale figures (FIGURES=scale, or SCALE=1 with the others): how the cost grows.
 *  - end to end (bulk produce while 50 handlers drain) with a backlog already waiting of 10k and 100k jobs
 *    (1M with SCALE_MAX=1000000), and with payloads of 100 B, 10 KB and 100 KB (smaller counts for those);
 *  - Redis memory per waiting job (INFO used_memory before and after enqueueing the backlog).
 * Ours beside BullMQ, same Redis, alternating who goes first.
 */
import { randomBytes } from 'node:crypto';
import { Queue as BullQueue, Worker as BullWorker } from 'bullmq';
import { Redis } from 'ioredis';
import { consume, JobQueue, QueueAdmin } from '../../shared/queue';
import { createRedisClient } from '../../shared/redis';

export interface ScaleCase {
  readonly name: string;
  /** Jobs already waiting before the timed run starts. */
  readonly backlog: number;
  readonly payloadBytes: number;
  /** Jobs produced during the timed run (fewer for big payloads: 100 KB × 20k would be 2 GB). */
  readonly timed: number;
}

export function scaleCases(max: number): ScaleCase[] {
  const backlogs = [10_000, 100_000, 1_000_000].filter((n) => n <= max);
  return [
    ...backlogs.map((backlog) => ({ name: `backlog_${backlog}`, backlog, payloadBytes: 100, timed: 20_000 })),
    { name: 'payload_10000', backlog: 10_000, payloadBytes: 10_000, timed: 10_000 },
    { name: 'payload_100000', backlog: 1000, payloadBytes: 100_000, timed: 2000 },
  ];
}

const CHUNK = 1000;
const CONCURRENCY = 50;
const payloadOf = (bytes: number, i: number) => ({ i, blob: 'x'.repeat(Math.max(0, bytes - 20)) });

async function usedMemory(url: string): Promise<number> {
  const r = new Redis(url);
  const info = await r.info('memory');
  r.disconnect();
  return Number(/used_memory:(\d+)/.exec(info)![1]);
}

/** Adds `count` jobs in chunks through `add` (each job's payload of `bytes`). */
async function inChunks(count: number, bytes: number, add: (payloads: object[]) => Promise<unknown>): Promise<void> {
  for (let i = 0; i < count; i += CHUNK) await add(Array.from({ length: Math.min(CHUNK, count - i) }, (_, k) => payloadOf(bytes, i + k)));
}

/** Fills the case's backlog through `add`; Redis memory per waiting job it took. */
async function fillBacklog(url: string, c: ScaleCase, add: (payloads: object[]) => Promise<unknown>): Promise<number> {
  const before = await usedMemory(url);
  await inChunks(c.backlog, c.payloadBytes, add);
  return ((await usedMemory(url)) - before) / c.backlog;
}

export interface ScaleResult {
  readonly jobsPerS: number;
  readonly bytesPerJob: number;
}

/** Ours: fill the backlog (memory measured), then produce `timed` more while a consumer drains all. */
export async function oursAtScale(url: string, c: ScaleCase): Promise<ScaleResult> {
  const { timed } = c;
  const producerRedis = createRedisClient({ url });
  const consumerRedis = createRedisClient({ url });
  const options = { namespace: `scale-${randomBytes(4).toString('hex')}`, history: { maxCount: 1000 }, maxPayloadBytes: 1024 * 1024 };
  const producer = new JobQueue(producerRedis, options);
  const consumer = new JobQueue(consumerRedis, options);
  try {
    const add = (payloads: object[]) => producer.enqueueBatch(payloads.map((payload) => ({ type: 'noop', payload })));
    const bytesPerJob = await fillBacklog(url, c, add);
    const total = c.backlog + timed;
    const stop = new AbortController();
    let done = 0;
    const started = performance.now();
    const produce = inChunks(timed, c.payloadBytes, add);
    await Promise.all([
      produce,
      consume(consumer, async () => undefined, {
        concurrency: CONCURRENCY,
        prefetch: CONCURRENCY,
        waitMs: 100,
        signal: stop.signal,
        onSettled: () => ++done === total && stop.abort(),
      }),
    ]);
    return { jobsPerS: total / ((performance.now() - started) / 1000), bytesPerJob };
  } finally {
    producer.close();
    consumer.close();
    await new QueueAdmin(producerRedis, options).purgeAll();
    producerRedis.disconnect();
    consumerRedis.disconnect();
  }
}

export async function bullmqAtScale(url: string, c: ScaleCase): Promise<ScaleResult> {
  const { timed } = c;
  const u = new URL(url);
  const connection = { host: u.hostname, port: Number(u.port || 6379), maxRetriesPerRequest: null };
  const name = `scale-${randomBytes(4).toString('hex')}`;
  const queue = new BullQueue(name, { connection, defaultJobOptions: { removeOnComplete: { count: 1000 } } });
  await queue.waitUntilReady();
  let worker: BullWorker | undefined;
  try {
    const add = (payloads: object[]) => queue.addBulk(payloads.map((data) => ({ name: 'noop', data })));
    const bytesPerJob = await fillBacklog(url, c, add);
    const total = c.backlog + timed;
    const started = performance.now();
    await Promise.all([
      inChunks(timed, c.payloadBytes, add),
      new Promise<void>((resolve, reject) => {
        let done = 0;
        worker = new BullWorker(name, async () => undefined, { connection, concurrency: CONCURRENCY });
        worker.on('completed', () => ++done === total && resolve());
        worker.on('error', reject);
      }),
    ]);
    return { jobsPerS: total / ((performance.now() - started) / 1000), bytesPerJob };
  } finally {
    await worker?.close();
    await queue.obliterate({ force: true });
    await queue.close();
  }
}
