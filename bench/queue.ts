/**
 * npm run bench:queue — our queue beside BullMQ, same Redis, same run, alternating who goes first.
 * Figures (jobs/s): single enqueue with 50 in flight; bulk enqueue (chunks of 1000); end to end
 * (a producer bulk-enqueues while a consumer with 50 concurrent no-op handlers dequeues and acks);
 * draining a pre-filled queue with 50 concurrent handlers. Plus redis-benchmark's LPUSH rate (ceiling).
 * Producer and consumer use separate connections, as BullMQ's Queue and Worker do. Our consumer runs
 * with prefetch = concurrency (its throughput setting); `drain_c50_no_prefetch` shows it without.
 * Runs the esbuild bundle (what ships), not tsx.
 * Then the limited figures (bench/lib/limited.ts): a rate limit and a concurrency limit that bind, over two
 * consumers, ours beside BullMQ's limiter and global concurrency, as jobs/s against the limit.
 * Prints JSON lines; `summary` lines carry medians and the ours/BullMQ ratio.
 * Env: ROUNDS (5), JOBS (20000), REDIS_URL (default: a fresh redis-server of its own).
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { randomBytes } from 'node:crypto';
import { Queue as BullQueue, Worker as BullWorker } from 'bullmq';
import { consume, JobQueue, QueueAdmin } from '../shared/queue';
import { createRedisClient } from '../shared/redis';
import { bullmqLimited, LIMITED_FIGURES, oursLimited } from './lib/limited';
import { bullmqAtScale, oursAtScale, scaleCases } from './lib/scale';
import { benchRedis } from './lib/redis';
import { emit, median, round } from './lib/report';

const bullmqVersion = (
  JSON.parse(readFileSync(createRequire(import.meta.url).resolve('bullmq/package.json'), 'utf8')) as { version: string }
).version;
const ROUNDS = Number(process.env.ROUNDS ?? 5);
const ONLY = process.env.FIGURES?.split(','); // run a subset, e.g. FIGURES=drain_c50
const JOBS = Number(process.env.JOBS ?? 20_000);
const IN_FLIGHT = 50;
const CHUNK = 1000;
const CONCURRENCY = 50;
const HISTORY = 1000; // both keep the last 1000 completed jobs

const FIGURES = ['enqueue_single_c50', 'enqueue_bulk', 'end_to_end_c50', 'drain_c50', 'drain_c50_no_prefetch'] as const;
type Figure = (typeof FIGURES)[number];
/** Minimum ours/BullMQ ratio each figure aims for (issue #2); null: reported, no target. */
const TARGET: Record<Figure, number | null> = {
  enqueue_single_c50: 1,
  enqueue_bulk: 2,
  end_to_end_c50: 2,
  drain_c50: 2,
  drain_c50_no_prefetch: null,
};

const payload = (i: number) => ({ i, file: `/data/in/${i}.png` });

async function withInFlight(n: number, total: number, op: (i: number) => Promise<unknown>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: n }, async () => {
      while (next < total) await op(next++);
    }),
  );
}

async function timed(run: () => Promise<unknown>): Promise<number> {
  const started = performance.now();
  await run();
  return JOBS / ((performance.now() - started) / 1000);
}

/** One queue implementation, set up fresh for a single measurement. */
interface Contender {
  enqueue(i: number): Promise<unknown>;
  /** Enqueues all JOBS in chunks of CHUNK, one chunk at a time. */
  bulk(): Promise<void>;
  /** Processes with CONCURRENCY no-op handlers until JOBS have completed. */
  drain(prefetch: number): Promise<void>;
  close(): Promise<void>;
}

async function measure(contender: Contender, figure: Figure): Promise<number> {
  try {
    switch (figure) {
      case 'enqueue_single_c50':
        return await timed(() => withInFlight(IN_FLIGHT, JOBS, (i) => contender.enqueue(i)));
      case 'enqueue_bulk':
        return await timed(() => contender.bulk());
      case 'end_to_end_c50':
        return await timed(() => Promise.all([contender.drain(CONCURRENCY), contender.bulk()]));
      case 'drain_c50':
      case 'drain_c50_no_prefetch':
        await contender.bulk();
        return await timed(() => contender.drain(figure === 'drain_c50' ? CONCURRENCY : 0));
    }
  } finally {
    await contender.close();
  }
}

