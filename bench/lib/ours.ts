/** Our functions' handlers driven in this process, as bench:functions and bench:profile measure them. */
import { randomBytes } from 'node:crypto';
import { createEnqueueHandler } from '../../functions/enqueue/app';
import { createPollerHandler } from '../../functions/worker-poller/app';
import { parseAppConfig } from '../../shared/config';
import { QueueAdmin } from '../../shared/queue';
import { createServices } from '../../shared/services';
import { lambdaClient } from '../../shared/services/aws';
import { initTracing, parseTracingConfig } from '../../shared/tracing';
import { apiGatewayEvent, lambdaContext, scheduledEvent } from '../../test/support/lambda-events';

export const IN_FLIGHT = 50;
const JOBS = Number(process.env.JOBS ?? 50_000);

export function envFor(redisUrl: string, endpoint: string, namespace: string, extra: Record<string, string> = {}): Record<string, string> {
  return {
    REDIS_URL: redisUrl,
    QUEUE_NAMESPACE: namespace,
    TRACING_ENDPOINT: `${endpoint}/v1/traces`,
    TRACING_SAMPLING_STRATEGY: 'probabilistic',
    TRACING_SAMPLING_RATE: '0.01',
    POLLER_IDLE_MS: '0',
    POLLER_WAIT_MS: '10',
    POLLER_FANOUT_BACKLOG: '0',
    ...extra,
  };
}

/** `failShare`: that share of the poller's jobs fails for good (dead-lettered); `env`: more settings. */
export async function ours(
  kind: 'enqueue' | 'poller',
  redisUrl: string,
  endpoint: string,
  tracingOn = true,
  options: { failShare?: number; env?: Record<string, string> } = {},
): Promise<{ rate: number; cpuUsPerJob: number }> {
  const namespace = `bench-${randomBytes(4).toString('hex')}`;
  const env = envFor(redisUrl, endpoint, namespace, {
    POLLER_CONCURRENCY: '50',
    POLLER_PREFETCH: '50',
    QUEUE_MAX_BATCH_SIZE: '1000',
    TRACING_ENABLED: String(tracingOn),
    ...options.env,
  });
  const tracing = initTracing(parseTracingConfig(env), { register: false });
  const rt = await createServices({ role: kind === 'enqueue' ? 'producer' : 'consumer', env, tracing });
  await rt.redis.ping();
  let rate: number;
  let cpu: NodeJS.CpuUsage;
  if (kind === 'enqueue') {
    const handler = createEnqueueHandler({ tracing, runtime: async () => rt });
    // Events arrive ready-made in Lambda: build them outside the timing. One context per worker in flight
    // (a context is one invocation's identity; each worker runs one invocation at a time).
    const event = apiGatewayEvent({ body: JSON.stringify({ type: 'noop', payload: { file: '/in/x.png' } }) });
    let next = 0;
    const started = performance.now();
    cpu = process.cpuUsage();
    await Promise.all(
      Array.from({ length: IN_FLIGHT }, async () => {
        const context = lambdaContext();
        while (next++ < JOBS) {
          const response = await handler(event, context);
          if (response.statusCode !== 202) throw new Error(`enqueue answered ${response.statusCode}`);
        }
      }),
    );
    rate = JOBS / ((performance.now() - started) / 1000);
    cpu = process.cpuUsage(cpu);
  } else {
    const every = options.failShare ? Math.round(1 / options.failShare) : 0;
    const job = (n: number) => (every && n % every === 0 ? { type: 'fail', payload: { retryable: false } } : { type: 'noop' });
    for (let i = 0; i < JOBS; i += 1000)
      await rt.queue.enqueueBatch(Array.from({ length: Math.min(1000, JOBS - i) }, (_, k) => job(i + k)));
    const lambda = lambdaClient(parseAppConfig(env));
    const handler = createPollerHandler({ tracing, runtime: async () => rt, lambda: () => lambda });
    const started = performance.now();
    cpu = process.cpuUsage();
    const summary = await handler(scheduledEvent(), lambdaContext({ remainingMs: 900_000 }));
    if (summary.processed !== JOBS) throw new Error(`poller processed ${summary.processed}/${JOBS}`);
    rate = JOBS / ((performance.now() - started) / 1000);
    cpu = process.cpuUsage(cpu);
    lambda.destroy();
  }
  rt.queue.close();
  await new QueueAdmin(rt.redis, rt.config.queue).purgeAll();
  rt.redis.disconnect();
  await tracing.shutdown();
  // CPU per job (user and system) over the timed part, this process's.
  return { rate, cpuUsPerJob: (cpu.user + cpu.system) / JOBS };
}
