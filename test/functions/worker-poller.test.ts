import { SpanKind, trace } from '@opentelemetry/api';
import type { ReadableSpan } from '@opentelemetry/sdk-trace';
import { createEnqueueHandler } from '../../functions/enqueue/app';
import { createPollerHandler } from '../../functions/worker-poller/app';
import { startLambdaInvokeServer, type LambdaInvokeServer } from '../../tools/local/lambda';
import { traced } from '../../shared/middleware/tracing';
import { apiGatewayEvent, lambdaContext, scheduledEvent } from '../support/lambda-events';
import { testServices, type TestServices } from '../support/services';
import { captureLogs } from '../support/logs';

const TRACE_ID = '4bf92f3577b34da6a3ce929d0e0e4736';
const PARENT = '00f067aa0ba902b7';

let invoke: LambdaInvokeServer;
const received: Array<{ fn: string; event: Record<string, unknown> }> = [];
beforeAll(async () => {
  invoke = await startLambdaInvokeServer({ log: () => undefined });
});
afterAll(() => invoke.stop());

let t: TestServices;
afterEach(async () => {
  received.length = 0;
  await t.close();
});

/** The runtime every function of a test shares: one Redis namespace, one span exporter. */
function setup(env: Record<string, string> = {}) {
  t = testServices('consumer', {
    POLLER_IDLE_MS: '150',
    POLLER_WAIT_MS: '50',
    POLLER_FANOUT_BACKLOG: '0',
    QUEUE_BACKOFF_BASE_MS: '10',
    QUEUE_BACKOFF_CAP_MS: '20',
    POLLER_JOB_TIMEOUT_MS: '2000',
    POLLER_SAFETY_MARGIN_MS: '100',
    LAMBDA_ENDPOINT: invoke.url,
    DLQ_FUNCTION_NAME: 'tq-dlq',
    ...env,
  });
  // The dlq function as deployed would: here it records what it was sent, traced like every function.
  invoke.register({
    name: 'tq-dlq',
    handler: traced(async (event: Record<string, unknown>) => void received.push({ fn: 'tq-dlq', event }), { tracing: t.tracing }),
  });
  return {
    enqueue: createEnqueueHandler({ tracing: t.tracing, runtime: t.runtime }),
    poller: createPollerHandler({ tracing: t.tracing, runtime: t.runtime, lambda: () => t.lambda() }),
  };
}

const enqueueBody = (body: unknown, sampled = true) =>
  apiGatewayEvent({ body: JSON.stringify(body), headers: { traceparent: `00-${TRACE_ID}-${PARENT}-${sampled ? '01' : '00'}` } });
const ofTrace = (id = TRACE_ID) => t.spans().filter((s) => s.spanContext().traceId === id);
const named = (spans: ReadableSpan[], name: string) => spans.filter((s) => s.name === name);

