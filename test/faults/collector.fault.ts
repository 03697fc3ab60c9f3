import { enqueueFunction } from '../../functions/enqueue/function';
import { pollerFunction } from '../../functions/worker-poller/function';
import { QueueAdmin } from '../../shared/queue';
import { freePort } from '../../tools/local/redis-server';
import { apiGatewayEvent, lambdaContext, scheduledEvent } from '../support/lambda-events';
import { captureLogs } from '../support/logs';
import { OtlpReceiver } from '../support/otlp';
import { connect, redisUrl } from '../support/redis';

/**
 * The collector dead (nothing listening) or hanging (accepts, never answers), every invocation sampled
 * and flushed before it returns: no job fails, and the enqueue function's and the poller's times stay
 * within a stated bound of a healthy collector's (BOUND × healthy + SLACK_MS: the flush is bounded and
 * its budget shrinks while exports time out). Memory growth is reported and bounded too.
 */
const JOBS = 200;
const IN_FLIGHT = 10;
const BOUND = 3;
const SLACK_MS = 3000;
const MEMORY_BOUND_MB = 100;

type Mode = 'healthy' | 'closed' | 'hanging';

async function run(mode: Mode, endpoint: string) {
  const namespace = `fault-otlp-${mode}-${Date.now().toString(36)}`;
  const env = {
    REDIS_URL: redisUrl(),
    QUEUE_NAMESPACE: namespace,
    TRACING_ENDPOINT: endpoint,
    TRACING_SAMPLING_STRATEGY: 'always',
    TRACING_EXPORT_TIMEOUT_MS: '1000',
    POLLER_IDLE_MS: '200',
    POLLER_WAIT_MS: '50',
    POLLER_FANOUT_BACKLOG: '0',
    POLLER_JOB_TIMEOUT_MS: '1000',
    POLLER_SAFETY_MARGIN_MS: '100',
  };
  const enqueue = enqueueFunction(env);
  const poller = pollerFunction(env);
  const heapBefore = process.memoryUsage().heapUsed;
  const started = performance.now();
  const statuses: number[] = [];
  for (let i = 0; i < JOBS; i += IN_FLIGHT) {
    const batch = await Promise.all(
      Array.from({ length: IN_FLIGHT }, (_, j) =>
        enqueue.handler(apiGatewayEvent({ body: JSON.stringify({ type: 'noop', payload: i + j }) }), lambdaContext()),
      ),
    );
    statuses.push(...batch.map((r) => r.statusCode));
  }
  const enqueueMs = performance.now() - started;
  const pollStarted = performance.now();
  const summary = await poller.handler(scheduledEvent(), lambdaContext({ functionName: 'tq-poller' }));
  const pollMs = performance.now() - pollStarted;
  const heapGrowthMb = (process.memoryUsage().heapUsed - heapBefore) / 2 ** 20;
  const redis = connect();
  const admin = new QueueAdmin(redis, { namespace });
  const completed = (await admin.stats()).queues.find((q) => q.name === 'default')?.counters.completed ?? 0;
  await admin.purgeAll();
  redis.disconnect();
  // Bounded too: a hanging collector must not hold the stop.
  const closing = Promise.all([enqueue.runtime.close(), poller.runtime.close(), enqueue.tracing.shutdown(), poller.tracing.shutdown()]);
  await Promise.race([closing, new Promise((r) => setTimeout(r, 5000))]);
  return {
    mode,
    enqueueMs: Math.round(enqueueMs),
    pollMs: Math.round(pollMs),
    accepted: statuses.filter((s) => s === 202).length,
    summary,
    completed,
    heapGrowthMb: Math.round(heapGrowthMb),
  };
}

describe('fault suite: a dead or hanging collector', () => {
  it('fails no job and keeps enqueue and poller within a bound of a healthy collector', async () => {
    const logs = captureLogs();
    const healthy = new OtlpReceiver();
    const hanging = new OtlpReceiver();
    hanging.mode = 'hang';
    const results = [];
    try {
      results.push(await run('healthy', `${await healthy.start()}/v1/traces`));
      results.push(await run('closed', `http://127.0.0.1:${await freePort()}/v1/traces`));
      results.push(await run('hanging', `${await hanging.start()}/v1/traces`));
    } finally {
      logs.restore();
      await healthy.stop();
      await hanging.stop();
    }
    const [ok, ...faulty] = results;
    console.log(JSON.stringify({ fault: 'collector', jobs: JOBS, bound: `${BOUND} x healthy + ${SLACK_MS} ms`, results }));
    expect(healthy.spans().length).toBeGreaterThan(0); // the healthy one really received spans
    for (const r of results) {
      expect([r.mode, r.accepted, r.completed, r.summary.succeeded]).toEqual([r.mode, JOBS, JOBS, JOBS]);
      expect(r.heapGrowthMb).toBeLessThan(MEMORY_BOUND_MB);
    }
    for (const r of faulty) {
      expect([r.mode, r.enqueueMs <= BOUND * ok!.enqueueMs + SLACK_MS]).toEqual([r.mode, true]);
      expect([r.mode, r.pollMs <= BOUND * ok!.pollMs + SLACK_MS]).toEqual([r.mode, true]);
    }
  }, 120_000);
});
