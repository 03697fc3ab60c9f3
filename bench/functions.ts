/**
 * npm run bench:functions — the functions as they ship. Prints JSON lines:
 *  - each function's bundle size (minified, the build used for deployment);
 *  - each bundle's cold start: a fresh Node process loading it and serving its first invocation (with
 *    Redis and a local OTLP receiver), beside a bare handler and beside the same bundle with tracing off
 *    (what the tracing setup adds); medians of COLD_RUNS;
 *  - enqueue handler invocations per second, 50 in flight, tracing on at 1 % (and off), beside BullMQ's `add`;
 *  - worker-poller jobs per second for no-op jobs (one invocation draining a filled queue, 50 concurrent),
 *    beside a BullMQ worker at concurrency 50 — same Redis, same run, alternating who goes first;
 *  - the poller with 10 % of its jobs failing, failure traces on and off (what recording them costs).
 *  - our tracing beside Powertools Tracer and OpenTelemetry's Lambda instrumentation (bench/lib/peers.ts).
 * The OTLP endpoint is a stand-in collector in its own process, as the collector layer is in Lambda.
 * Env: ROUNDS (5), JOBS (50000), COLD_RUNS (9), REDIS_URL; FIGURES=functions or FIGURES=peers for one part.
 */
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { Queue as BullQueue, Worker as BullWorker } from 'bullmq';
import { buildSync } from 'esbuild';
import { buildFunction, FUNCTIONS, ROOT } from '../scripts/build';
import { ESBUILD_TARGET } from '../scripts/node-target';
import { startCollector, type Collector } from './lib/collector';
import { envFor, IN_FLIGHT, ours } from './lib/ours';
import { peerTracers } from './lib/peers';
import { benchRedis } from './lib/redis';
import { emit, median, round, runNodeJson } from './lib/report';

const ROUNDS = Number(process.env.ROUNDS ?? 5);
const JOBS = Number(process.env.JOBS ?? 50_000);
const COLD_RUNS = Number(process.env.COLD_RUNS ?? 9);

function coldStart(
  runner: string,
  bundle: string,
  kind: string,
  env: NodeJS.ProcessEnv,
): Promise<{ readyMs: number; firstResponseMs: number }> {
  return runNodeJson([runner, bundle, kind], env, kind);
}

async function bullmq(kind: 'enqueue' | 'poller', host: string, port: number): Promise<number> {
  const connection = { host, port, maxRetriesPerRequest: null };
  const name = `bench-${randomBytes(4).toString('hex')}`;
  const queue = new BullQueue(name, { connection, defaultJobOptions: { removeOnComplete: { count: 1000 } } });
  await queue.waitUntilReady();
  let rate: number;
  if (kind === 'enqueue') {
    let next = 0;
    const started = performance.now();
    await Promise.all(
      Array.from({ length: IN_FLIGHT }, async () => {
        while (next++ < JOBS) await queue.add('noop', { file: '/in/x.png' });
      }),
    );
    rate = JOBS / ((performance.now() - started) / 1000);
  } else {
    for (let i = 0; i < JOBS; i += 1000)
      await queue.addBulk(Array.from({ length: Math.min(1000, JOBS - i) }, () => ({ name: 'noop', data: {} })));
    const started = performance.now();
    let worker: BullWorker | undefined;
    await new Promise<void>((resolve, reject) => {
      let done = 0;
      worker = new BullWorker(name, async () => undefined, { connection, concurrency: 50 });
      worker.on('completed', () => ++done === JOBS && resolve());
      worker.on('error', reject);
    });
    rate = JOBS / ((performance.now() - started) / 1000);
    await worker!.close();
  }
  await queue.obliterate({ force: true });
  await queue.close();
  return rate;
}

