/**
 * Our tracing beside the two tracers Lambda users choose among — Powertools Tracer (X-Ray SDK, middy
 * middleware) and OpenTelemetry's own Lambda instrumentation (as its layer sets it up) — on one trivial
 * API Gateway handler and on our enqueue handler (for the peers: our function with its own tracing off
 * and the peer's put around it). Each tracer is a minified bundle served by a fresh process
 * (bench/peers/run.ts) against the loopback receivers of `collector`: OTLP/HTTP, and UDP for the X-Ray
 * daemon. Figures: bundle size; cold start, spawn to first response and spawn to the first export
 * arriving, at 100 % sampling; CPU per invocation at 1 % and 100 % sampling, sequential invocations.
 * Env: PEER_ROUNDS (3), PEER_INVOCATIONS (20000 for the trivial handler; a quarter for enqueue), COLD_RUNS.
 */
import { randomBytes } from 'node:crypto';
import { dirname, join } from 'node:path';
import { buildSync } from 'esbuild';
import { buildBundle, buildFunction, ROOT } from '../../scripts/build';
import { ESBUILD_TARGET } from '../../scripts/node-target';
import type { Collector } from './collector';
import { envFor } from './ours';
import { emit, median, round, runNodeJson } from './report';

const PEER_ROUNDS = Number(process.env.PEER_ROUNDS ?? 3);
const PEER_INVOCATIONS = Number(process.env.PEER_INVOCATIONS ?? 20_000);
const COLD_RUNS = Number(process.env.COLD_RUNS ?? 9);
const TRACERS = ['ours', 'powertools', 'otel', 'untraced'] as const;
const PEERS = ['powertools', 'otel'] as const;
type TracerName = (typeof TRACERS)[number];
type EventKind = 'trivial' | 'enqueue';

interface Setup {
  /** The bundle the runner requires (the handler). */
  readonly bundle: string;
  /** Everything loaded, for the size: the handler bundle and, for OpenTelemetry, its setup bundle. */
  readonly files: readonly { file: string; bytes: number }[];
  readonly execArgv: readonly string[];
  env(rate: number): Record<string, string>;
}

interface Built {
  readonly runner: string;
  readonly setups: Record<EventKind, Record<TracerName, Setup>>;
}

function build(collector: Collector, redisUrl: string): Built {
  const out = join(ROOT, 'dist', 'bench', 'peers');
  const peer = (name: string, ext = 'ts') => buildBundle(join(ROOT, 'bench', 'peers', `${name}.${ext}`), join(out, name));
  const runner = join(out, 'run.cjs');
  buildSync({
    entryPoints: [join(ROOT, 'bench', 'peers', 'run.ts')],
    bundle: true,
    platform: 'node',
    target: ESBUILD_TARGET,
    format: 'cjs',
    outfile: runner,
    logLevel: 'warning',
  });
  const bare = peer('bare');
  const otelSetup = peer('otel-setup');
  const enqueue = buildFunction('enqueue', join(out, 'enqueue'));
  const powertoolsEnqueue = peer('powertools-enqueue');
  const otelBare = peer('otel-bare', 'cts');
  const otelEnqueue = peer('otel-enqueue', 'cts');
  const namespace = `bench-peers-${randomBytes(4).toString('hex')}`;
  // As Lambda sets them; LAMBDA_TASK_ROOT and _HANDLER name the handler module for OpenTelemetry's hook.
  const lambdaEnv = (bundle: string) => ({
    AWS_EXECUTION_ENV: 'AWS_Lambda_nodejs24.x',
    AWS_LAMBDA_FUNCTION_NAME: 'bench',
    AWS_REGION: 'us-east-1',
    LAMBDA_TASK_ROOT: dirname(bundle),
    _HANDLER: 'index.handler',
    REDIS_URL: redisUrl,
    QUEUE_NAMESPACE: namespace,
  });
  type Bundle = { file: string; bytes: number };
  // One shape for every tracer: its bundle (and what loads before it), and its settings per sampling rate.
  const setup = (file: Bundle, env: (rate: number) => Record<string, string>, before?: Bundle): Setup => ({
    bundle: file.file,
    files: before ? [before, file] : [file],
    execArgv: before ? ['--require', before.file] : [],
    env: (rate) => ({ ...lambdaEnv(file.file), ...env(rate) }),
  });
  const ours = (file: Bundle) => setup(file, (rate) => envFor(redisUrl, collector.url, namespace, { TRACING_SAMPLING_RATE: String(rate) }));
  const powertools = (file: Bundle) =>
    setup(file, (rate) => ({ AWS_XRAY_DAEMON_ADDRESS: collector.daemonAddress, BENCH_XRAY_SAMPLED_EVERY: String(Math.round(1 / rate)) }));
  const otel = (file: Bundle) =>
    setup(
      file,
      (rate) => ({
        TRACING_ENABLED: 'false',
        OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: `${collector.url}/v1/traces`,
        BENCH_SAMPLING_RATE: String(rate),
      }),
      otelSetup,
    );
  const untraced = (file: Bundle) => setup(file, () => ({ TRACING_ENABLED: 'false' }));
  return {
    runner,
    setups: {
      trivial: { ours: ours(peer('ours')), powertools: powertools(peer('powertools')), otel: otel(otelBare), untraced: untraced(bare) },
      enqueue: { ours: ours(enqueue), powertools: powertools(powertoolsEnqueue), otel: otel(otelEnqueue), untraced: untraced(enqueue) },
    },
  };
}