async function ours(url: string): Promise<Contender> {
  const producerRedis = createRedisClient({ url });
  const consumerRedis = createRedisClient({ url });
  const options = { namespace: `bench-${randomBytes(4).toString('hex')}`, history: { maxCount: HISTORY } };
  const producer = new JobQueue(producerRedis, options);
  const consumer = new JobQueue(consumerRedis, options);
  const jobs = Array.from({ length: JOBS }, (_, i) => ({ type: 'noop', payload: payload(i) }));
  await Promise.all([producerRedis.ping(), consumerRedis.ping()]);
  return {
    enqueue: (i) => producer.enqueue(jobs[i]!),
    bulk: async () => {
      for (let i = 0; i < JOBS; i += CHUNK) await producer.enqueueBatch(jobs.slice(i, i + CHUNK));
    },
    // Timed like BullMQ's side: until all JOBS completed (counted per settled job), not until idle.
    drain: async (prefetch) => {
      const stop = new AbortController();
      let done = 0;
      const summary = await consume(consumer, async () => undefined, {
        concurrency: CONCURRENCY,
        prefetch,
        waitMs: 100,
        signal: stop.signal,
        onSettled: () => ++done === JOBS && stop.abort(),
      });
      if (summary.succeeded !== JOBS) throw new Error(`ours processed ${summary.succeeded}/${JOBS}`);
    },
    close: async () => {
      producer.close();
      consumer.close();
      await new QueueAdmin(producerRedis, options).purgeAll();
      producerRedis.disconnect();
      consumerRedis.disconnect();
    },
  };
}

async function bullmq(host: string, port: number): Promise<Contender> {
  const connection = { host, port, maxRetriesPerRequest: null };
  const name = `bench-${randomBytes(4).toString('hex')}`;
  const queue = new BullQueue(name, { connection, defaultJobOptions: { removeOnComplete: { count: HISTORY } } });
  await queue.waitUntilReady();
  const workers: BullWorker[] = [];
  return {
    enqueue: (i) => queue.add('noop', payload(i)),
    bulk: async () => {
      for (let i = 0; i < JOBS; i += CHUNK) {
        await queue.addBulk(Array.from({ length: Math.min(CHUNK, JOBS - i) }, (_, k) => ({ name: 'noop', data: payload(i + k) })));
      }
    },
    // BullMQ has no prefetch setting; its worker fetches the next job as it completes one.
    drain: () =>
      new Promise<void>((resolve, reject) => {
        let done = 0;
        const worker = new BullWorker(name, async () => undefined, { connection, concurrency: CONCURRENCY });
        workers.push(worker);
        worker.on('completed', () => ++done === JOBS && resolve());
        worker.on('error', reject);
      }),
    close: async () => {
      await Promise.all(workers.map((w) => w.close()));
      await queue.obliterate({ force: true });
      await queue.close();
    },
  };
}