async function main(): Promise<void> {
  const redis = await benchRedis();
  const collector = await startCollector();
  emit({ bench: 'functions', setup: { rounds: ROUNDS, jobs: JOBS, coldRuns: COLD_RUNS, inFlight: IN_FLIGHT, node: process.version } });
  // `functions` is `cold` and `throughput`.
  const figures = (process.env.FIGURES ?? 'functions,peers').replace('functions', 'cold,throughput').split(',');
  if (figures.includes('cold') || figures.includes('throughput'))
    await functionFigures(redis, collector, { cold: figures.includes('cold'), throughput: figures.includes('throughput') });
  if (figures.includes('peers')) await peerTracers(collector, redis.url);
  collector.stop();
  await redis.own?.stop();
}

async function functionFigures(
  redis: Awaited<ReturnType<typeof benchRedis>>,
  collector: Collector,
  parts: { readonly cold: boolean; readonly throughput: boolean },
): Promise<void> {
  const endpoint = collector.url;

  // Bundles, as deployed.
  const bundles = Object.fromEntries(
    FUNCTIONS.map((fn) => {
      const { file, bytes } = buildFunction(fn, join(ROOT, 'dist', 'bench', 'functions', fn));
      emit({
        bench: 'functions',
        figure: 'bundle_size',
        function: fn,
        bytes,
        kib: Math.round(bytes / 1024),
        target: 'under 1 MB',
        met: bytes < 1024 * 1024,
      });
      return [fn, file];
    }),
  );
  if (parts.cold) {
    const coldDir = join(ROOT, 'dist', 'bench', 'cold');
    buildSync({
      entryPoints: [join(ROOT, 'bench/cold/run-bundle.ts'), join(ROOT, 'bench/cold/bare-handler.ts')],
      bundle: true,
      platform: 'node',
      target: ESBUILD_TARGET,
      format: 'cjs',
      outExtension: { '.js': '.cjs' },
      outdir: coldDir,
      logLevel: 'warning',
    });
    // Cold starts. A namespace per function: the enqueue function's cold starts leave jobs behind, which a
    // poller sharing its namespace would process in whichever of its two runs came first.
    const envOf = (fn: string) => ({ ...process.env, ...envFor(redis.url, endpoint, `bench-cold-${fn}`) });
    const runner = join(coldDir, 'run-bundle.cjs');
    const bare = [] as number[];
    const cold = new Map<string, Array<{ readyMs: number; firstResponseMs: number }>>();
    const coldOff = new Map<string, number[]>();
    for (let i = 0; i < COLD_RUNS; i++) {
      bare.push((await coldStart(runner, join(coldDir, 'bare-handler.cjs'), 'bare', envOf('bare'))).firstResponseMs);
      for (const fn of FUNCTIONS) {
        const traced = async () => cold.set(fn, [...(cold.get(fn) ?? []), await coldStart(runner, bundles[fn]!, fn, envOf(fn))]);
        // The same bundle with TRACING_ENABLED=false isolates what the tracing setup adds to a cold start.
        const untraced = async () =>
          coldOff.set(fn, [
            ...(coldOff.get(fn) ?? []),
            (await coldStart(runner, bundles[fn]!, fn, { ...envOf(fn), TRACING_ENABLED: 'false' })).firstResponseMs,
          ]);
        // Alternating which goes first.
        for (const run of i % 2 ? [untraced, traced] : [traced, untraced]) await run();
      }
    }
    const bareMs = median(bare);
    for (const [fn, runs] of cold) {
      const first = median(runs.map((r) => r.firstResponseMs));
      const off = median(coldOff.get(fn)!);
      emit({
        bench: 'functions',
        summary: 'cold_start',
        function: fn,
        runs: COLD_RUNS,
        ready_ms: round(median(runs.map((r) => r.readyMs)), 1),
        first_response_ms: round(first, 1),
        bare_handler_ms: round(bareMs, 1),
        added_ms: round(first - bareMs, 1),
        tracing_off_first_response_ms: round(off, 1),
        added_by_tracing_ms: round(first - off, 1),
        target: 'tracing adds at most 50 ms',
        met: first - off <= 50,
      });
    }
  }

  if (!parts.throughput) return;
  // Throughput beside BullMQ.
  const results = new Map<string, number[]>();
  for (let r = 1; r <= ROUNDS; r++) {
    for (const kind of ['enqueue', 'poller'] as const) {
      // Ours at 1 % sampling (the target), and with tracing off, to show what tracing costs on its own.
      const impls = ['ours', 'ours_tracing_off', 'bullmq'] as const;
      for (const impl of r % 2 ? impls : [...impls].reverse()) {
        const before = await collector.count();
        const rate =
          impl === 'bullmq' ? await bullmq(kind, redis.host, redis.port) : (await ours(kind, redis.url, endpoint, impl === 'ours')).rate;
        const exports = (await collector.count()).requests - before.requests;
        emit({
          bench: 'functions',
          figure: kind,
          impl,
          round: r,
          jobs_per_s: round(rate),
          ...(impl === 'bullmq' ? {} : { otlp_exports: exports }),
        });
        results.set(`${kind}:${impl}`, [...(results.get(`${kind}:${impl}`) ?? []), rate]);
      }
    }
  }
  // Issue 16's targets: the enqueue handler 1.5× BullMQ's add, the poller 3× its worker, tracing at 1 % within 3 % of off.
  const targets = { enqueue: 1.5, poller: 3 };
  for (const kind of ['enqueue', 'poller'] as const) {
    const o = median(results.get(`${kind}:ours`)!);
    const off = median(results.get(`${kind}:ours_tracing_off`)!);
    const b = median(results.get(`${kind}:bullmq`)!);
    emit({
      bench: 'functions',
      summary: kind === 'enqueue' ? 'enqueue_handler_c50_vs_bullmq_add' : 'poller_vs_bullmq_worker_c50',
      ours_median_jobs_per_s: round(o),
      bullmq_median_jobs_per_s: round(b),
      ratio: round(o / b, 2),
      target_ratio: targets[kind],
      met: o / b >= targets[kind],
      tracing_off_median_jobs_per_s: round(off),
      tracing_off_ratio: round(off / b, 2),
      sampled_1pct_vs_off: round(o / off, 2),
      sampled_1pct_target: 'within 3 % of tracing off',
      sampled_1pct_met: o / off >= 0.97,
    });
  }
  await failingShare(redis.url, endpoint, collector);
}