function run(
  built: Built,
  setup: Setup,
  kind: EventKind,
  mode: 'cold' | 'cpu',
  rate: number,
  invocations = 0,
): Promise<Record<string, number>> {
  const args = [...setup.execArgv, built.runner, setup.bundle, kind, mode, String(invocations)];
  return runNodeJson(args, { PATH: process.env.PATH, ...setup.env(rate) }, `${setup.bundle} ${kind} ${mode}`);
}

const wallNow = () => performance.timeOrigin + performance.now();

/** One summary line per figure: ours, each peer, ours/peer, and whether ours beat both (lower is better). */
function summarize(kind: EventKind, figure: string, values: Record<TracerName, number>, digits = 1): void {
  const ratios = Object.fromEntries(PEERS.map((p) => [`ours_vs_${p}`, round(values.ours / values[p], 2)]));
  emit({
    bench: 'functions',
    summary: `peer_tracers_${figure}`,
    handler: kind,
    ...Object.fromEntries(TRACERS.map((t) => [t, round(values[t], digits)])),
    ...ratios,
    target: 'ours below both peers',
    met: PEERS.every((p) => values.ours < values[p]),
  });
}

export async function peerTracers(collector: Collector, redisUrl: string): Promise<void> {
  const built = build(collector, redisUrl);
  for (const kind of ['trivial', 'enqueue'] as const) {
    const setups = built.setups[kind];
    const sizes = Object.fromEntries(TRACERS.map((t) => [t, setups[t].files.reduce((sum, f) => sum + f.bytes, 0) / 1024])) as Record<
      TracerName,
      number
    >;
    summarize(kind, 'bundle_kib', sizes, 0);

    // Cold starts at 100 % sampling, so the first invocation exports: interleaved, medians.
    const cold = new Map<string, number[]>();
    const push = (key: string, value: number) => cold.set(key, [...(cold.get(key) ?? []), value]);
    for (let i = 0; i < COLD_RUNS; i++) {
      for (const t of TRACERS) {
        await collector.reset();
        const spawnedAt = wallNow();
        const { firstResponseMs } = await run(built, setups[t], kind, 'cold', 1);
        push(`${t}:response`, firstResponseMs!);
        const { firstAt } = await collector.count();
        if (t !== 'untraced') {
          if (firstAt === null) throw new Error(`${t} ${kind}: a cold start exported nothing at 100 % sampling`);
          push(`${t}:export`, firstAt - spawnedAt);
        }
      }
    }
    const coldOf = (suffix: string) =>
      Object.fromEntries(TRACERS.map((t) => [t, median(cold.get(`${t}:${suffix}`) ?? [0])])) as Record<TracerName, number>;
    summarize(kind, 'cold_start_first_response_ms', coldOf('response'));
    summarize(kind, 'cold_start_first_export_ms', coldOf('export'));

    // CPU per invocation, interleaved rounds.
    const invocations = kind === 'trivial' ? PEER_INVOCATIONS : Math.round(PEER_INVOCATIONS / 4);
    for (const rate of [0.01, 1]) {
      const cpu = new Map<TracerName, number[]>();
      for (let r = 1; r <= PEER_ROUNDS; r++) {
        for (const t of r % 2 ? TRACERS : [...TRACERS].reverse()) {
          const before = await collector.count();
          const result = await run(built, setups[t], kind, 'cpu', rate, invocations);
          const after = await collector.count();
          const exports = after.requests - before.requests + after.datagrams - before.datagrams;
          emit({
            bench: 'functions',
            figure: 'peer_tracers_cpu',
            handler: kind,
            tracer: t,
            sampling: rate,
            round: r,
            invocations,
            cpu_us_per_invocation: round(result.cpuUs!, 1),
            user_us: round(result.userUs!, 1),
            system_us: round(result.systemUs!, 1),
            wall_us_per_invocation: round(result.wallUs!, 1),
            exports,
          });
          cpu.set(t, [...(cpu.get(t) ?? []), result.cpuUs!]);
        }
      }
      const medians = Object.fromEntries(TRACERS.map((t) => [t, median(cpu.get(t)!)])) as Record<TracerName, number>;
      summarize(kind, `cpu_us_per_invocation_${rate === 1 ? '100pct' : '1pct'}`, medians);
    }
  }
}