function redisBenchmark(host: string, port: number, pipeline: number): number {
  const csv = execFileSync(
    'redis-benchmark',
    ['-h', host, '-p', String(port), '-t', 'lpush', '-n', '200000', '-c', '50', '-P', String(pipeline), '--csv'],
    {
      encoding: 'utf8',
    },
  );
  // "test","rps",... then "LPUSH","123456.79",...
  const row = csv
    .trim()
    .split('\n')
    .find((line) => line.startsWith('"LPUSH'));
  return Number(row?.split(',')[1]?.replace(/"/g, ''));
}

async function main(): Promise<void> {
  const redis = await benchRedis();
  const version = execFileSync('redis-server', ['--version'], { encoding: 'utf8' }).match(/v=(\S+)/)?.[1];
  emit({
    bench: 'queue',
    setup: {
      jobs: JOBS,
      rounds: ROUNDS,
      inFlight: IN_FLIGHT,
      chunk: CHUNK,
      concurrency: CONCURRENCY,
      redis: version,
      node: process.version,
      bullmq: bullmqVersion,
    },
  });
  for (const pipeline of [1, 50]) {
    emit({
      bench: 'queue',
      figure: pipeline === 1 ? 'redis_benchmark_lpush_c50' : 'redis_benchmark_lpush_c50_p50',
      ops_per_s: round(redisBenchmark(redis.host, redis.port, pipeline)),
    });
  }
  const results = new Map<string, number[]>();
  for (let round_ = 1; round_ <= ROUNDS; round_++) {
    for (const figure of FIGURES.filter((f) => !ONLY || ONLY.includes(f))) {
      const order = round_ % 2 ? (['ours', 'bullmq'] as const) : (['bullmq', 'ours'] as const);
      for (const impl of order) {
        const rate = await measure(impl === 'ours' ? await ours(redis.url) : await bullmq(redis.host, redis.port), figure);
        emit({ bench: 'queue', figure, impl, round: round_, jobs: JOBS, jobs_per_s: round(rate) });
        const key = `${figure}:${impl}`;
        results.set(key, [...(results.get(key) ?? []), rate]);
      }
    }
  }
  for (const figure of FIGURES.filter((f) => !ONLY || ONLY.includes(f))) {
    const o = median(results.get(`${figure}:ours`)!);
    const b = median(results.get(`${figure}:bullmq`)!);
    const target = TARGET[figure];
    emit({
      bench: 'queue',
      summary: figure,
      ours_median_jobs_per_s: round(o),
      bullmq_median_jobs_per_s: round(b),
      ratio: round(o / b, 2),
      target_ratio: target,
      ...(target === null ? {} : { met: o / b >= target }),
    });
  }
  await limited(redis);
  if (process.env.SCALE === '1' || ONLY?.includes('scale')) await scale(redis);
  await redis.own?.stop();
}

/** How the cost grows with the backlog and the payload (bench/lib/scale.ts). SCALE_ROUNDS (2), SCALE_MAX (100000). */
async function scale(redis: Awaited<ReturnType<typeof benchRedis>>): Promise<void> {
  const rounds = Number(process.env.SCALE_ROUNDS ?? 2);
  const cases = scaleCases(Number(process.env.SCALE_MAX ?? 100_000));
  const results = new Map<string, { jobsPerS: number; bytesPerJob: number }[]>();
  for (let r = 1; r <= rounds; r++) {
    for (const c of cases) {
      for (const impl of r % 2 ? (['ours', 'bullmq'] as const) : (['bullmq', 'ours'] as const)) {
        const result = impl === 'ours' ? await oursAtScale(redis.url, c) : await bullmqAtScale(redis.url, c);
        emit({
          bench: 'queue',
          figure: `scale_${c.name}`,
          impl,
          round: r,
          backlog: c.backlog,
          payload_bytes: c.payloadBytes,
          jobs_per_s: round(result.jobsPerS),
          redis_bytes_per_waiting_job: round(result.bytesPerJob),
        });
        results.set(`${c.name}:${impl}`, [...(results.get(`${c.name}:${impl}`) ?? []), result]);
      }
    }
  }
  for (const c of cases) {
    const med = (impl: string, f: 'jobsPerS' | 'bytesPerJob') => median(results.get(`${c.name}:${impl}`)!.map((x) => x[f]));
    const ratio = med('ours', 'jobsPerS') / med('bullmq', 'jobsPerS');
    const bytes = med('ours', 'bytesPerJob') / med('bullmq', 'bytesPerJob');
    emit({
      bench: 'queue',
      summary: `scale_${c.name}`,
      ours_median_jobs_per_s: round(med('ours', 'jobsPerS')),
      bullmq_median_jobs_per_s: round(med('bullmq', 'jobsPerS')),
      ratio: round(ratio, 2),
      ours_bytes_per_job: round(med('ours', 'bytesPerJob')),
      bullmq_bytes_per_job: round(med('bullmq', 'bytesPerJob')),
      bytes_ratio: round(bytes, 2),
      // Targets (issue 16): a lead of 2× or more up to 10 KB payloads; no more bytes per job than BullMQ.
      ...(c.payloadBytes <= 10_000 ? { lead_target: 2, lead_met: ratio >= 2 } : {}),
      bytes_met: bytes <= 1,
    });
  }
}

async function limited(redis: Awaited<ReturnType<typeof benchRedis>>): Promise<void> {
  const figures = LIMITED_FIGURES.filter((f) => !ONLY || ONLY.includes(f.name));
  const results = new Map<string, number[]>();
  for (let round_ = 1; round_ <= ROUNDS; round_++) {
    for (const f of figures) {
      for (const impl of round_ % 2 ? (['ours', 'bullmq'] as const) : (['bullmq', 'ours'] as const)) {
        const rate = impl === 'ours' ? await oursLimited(redis.url, f) : await bullmqLimited(redis.host, redis.port, f);
        emit({
          bench: 'queue',
          figure: f.name,
          impl,
          round: round_,
          jobs: f.jobs,
          jobs_per_s: round(rate),
          limit_jobs_per_s: f.limitJobsPerS,
        });
        results.set(`${f.name}:${impl}`, [...(results.get(`${f.name}:${impl}`) ?? []), rate]);
      }
    }
  }
  for (const f of figures) {
    const o = median(results.get(`${f.name}:ours`)!);
    const b = median(results.get(`${f.name}:bullmq`)!);
    emit({
      bench: 'queue',
      summary: f.name,
      limit_jobs_per_s: f.limitJobsPerS,
      ours_median_jobs_per_s: round(o),
      bullmq_median_jobs_per_s: round(b),
      ours_of_limit: round(o / f.limitJobsPerS, 2),
      bullmq_of_limit: round(b / f.limitJobsPerS, 2),
      ratio: round(o / b, 2),
      // A limit is kept, not beaten: more than the limit (beyond a window's edge) would be a bug.
      within_limit: o <= f.limitJobsPerS * 1.1,
    });
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
