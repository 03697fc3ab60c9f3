/**
 * npm run bench:profile — where tracing's CPU goes, from CPU profiles (`node --cpu-prof`). Runs the enqueue
 * handler (50 in flight) and one poller invocation draining no-op jobs (50 concurrent), each in a fresh
 * process under the profiler, with tracing off and at 1 % sampling, alternating; then prints, per kind,
 * CPU per job in each mode and the functions whose self time grew most with tracing on, in µs per job.
 * Prints JSON lines like the other benchmarks. Env: JOBS (30000), PROFILE_ROUNDS (2), REDIS_URL.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startCollector } from './lib/collector';
import { ours } from './lib/ours';
import { benchRedis } from './lib/redis';
import { emit, median, round, runNodeJson } from './lib/report';

const JOBS = Number(process.env.JOBS ?? 30_000);
const ROUNDS = Number(process.env.PROFILE_ROUNDS ?? 2);
const KINDS = ['enqueue', 'poller'] as const;
const MODES = ['off', 'sampled_1pct'] as const;
type Kind = (typeof KINDS)[number];

interface CpuProfile {
  nodes: { id: number; callFrame: { functionName: string; url: string; lineNumber: number } }[];
  samples: number[];
  timeDeltas: number[];
}

/** Self time per function (µs), keyed by name and file; idle time left out. */
function selfTimes(profile: CpuProfile): Map<string, number> {
  const frames = new Map(profile.nodes.map((n) => [n.id, n.callFrame]));
  const out = new Map<string, number>();
  profile.samples.forEach((id, i) => {
    const frame = frames.get(id)!;
    if (frame.functionName === '(idle)') return;
    const file = frame.url.split('/').pop() || '';
    const key = `${frame.functionName || '(anonymous)'}${file ? ` ${file}` : ''}`;
    out.set(key, (out.get(key) ?? 0) + (profile.timeDeltas[i] ?? 0));
  });
  return out;
}

/** One profiled run in a fresh process: this file again, with `--child`. */
async function profiled(
  kind: Kind,
  mode: (typeof MODES)[number],
  env: NodeJS.ProcessEnv,
): Promise<{ rate: number; cpuUs: number; self: Map<string, number> }> {
  const dir = mkdtempSync(join(tmpdir(), 'bench-profile-'));
  const args = ['--cpu-prof', `--cpu-prof-dir=${dir}`, process.argv[1]!, '--child', kind, mode];
  try {
    const { rate, cpuUs } = await runNodeJson<{ rate: number; cpuUs: number }>(args, env, `${kind} ${mode}`);
    const file = readdirSync(dir).find((f) => f.endsWith('.cpuprofile'))!;
    return { rate, cpuUs, self: selfTimes(JSON.parse(readFileSync(join(dir, file), 'utf8')) as CpuProfile) };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function child(kind: Kind, mode: string): Promise<void> {
  const { rate, cpuUsPerJob } = await ours(kind, process.env.REDIS_URL!, process.env.BENCH_COLLECTOR!, mode !== 'off');
  process.stdout.write(`${JSON.stringify({ rate, cpuUs: cpuUsPerJob })}\n`);
}

async function main(): Promise<void> {
  const redis = await benchRedis();
  const collector = await startCollector();
  const env = { ...process.env, REDIS_URL: redis.url, BENCH_COLLECTOR: collector.url, JOBS: String(JOBS) };
  emit({ bench: 'profile', setup: { jobs: JOBS, rounds: ROUNDS, node: process.version } });
  for (const kind of KINDS) {
    const runs = new Map<string, { rate: number; cpuUs: number; self: Map<string, number> }[]>();
    for (let r = 1; r <= ROUNDS; r++) {
      for (const mode of r % 2 ? MODES : [...MODES].reverse()) {
        const run = await profiled(kind, mode, env);
        emit({ bench: 'profile', kind, mode, round: r, jobs_per_s: round(run.rate), cpu_us_per_job: round(run.cpuUs, 1) });
        runs.set(mode, [...(runs.get(mode) ?? []), run]);
      }
    }
    // Self time per job, summed over the rounds of each mode, then on minus off.
    const perJob = (mode: string) => {
      const sum = new Map<string, number>();
      for (const run of runs.get(mode)!) for (const [k, us] of run.self) sum.set(k, (sum.get(k) ?? 0) + us / JOBS / ROUNDS);
      return sum;
    };
    const on = perJob('sampled_1pct');
    const off = perJob('off');
    const grown = [...new Set([...on.keys(), ...off.keys()])]
      .map((k) => [k, (on.get(k) ?? 0) - (off.get(k) ?? 0)] as const)
      .sort((a, b) => b[1] - a[1])
      .slice(0, 15);
    const cpuOn = median(runs.get('sampled_1pct')!.map((r) => r.cpuUs));
    const cpuOff = median(runs.get('off')!.map((r) => r.cpuUs));
    emit({
      bench: 'profile',
      summary: `${kind}_tracing_cost`,
      cpu_us_per_job_off: round(cpuOff, 1),
      cpu_us_per_job_1pct: round(cpuOn, 1),
      added_us_per_job: round(cpuOn - cpuOff, 1),
      grew_most_us_per_job: Object.fromEntries(grown.map(([k, us]) => [k, round(us, 2)])),
    });
  }
  collector.stop();
  await redis.own?.stop();
}

const [role, kind, mode] = process.argv.slice(2);
(role === '--child' ? child(kind as Kind, mode!) : main()).catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