/**
 * What failure traces cost: the poller at 1 % sampling with 10 % of its jobs failing for good, failure
 * traces on (the default, 10 a second) and off, alternating. Each failure in an unsampled trace that
 * gets a token is a sampled span and a carrier written back to the job.
 */
async function failingShare(redisUrl: string, endpoint: string, collector: Collector): Promise<void> {
  const rates = new Map<string, number[]>();
  for (let r = 1; r <= ROUNDS; r++) {
    const impls = ['failure_traces_on', 'failure_traces_off'] as const;
    for (const impl of r % 2 ? impls : [...impls].reverse()) {
      const before = await collector.count();
      const { rate } = await ours('poller', redisUrl, endpoint, true, {
        failShare: 0.1,
        env: { TRACING_FAILURE_TRACES_PER_SECOND: impl === 'failure_traces_on' ? '10' : '0' },
      });
      const exports = (await collector.count()).requests - before.requests;
      emit({ bench: 'functions', figure: 'poller_10pct_failing', impl, round: r, jobs_per_s: round(rate), otlp_exports: exports });
      rates.set(impl, [...(rates.get(impl) ?? []), rate]);
    }
  }
  const on = median(rates.get('failure_traces_on')!);
  const off = median(rates.get('failure_traces_off')!);
  emit({
    bench: 'functions',
    summary: 'poller_10pct_failing_failure_traces',
    on_median_jobs_per_s: round(on),
    off_median_jobs_per_s: round(off),
    on_vs_off: round(on / off, 2),
  });
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