describe('worker-poller function', () => {
  it('makes one trace of a job, from the HTTP request through dequeue and processing', async () => {
    const { enqueue, poller } = setup();
    await enqueue(enqueueBody({ type: 'noop', filepath: '/in/a.txt' }), lambdaContext({ functionName: 'tq-enqueue' }));
    const summary = await poller(scheduledEvent(), lambdaContext({ functionName: 'tq-poller' }));
    expect(summary).toEqual({ processed: 1, succeeded: 1, retried: 0, deadLettered: 0, failed: 0, fannedOut: 0, scheduled: 0 });

    const spans = ofTrace();
    const enqueueSpan = named(spans, 'queue.enqueue')[0]!;
    const [dequeue] = named(spans, 'queue.dequeue');
    const [process] = named(spans, 'job.process');
    expect(dequeue!.parentSpanContext?.spanId).toBe(enqueueSpan.spanContext().spanId);
    expect(process!.parentSpanContext?.spanId).toBe(enqueueSpan.spanContext().spanId);
    expect(process!.kind).toBe(SpanKind.CONSUMER);
    expect(dequeue!.attributes[`queue.wait_time_ms`]).toEqual(expect.any(Number));
    expect(dequeue!.events.map((e) => e.name)).toEqual(['job_dequeuing', 'job_dequeued']);
    expect(process!.attributes).toMatchObject({
      'job.retries': 0,
      'queue.source': 'default',
      'processing.success': true,
      'worker.id': expect.stringContaining('tq-poller/'),
    });
    expect(process!.events.map((e) => e.name)).toEqual(['job.processing.started', 'job.processing.completed']);
    // The poller's own invocation (its own trace, started by the schedule) links to every job it handled.
    const invocation = t.span('tq-poller')!;
    expect(invocation.links.map((l) => l.context.spanId)).toEqual([process!.spanContext().spanId]);
  });

  it('keeps retries and the dead-letter queue in the job’s trace, and tells the dlq function', async () => {
    const { enqueue, poller } = setup();
    await enqueue(enqueueBody({ type: 'fail', maxAttempts: 2, payload: { message: 'upstream down' } }), lambdaContext());
    const summary = await poller(scheduledEvent(), lambdaContext({ functionName: 'tq-poller' }));
    expect(summary).toMatchObject({ processed: 2, retried: 1, deadLettered: 1 });
    await invoke.idle();

    const attempts = named(ofTrace(), 'job.process').sort(
      (a, b) => Number(a.attributes['job.retries']) - Number(b.attributes['job.retries']),
    );
    expect(attempts.map((s) => s.events.map((e) => e.name))).toEqual([
      ['job.processing.started', 'exception', 'job.processing.failed', 'job.retrying'],
      ['job.processing.started', 'exception', 'job.processing.failed', 'job.dead_lettered'],
    ]);
    expect(received).toHaveLength(1);
    expect(received[0]!.event).toMatchObject({ queue: 'default', reason: 'upstream down', jobId: expect.any(String) });
    // The dlq function's invocation continues the same trace, below the attempt that dead-lettered the job.
    const dlqInvocation = t.span('tq-dlq', TRACE_ID)!;
    const invokeSpan = ofTrace().find((s) => s.spanContext().spanId === dlqInvocation.parentSpanContext?.spanId)!;
    expect(invokeSpan.name).toBe('invoke tq-dlq');
    expect(invokeSpan.parentSpanContext?.spanId).toBe(attempts[1]!.spanContext().spanId);
  });

  it('produces no job spans downstream of an unsampled request', async () => {
    const { enqueue, poller } = setup();
    await enqueue(enqueueBody({ type: 'fail', maxAttempts: 1 }, false), lambdaContext());
    expect(await poller(scheduledEvent(), lambdaContext())).toMatchObject({ processed: 1, deadLettered: 1 });
    await invoke.idle();
    expect(ofTrace()).toEqual([]);
    expect(received).toHaveLength(1); // the dlq is still told; it just records nothing
  });

  it('stops taking jobs when less than the longest job timeout plus the margin is left', async () => {
    const { enqueue, poller } = setup({ POLLER_JOB_TIMEOUT_MS: '1000', POLLER_SAFETY_MARGIN_MS: '100', POLLER_CONCURRENCY: '1' });
    for (let i = 0; i < 20; i++) await enqueue(enqueueBody({ type: 'sleep', payload: { ms: 100 } }), lambdaContext());
    const started = Date.now();
    // 1100 ms of budget kept in hand out of 1400 left: about 300 ms to take jobs in.
    const summary = await poller(scheduledEvent(), lambdaContext({ remainingMs: 1400 }));
    expect(Date.now() - started).toBeLessThan(1400);
    expect(summary.processed).toBeGreaterThan(0);
    expect(summary.processed).toBeLessThan(20);
    expect((await (await t.runtime()).admin.stats()).totals).toMatchObject({ active: 0, waiting: 20 - summary.processed });
  });

  it('returns once the queues stayed empty for the idle time', async () => {
    const { poller } = setup({ POLLER_IDLE_MS: '300' });
    const started = Date.now();
    expect(await poller(scheduledEvent(), lambdaContext())).toMatchObject({ processed: 0 });
    expect(Date.now() - started).toBeGreaterThanOrEqual(290);
    expect(Date.now() - started).toBeLessThan(2000);
  });

  it('logs the queue health as CloudWatch metrics (EMF) when QUEUE_HEALTH_METRICS=emf (deployed)', async () => {
    const logs = captureLogs();
    const { enqueue, poller } = setup({ QUEUE_HEALTH_METRICS: 'emf' });
    await enqueue(enqueueBody({ type: 'fail', maxAttempts: 1, payload: { retryable: false } }), lambdaContext());
    await enqueue(enqueueBody({ type: 'noop', queue: 'later' }), lambdaContext()); // a queue this poller does not take
    await poller(scheduledEvent(), lambdaContext());
    const lines = logs.out();
    logs.restore();
    const emf = lines.filter((l) => l._aws);
    expect(emf).toHaveLength(1);
    const [record] = emf;
    expect(record).toMatchObject({ QueueNamespace: t.namespace, DeadLetters: 1, WaitingJobs: 1, OldestJobAgeSeconds: expect.any(Number) });
    // Valid EMF: every metric named in the directive is a top-level number, every dimension a top-level string.
    const [directive] = record!._aws.CloudWatchMetrics;
    expect(directive.Namespace).toBe('TracedQueue');
    for (const { Name } of directive.Metrics) expect(typeof record![Name]).toBe('number');
    for (const key of directive.Dimensions.flat()) expect(typeof record![key]).toBe('string');
    expect(Number.isInteger(record!._aws.Timestamp)).toBe(true);
  });

  it('runs a job type mapped to a Lambda function there, with the trace carried along', async () => {
    const { enqueue, poller } = setup({ JOB_TARGETS: 'resize=tq-resize' });
    invoke.register({
      name: 'tq-resize',
      handler: traced(async (event: { job: { payload: { width: number } } }) => ({ resized: event.job.payload.width }), {
        tracing: t.tracing,
      }),
    });
    await enqueue(enqueueBody({ type: 'resize', payload: { width: 640 } }), lambdaContext());
    expect(await poller(scheduledEvent(), lambdaContext())).toMatchObject({ succeeded: 1 });
    const process = named(ofTrace(), 'job.process')[0]!;
    const invokeSpan = named(ofTrace(), 'invoke tq-resize')[0]!;
    const target = t.span('tq-resize', TRACE_ID)!;
    expect(invokeSpan.parentSpanContext?.spanId).toBe(process.spanContext().spanId);
    expect(target.parentSpanContext?.spanId).toBe(invokeSpan.spanContext().spanId);
  });

  it('fails a job whose target function fails, retryably unless it says otherwise', async () => {
    const { enqueue, poller } = setup({ JOB_TARGETS: 'ocr=tq-ocr' });
    invoke.register({
      name: 'tq-ocr',
      handler: async () => {
        throw Object.assign(new Error('unreadable scan'), { name: 'NonRetryableError' });
      },
    });
    await enqueue(enqueueBody({ type: 'ocr', maxAttempts: 5 }), lambdaContext());
    expect(await poller(scheduledEvent(), lambdaContext())).toMatchObject({ processed: 1, deadLettered: 1, retried: 0 });
  });

  it('starts more pollers when the backlog is large, and the trace shows the fan-out', async () => {
    const { enqueue, poller } = setup({
      POLLER_FANOUT_BACKLOG: '5',
      POLLER_MAX_FANOUT: '3',
      POLLER_FUNCTION_NAME: 'tq-poller',
      POLLER_CONCURRENCY: '2',
      POLLER_IDLE_MS: '50',
    });
    const fanned: Array<{ fanOut?: boolean }> = [];
    invoke.register({
      name: 'tq-poller',
      handler: traced(async (event: { fanOut?: boolean }) => void fanned.push(event), { tracing: t.tracing }),
    });
    for (let i = 0; i < 30; i++) await enqueue(enqueueBody({ type: 'noop' }), lambdaContext());
    const summary = await poller(scheduledEvent(), lambdaContext({ functionName: 'scheduled-poller' }));
    await invoke.idle();
    expect(summary.fannedOut).toBe(3);
    expect(fanned).toEqual([
      { fanOut: true, trace: expect.any(Object) },
      { fanOut: true, trace: expect.any(Object) },
      { fanOut: true, trace: expect.any(Object) },
    ]);
    const scheduled = t.span('scheduled-poller')!;
    const fanOutSpan = t.spans().find((s) => s.name === 'poller.fan_out')!;
    expect(fanOutSpan.parentSpanContext?.spanId).toBe(scheduled.spanContext().spanId);
    const children = t.spans().filter((s) => s.name === 'tq-poller');
    expect(children).toHaveLength(3);
    for (const child of children) expect(child.spanContext().traceId).toBe(scheduled.spanContext().traceId);
    expect(trace.getActiveSpan()).toBeUndefined();
  });
});

