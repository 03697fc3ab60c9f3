/**
 * Serves one tracer's bundle in this fresh process, as Lambda's runtime would: requires it (timed from
 * process start), then invokes it with a new context and trace header per invocation.
 * argv: bundle, event (`trivial` | `enqueue`), mode: `cold` (one invocation: ready and first-response
 * times) or `cpu` (WARMUP invocations, then `invocations` more, sequentially: CPU and wall time each).
 * BENCH_XRAY_SAMPLED_EVERY=n marks every n-th trace header Sampled=1 (Lambda's own sampling decision, which
 * is what Powertools follows); otherwise every header says Sampled=0, as with active tracing off.
 */
import { createRequire } from 'node:module';
import { apiGatewayEvent, lambdaContext } from '../../test/support/lambda-events';

const [bundle, eventKind, mode, count] = process.argv.slice(2) as [string, 'trivial' | 'enqueue', 'cold' | 'cpu', string?];
const WARMUP = 500;
const sampledEvery = Number(process.env.BENCH_XRAY_SAMPLED_EVERY ?? 0);

const event =
  eventKind === 'enqueue'
    ? apiGatewayEvent({ body: '{"type":"noop","payload":{"file":"/in/x.png"}}' })
    : apiGatewayEvent({ method: 'GET', path: '/hello' });

const hex = (n: number, width: number) => n.toString(16).padStart(width, '0');
const epoch = hex(Math.floor(Date.now() / 1000), 8);
let n = 0;

function invoke(handler: (event: unknown, context: unknown) => Promise<unknown>): Promise<unknown> {
  n++;
  const sampled = sampledEvery > 0 && n % sampledEvery === 0 ? 1 : 0;
  // Lambda sets both before each invocation; the ids only need to differ.
  process.env._X_AMZN_TRACE_ID = `Root=1-${epoch}-${hex(n, 24)};Parent=${hex(n, 16)};Sampled=${sampled}`;
  return handler(event, lambdaContext({ functionName: 'bench' }));
}

/**
 * Between invocations Lambda's runtime goes back to the event loop (it asks the Runtime API for the next
 * event), and I/O a tracer left queued (a UDP send to the X-Ray daemon) goes out then: so here too.
 */
const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

function check(response: unknown): void {
  const status = (response as { statusCode?: number } | undefined)?.statusCode;
  if (status !== 200 && status !== 202) throw new Error(`the handler answered ${JSON.stringify(response)}`);
}

async function main(): Promise<void> {
  // This file is bundled as CommonJS (no import.meta): resolve from its own path, argv[1].
  const { handler } = createRequire(process.argv[1]!)(bundle) as { handler: (event: unknown, context: unknown) => Promise<unknown> };
  const readyMs = performance.now();
  check(await invoke(handler));
  const firstResponseMs = performance.now();
  if (mode === 'cold') {
    process.stdout.write(`${JSON.stringify({ readyMs, firstResponseMs })}\n`);
    return;
  }
  for (let i = 0; i < WARMUP; i++) {
    await nextTurn();
    check(await invoke(handler));
  }
  const invocations = Number(count ?? 20_000);
  const cpu = process.cpuUsage();
  const started = performance.now();
  for (let i = 0; i < invocations; i++) {
    await nextTurn();
    check(await invoke(handler));
  }
  const wallUs = ((performance.now() - started) * 1000) / invocations;
  const used = process.cpuUsage(cpu);
  const per = (us: number) => us / invocations;
  process.stdout.write(
    `${JSON.stringify({ cpuUs: per(used.user + used.system), userUs: per(used.user), systemUs: per(used.system), wallUs, invocations })}\n`,
  );
}

main().then(
  // As Lambda freezes the sandbox, open sockets must not keep the process; what a tracer sent in the
  // last turn still leaves (the collector times its arrival), the figures are already written.
  () => setTimeout(() => process.exit(0), 100),
  (error: unknown) => {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  },
);
