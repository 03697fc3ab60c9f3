/**
 * npm run bench:tracing — what tracing costs. Prints JSON lines:
 *  - per traced operation, in isolation: what the enqueue function does per request (an invocation
 *    span, a queue.enqueue child with its attributes and events, the job's carrier, the duration metric)
 *    with tracing off, at 1 % sampling, and at 100 % exporting to a local OTLP receiver;
 *  - enqueue throughput with that tracing around each real Redis enqueue, in the same three modes,
 *    alternating per round: with 50 in flight (Node's CPU saturated: the worst case for overhead) and with
 *    1 in flight (bound by the Redis round trip, like a function serving a request); the target is 1 %
 *    within 3 % of off;
 *  - cold start: fresh Node processes loading a bundle with and without the tracing setup (and serving
 *    the first invocation with its flush), medians.
 * Env: ROUNDS (5), OPS (200000), JOBS (20000), COLD_RUNS (15), REDIS_URL.
 */
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { context, SpanKind, trace } from '@opentelemetry/api';
import { JobQueue, QueueAdmin } from '../shared/queue';
import { createRedisClient } from '../shared/redis';
import { parseTracingConfig } from '../shared/tracing/config';
import { Attr, Events, SpanNames } from '../shared/tracing/names';
import { initTracing, type Tracing } from '../shared/tracing/tracing';
import { OtlpReceiver } from '../test/support/otlp';
import { benchRedis } from './lib/redis';
import { emit, median, round, runNodeJson } from './lib/report';

const ROUNDS = Number(process.env.ROUNDS ?? 5);
const OPS = Number(process.env.OPS ?? 200_000);
const JOBS = Number(process.env.JOBS ?? 20_000);
const COLD_RUNS = Number(process.env.COLD_RUNS ?? 15);
const MODES = ['off', 'sampled_1pct', 'sampled_100pct'] as const;
type Mode = (typeof MODES)[number];

function tracingFor(mode: Mode, endpoint: string): Tracing {
  const env = {
    TRACING_ENABLED: mode === 'off' ? 'false' : 'true',
    TRACING_ENDPOINT: `${endpoint}/v1/traces`,
    TRACING_SAMPLING_STRATEGY: 'probabilistic',
    TRACING_SAMPLING_RATE: mode === 'sampled_100pct' ? '1' : '0.01',
    TRACING_FLUSH_TIMEOUT_MS: '5000',
  };
  return initTracing(parseTracingConfig(env), { register: false });
}

/** The traced part of one enqueue request, around `work` (the Redis call, or nothing). */
function tracedEnqueue<T>(tracing: Tracing, i: number, work: (carrier: Record<string, string>) => T): T {
  const invocation = tracing.startSpan('POST /jobs', { kind: SpanKind.SERVER });
  const span = tracing.startSpan(SpanNames.enqueue, { kind: SpanKind.PRODUCER }, trace.setSpan(context.active(), invocation));
  // Attributes are built only for spans that record: unsampled requests skip that work.
  if (span.isRecording()) {
    span.setAttributes({
      [Attr.queueName]: 'default',
      [Attr.queuePriority]: 'low',
      [Attr.queueOperation]: 'enqueue',
      [Attr.jobFilepath]: `/in/${i}.png`,
      [Attr.jobFilesize]: i,
    });
    span.addEvent(Events.enqueueing);
  }
  const ctx = trace.setSpan(context.active(), span);
  const started = performance.now();
  const result = work(tracing.inject(ctx));
  const finish = () => {
    if (span.isRecording()) span.addEvent(Events.enqueued);
    tracing.metrics.recordEnqueueDuration(performance.now() - started, { queue: 'default', priority: 'low' }, ctx);
    span.end();
    invocation.end();
  };
  if (result instanceof Promise) return result.then((r) => (finish(), r)) as T;
  finish();
  return result;
}

async function perOperation(mode: Mode, endpoint: string): Promise<number> {
  const tracing = tracingFor(mode, endpoint);
  for (let i = 0; i < 20_000; i++) tracedEnqueue(tracing, i, () => undefined); // warm up
  await tracing.flush();
  const started = performance.now();
  for (let i = 0; i < OPS; i++) {
    tracedEnqueue(tracing, i, () => undefined);
    // Let the batch processor run, as it would between invocations.
    if (i % 1000 === 999) await new Promise((r) => setImmediate(r));
  }
  await tracing.flush();
  const ns = ((performance.now() - started) * 1e6) / OPS;
  await tracing.shutdown();
  return ns;
}

/** Jobs per second, and this process's CPU time per job (user + system, µs): precise where wall time is noisy. */
async function enqueueThroughput(mode: Mode, endpoint: string, url: string, inFlight: number): Promise<{ rate: number; cpuUs: number }> {
  const tracing = tracingFor(mode, endpoint);
  const redis = createRedisClient({ url });
  const options = { namespace: `bench-${randomBytes(4).toString('hex')}` };
  const queue = new JobQueue(redis, options);
  await redis.ping();
  let next = 0;
  const jobs = inFlight === 1 ? Math.min(JOBS, 5000) : JOBS;
  const cpu = process.cpuUsage();
  const started = performance.now();
  await Promise.all(
    Array.from({ length: inFlight }, async () => {
      while (next < jobs) {
        const i = next++;
        await tracedEnqueue(tracing, i, (carrier) => queue.enqueue({ type: 'noop', payload: { i }, trace: carrier }));
      }
    }),
  );
  await tracing.flush();
  const rate = jobs / ((performance.now() - started) / 1000);
  const used = process.cpuUsage(cpu);
  const cpuUs = (used.user + used.system) / jobs;
  queue.close();
  await new QueueAdmin(redis, options).purgeAll();
  redis.disconnect();
  await tracing.shutdown();
  return { rate, cpuUs };
}