describe('worker-poller function: job controls', () => {
  it('starts no pollers for a backlog they could not take: a paused queue, or one at its concurrency limit', async () => {
    const { poller } = setup({
      POLLER_FANOUT_BACKLOG: '5',
      POLLER_MAX_FANOUT: '3',
      POLLER_FUNCTION_NAME: 'tq-poller',
      POLLER_IDLE_MS: '50',
    });
    const fanned: unknown[] = [];
    invoke.register({ name: 'tq-poller', handler: async (event: unknown) => void fanned.push(event) });
    const rt = await t.runtime();
    await rt.queue.enqueueBatch(Array.from({ length: 30 }, () => ({ type: 'noop' })));
    await rt.admin.pause('default', { reason: 'test', at: new Date(0).toISOString(), by: 'test' });
    expect((await poller(scheduledEvent(), lambdaContext({ functionName: 'scheduled-poller' }))).fannedOut).toBe(0);
    await rt.admin.resume('default');
    await rt.admin.setLimits('default', { concurrency: 4, rate: null });
    // 4 may run at once: the scheduled poller takes them itself.
    expect((await poller(scheduledEvent(), lambdaContext({ functionName: 'scheduled-poller' }))).fannedOut).toBe(0);
    await invoke.idle();
    expect(fanned).toEqual([]);
  });

  it('enqueues a due scheduler occurrence once per scheduled run, as a trace of its own with the scheduler’s name', async () => {
    const { poller } = setup();
    const rt = await t.runtime();
    const { JobSchedulers } = await import('../../shared/queue/schedulers');
    const schedulers = new JobSchedulers(rt.redis, rt.config.queue);
    // Created an hour ago (a controlled clock): its occurrences since then are due.
    await schedulers.set({ name: 'hourly-report', everyMs: 600_000, job: { type: 'noop' } }, Date.now() - 3_600_000);
    const first = await poller(scheduledEvent(), lambdaContext({ functionName: 'tq-poller' }));
    expect(first).toMatchObject({ scheduled: 1, processed: 1, succeeded: 1 });
    // A fanned-out poller fires nothing, and the next scheduled run finds nothing due yet.
    expect((await poller({ fanOut: true }, lambdaContext({ functionName: 'tq-poller' }))).scheduled).toBe(0);
    expect((await poller(scheduledEvent(), lambdaContext({ functionName: 'tq-poller' }))).scheduled).toBe(0);
    expect(await schedulers.get('hourly-report')).toMatchObject({ fired: 1, missed: 5 });

    const enqueueSpan = t.span('queue.enqueue')!;
    expect(enqueueSpan.parentSpanContext).toBeUndefined();
    expect(enqueueSpan.attributes).toMatchObject({ 'scheduler.name': 'hourly-report', 'scheduler.missed': 5 });
    const invocation = t.spans().find((s) => s.name === 'tq-poller')!;
    expect(enqueueSpan.links.map((l) => l.context.spanId)).toEqual([invocation.spanContext().spanId]);
    const ownTrace = ofTrace(enqueueSpan.spanContext().traceId);
    expect(named(ownTrace, 'job.process')[0]!.attributes['scheduler.name']).toBe('hourly-report');
    expect(named(ownTrace, 'queue.dequeue')[0]!.attributes['scheduler.occurrence']).toBe(enqueueSpan.attributes['scheduler.occurrence']);
  });

  it('keeps a processor’s result and progress on the job, with a job.progress event on its process span', async () => {
    t = testServices('consumer', {
      POLLER_IDLE_MS: '150',
      POLLER_WAIT_MS: '50',
      POLLER_FANOUT_BACKLOG: '0',
      POLLER_JOB_TIMEOUT_MS: '2000',
      POLLER_SAFETY_MARGIN_MS: '100',
    });
    const poller = createPollerHandler({
      tracing: t.tracing,
      runtime: t.runtime,
      lambda: () => t.lambda(),
      processors: {
        report: async (_job, context) => {
          await context.progress(50);
          await context.progress({ pages: 3 });
          return { pages: 3, url: 's3://reports/r.pdf' };
        },
      },
    });
    const rt = await t.runtime();
    const { id } = await rt.queue.enqueue({ type: 'report' });
    await poller(scheduledEvent(), lambdaContext({ functionName: 'tq-poller' }));
    expect(await rt.admin.info(id)).toMatchObject({
      state: 'completed',
      progress: { pages: 3 },
      result: { pages: 3, url: 's3://reports/r.pdf' },
    });
    const process = t.span('job.process')!;
    expect(process.events.filter((e) => e.name === 'job.progress').map((e) => e.attributes)).toEqual([
      { progress: 50 },
      { progress: '{"pages":3}' },
    ]);
  });

  it('says on the dequeue span and the invocation when a limit held the queue back', async () => {
    const { poller } = setup({ POLLER_CONCURRENCY: '4' });
    const rt = await t.runtime();
    await rt.admin.setLimits('default', { concurrency: 1, rate: null });
    await rt.queue.enqueueBatch([
      { type: 'sleep', payload: { ms: 20 } },
      { type: 'sleep', payload: { ms: 20 } },
    ]);
    const summary = await poller(scheduledEvent(), lambdaContext({ functionName: 'tq-poller' }));
    expect(summary.succeeded).toBe(2);
    const [, second] = t.spans().filter((s) => s.name === 'queue.dequeue');
    expect(second!.attributes['queue.held_back.reason']).toBe('concurrency');
    expect(second!.attributes['queue.held_back.duration_ms']).toBeGreaterThanOrEqual(0);
    const invocation = t.spans().find((s) => s.name === 'tq-poller')!;
    expect(invocation.events.find((e) => e.name === 'queue.held_back')?.attributes).toEqual({
      'queue.name': 'default',
      'queue.held_back.reason': 'concurrency',
    });
  });
});