interface ColdRun {
  /** Process start to the handler module ready (module loading and tracing setup included). */
  readonly readyMs: number;
  /** Process start to the first invocation's response (its span flushed). */
  readonly firstResponseMs: number;
}

/** A fresh Node process loading `bundle`; async, so this process's receiver can answer its export. */
function coldStart(bundle: string, env: NodeJS.ProcessEnv): Promise<ColdRun> {
  return runNodeJson([bundle], env, bundle);
}

async function main(): Promise<void> {
  const receiver = new OtlpReceiver();
  const endpoint = await receiver.start();
  const redis = await benchRedis();
  emit({ bench: 'tracing', setup: { rounds: ROUNDS, ops: OPS, jobs: JOBS, coldRuns: COLD_RUNS, node: process.version } });

  const results = new Map<string, number[]>();
  const add = (key: string, value: number) => results.set(key, [...(results.get(key) ?? []), value]);
  for (let r = 1; r <= ROUNDS; r++) {
    const order = r % 2 ? MODES : [...MODES].reverse();
    for (const mode of order) {
      const ns = await perOperation(mode, endpoint);
      emit({ bench: 'tracing', figure: 'per_operation', mode, round: r, ns_per_op: round(ns) });
      add(`op:${mode}`, ns);
      for (const inFlight of [50, 1]) {
        const { rate, cpuUs } = await enqueueThroughput(mode, endpoint, redis.url, inFlight);
        emit({
          bench: 'tracing',
          figure: `enqueue_c${inFlight}`,
          mode,
          round: r,
          jobs_per_s: round(rate),
          cpu_us_per_job: round(cpuUs, 1),
        });
        add(`c${inFlight}:${mode}`, rate);
        add(`cpu${inFlight}:${mode}`, cpuUs);
      }
      receiver.requests.length = 0; // keep the receiver's memory flat
    }
  }
  for (const mode of MODES) {
    emit({ bench: 'tracing', summary: 'per_operation', mode, median_us: round(median(results.get(`op:${mode}`)!) / 1000, 2) });
  }
  for (const inFlight of [50, 1]) {
    const off = median(results.get(`c${inFlight}:off`)!);
    const offCpu = median(results.get(`cpu${inFlight}:off`)!);
    for (const mode of MODES) {
      const rate = median(results.get(`c${inFlight}:${mode}`)!);
      const cpu = median(results.get(`cpu${inFlight}:${mode}`)!);
      emit({
        bench: 'tracing',
        summary: `enqueue_c${inFlight}`,
        mode,
        median_jobs_per_s: round(rate),
        vs_off: round(rate / off, 3),
        cpu_us_per_job: round(cpu, 1),
        added_cpu_us_per_job: round(cpu - offCpu, 1),
        // Of the wall time a job takes with tracing off, the share the added CPU time represents.
        added_cpu_share_of_job_time: round((cpu - offCpu) / (1e6 / off), 3),
        ...(mode === 'sampled_1pct' ? { target: 'within 3% of off', met: rate / off >= 0.97 } : {}),
      });
    }
  }

  const dir = join(import.meta.dirname, 'cold');
  const env = { ...process.env, TRACING_ENDPOINT: `${endpoint}/v1/traces`, TRACING_SAMPLING_STRATEGY: 'always' };
  const runs: Record<'bare' | 'traced', ColdRun[]> = { bare: [], traced: [] };
  for (let i = 0; i < COLD_RUNS; i++) {
    runs.bare.push(await coldStart(join(dir, 'bare.cjs'), env));
    runs.traced.push(await coldStart(join(dir, 'traced.cjs'), env));
  }
  const m = (kind: 'bare' | 'traced', f: keyof ColdRun) => round(median(runs[kind].map((r) => r[f])), 1);
  emit({
    bench: 'tracing',
    summary: 'cold_start',
    runs: COLD_RUNS,
    bare_ready_ms: m('bare', 'readyMs'),
    traced_ready_ms: m('traced', 'readyMs'),
    added_to_ready_ms: round(m('traced', 'readyMs') - m('bare', 'readyMs'), 1),
    bare_first_response_ms: m('bare', 'firstResponseMs'),
    traced_first_response_ms: m('traced', 'firstResponseMs'),
    added_to_first_response_ms: round(m('traced', 'firstResponseMs') - m('bare', 'firstResponseMs'), 1),
    target: 'at most 50 ms added',
    met: m('traced', 'firstResponseMs') - m('bare', 'firstResponseMs') <= 50,
  });
  await receiver.stop();
  await redis.own?.stop();
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