describe('worker-poller function: failures traced whatever the sampling rate', () => {
  it('records a failed attempt of an unsampled job in a sampled trace its retry and dead letter follow', async () => {
    const { enqueue, poller } = setup({ TRACING_SAMPLING_STRATEGY: 'never' });
    const accepted = await enqueue(
      enqueueBody({ type: 'fail', maxAttempts: 2, payload: { message: 'upstream down' } }, false),
      lambdaContext({ functionName: 'tq-enqueue' }),
    );
    const { id } = JSON.parse(accepted.body) as { id: string };
    await poller(scheduledEvent(), lambdaContext({ functionName: 'tq-poller' }));
    await invoke.idle();
    // Nothing of the job's own trace was recorded (not sampled) …
    expect(ofTrace(TRACE_ID)).toEqual([]);
    // … but its failures were: one trace, from the first failed attempt to the dlq function.
    const first = t.spans().find((s) => s.name === 'job.process' && s.attributes['trace.recorded_because'] === 'failure')!;
    expect(first.attributes).toMatchObject({ 'job.id': id, 'trace.original_id': TRACE_ID });
    expect(first.parentSpanContext).toBeUndefined();
    expect(first.links.map((l) => l.context.traceId)).toEqual([TRACE_ID]);
    const failureTrace = ofTrace(first.spanContext().traceId);
    expect(failureTrace.map((s) => s.name).sort()).toEqual(
      ['invoke tq-dlq', 'job.process', 'job.process', 'queue.dequeue', 'tq-dlq'].sort(),
    );
    const second = failureTrace.find((s) => s.name === 'job.process' && s !== first)!;
    expect(second.events.map((e) => e.name)).toContain('job.dead_lettered');
    // The job says where: GET /jobs/{id} (and the admin API, the console) give the failure trace.
    const status = JSON.parse(
      (
        await enqueue(
          apiGatewayEvent({ method: 'GET', path: `/jobs/${id}`, resource: '/jobs/{id}', pathParameters: { id } }),
          lambdaContext(),
        )
      ).body,
    ) as { traceId: string; failureTrace: { traceId: string } };
    expect(status.traceId).toBe(TRACE_ID);
    expect(status.failureTrace.traceId).toBe(first.spanContext().traceId);
  });

  it('records none with TRACING_FAILURE_TRACES_PER_SECOND=0', async () => {
    const { enqueue, poller } = setup({ TRACING_SAMPLING_STRATEGY: 'never', TRACING_FAILURE_TRACES_PER_SECOND: '0' });
    await enqueue(enqueueBody({ type: 'fail', maxAttempts: 1 }, false), lambdaContext({ functionName: 'tq-enqueue' }));
    await poller(scheduledEvent(), lambdaContext({ functionName: 'tq-poller' }));
    await invoke.idle();
    expect(t.spans().filter((s) => s.name === 'job.process')).toEqual([]);
  });
});
