import { SpanKind } from '@opentelemetry/api';
import { createEnqueueHandler } from '../../functions/enqueue/app';
import { apiGatewayEvent, lambdaContext } from '../support/lambda-events';
import { testServices, type TestServices } from '../support/services';
import { captureLogs } from '../support/logs';

const TRACE_ID = '4bf92f3577b34da6a3ce929d0e0e4736';
const PARENT = '00f067aa0ba902b7';

let t: TestServices;
let handler: ReturnType<typeof createEnqueueHandler>;
beforeEach(() => {
  // This deployment's workers also run these types (JOB_TYPES), beside the built-in ones.
  t = testServices('producer', { TRACING_VIEWER: 'jaeger', TRACING_VIEWER_URL: 'http://localhost:16686', JOB_TYPES: 'thumbnail,a,b,c' });
  handler = createEnqueueHandler({ tracing: t.tracing, runtime: t.runtime });
});
afterEach(() => t.close());

const post = (body: unknown, options: { path?: string; headers?: Record<string, string>; raw?: string; method?: string } = {}) =>
  handler(
    apiGatewayEvent({
      method: options.method ?? 'POST',
      path: options.path ?? '/jobs',
      headers: { traceparent: `00-${TRACE_ID}-${PARENT}-01`, ...options.headers },
      body: options.raw ?? JSON.stringify(body),
    }),
    lambdaContext({ functionName: 'tq-enqueue' }),
  );
const parse = (response: { body: string }) => JSON.parse(response.body) as Record<string, unknown>;

describe('enqueue function', () => {
  it('accepts a job with 202 once Redis holds it, continuing the caller’s trace', async () => {
    const response = await post({ type: 'thumbnail', priority: 'high', payload: { size: 256 }, filepath: '/in/cat.png', filesize: 2048 });
    expect(response.statusCode).toBe(202);
    const body = parse(response);
    expect(body).toEqual({
      id: expect.stringMatching(/^[0-9A-Z]{26}$/),
      queue: 'default',
      priority: 'high',
      duplicate: false,
      traceId: TRACE_ID,
      traceSampled: true,
      traceUrl: `http://localhost:16686/trace/${TRACE_ID}`,
    });
    const rt = await t.runtime();
    const info = await rt.admin.info(body.id as string);
    expect(info).toMatchObject({ state: 'waiting', job: { type: 'thumbnail', payload: { size: 256 } } });

    const invocation = t.span('POST /jobs')!;
    const enqueue = t.span('queue.enqueue')!;
    expect(invocation.parentSpanContext?.spanId).toBe(PARENT);
    expect(enqueue.parentSpanContext?.spanId).toBe(invocation.spanContext().spanId);
    expect(enqueue.kind).toBe(SpanKind.PRODUCER);
    expect(enqueue.attributes).toMatchObject({
      'queue.name': 'default',
      'queue.priority': 'high',
      'queue.operation': 'enqueue',
      'job.id': body.id,
      'job.filesize': 2048,
      'job.filepath': expect.stringMatching(/^\[path:[0-9a-f]{8}\]\.png$/), // redaction is on by default
    });
    expect(enqueue.events.map((e) => e.name)).toEqual(['enqueueing_job', 'job_enqueued']);
    // The job carries the enqueue span's context: later steps of the job join this trace under it.
    expect(info.job.trace.traceparent).toBe(`00-${TRACE_ID}-${enqueue.spanContext().spanId}-01`);
  });

  it('accepts a batch whole, one enqueue span per job', async () => {
    const response = await post(
      { jobs: [{ type: 'a' }, { type: 'b', queue: 'mail' }, { type: 'c', priority: 'high' }] },
      { path: '/jobs/batch' },
    );
    expect(response.statusCode).toBe(202);
    const { jobs } = parse(response) as { jobs: Array<{ id: string; queue: string }> };
    expect(jobs.map((j) => j.queue)).toEqual(['default', 'mail', 'default']);
    expect(t.spans().filter((s) => s.name === 'queue.enqueue')).toHaveLength(3);
    expect((await (await t.runtime()).admin.stats()).totals.waiting).toBe(3);
  });

  it.each([
    [{ payload: {} }, 'type'],
    [{ type: 'noop', colour: 'red' }, 'colour'],
    [{ type: 'noop', priority: 'urgent' }, 'priority'],
    [{ type: 'noop', filesize: -1 }, 'filesize'],
    [{ type: 'noop', trace: { traceparent: 'x' } }, 'trace'],
    [{ type: 'noop', queue: '..' }, 'queue'], // a queue must be addressable in a URL path
    [{ type: 'noop', queue: '.' }, 'queue'],
    ['a string', 'body'],
  ])('answers 400 naming the field at fault for %j', async (body, field) => {
    const response = await post(body);
    expect(response.statusCode).toBe(400);
    expect(parse(response)).toMatchObject({ field });
  });

  it.each([
    ['constructor', '{"constructor": {}, "type": "noop"}', 'constructor'],
    ['hasOwnProperty', '{"hasOwnProperty": 1, "type": "noop"}', 'hasOwnProperty'],
    ['toString', '{"toString": "x", "type": "noop"}', 'toString'],
    ['__proto__ with a value that is no object', '{"__proto__": 1, "type": "noop"}', '__proto__'],
    ['__proto__ with an object', '{"__proto__": {"type": "evil"}, "type": "noop"}', '__proto__'],
    ['prototype', '{"prototype": {}, "type": "noop"}', 'prototype'],
    ['an empty key', '{"": 1, "type": "noop"}', '[""]'],
  ])('refuses a field named after a built-in object property or odd key (%s), naming it, and writes nothing', async (_what, raw, field) => {
    const response = await post(null, { raw });
    expect(response.statusCode).toBe(400);
    expect(parse(response)).toMatchObject({ error: 'invalid_job', field });
    expect((await (await t.runtime()).admin.stats()).totals.waiting).toBe(0);
  });

  it('refuses those names at the top of a batch and inside its jobs, naming the job', async () => {
    for (const [raw, field] of [
      ['{"jobs": [{"type": "a"}], "constructor": 1}', 'constructor'],
      ['{"jobs": [{"type": "a"}], "toString": 1}', 'toString'],
      ['{"jobs": [{"type": "a"}, {"type": "b", "__proto__": {"x": 1}}]}', 'jobs[1].__proto__'],
      ['{"jobs": [{"type": "a", "": 2}]}', 'jobs[0][""]'],
    ] as const) {
      const response = await post(null, { raw, path: '/jobs/batch' });
      expect(response.statusCode).toBe(400);
      expect(parse(response)).toMatchObject({ field });
    }
    expect((await (await t.runtime()).admin.stats()).totals.waiting).toBe(0);
  });

  it('still takes such names inside a payload, which is the job’s own data', async () => {
    const response = await post(null, { raw: '{"type": "noop", "payload": {"constructor": "Bob", "toString": 1}}' });
    expect(response.statusCode).toBe(202);
    const info = await (await t.runtime()).admin.info(parse(response).id as string);
    expect(info.job.payload).toEqual({ constructor: 'Bob', toString: 1 });
  });

  it('names the job at fault in a batch and writes none of it', async () => {
    const response = await post({ jobs: [{ type: 'a' }, { type: 'b', maxAttempts: 0 }] }, { path: '/jobs/batch' });
    expect(response.statusCode).toBe(400);
    expect(parse(response)).toMatchObject({ field: 'jobs[1].maxAttempts' });
    expect((await (await t.runtime()).admin.stats()).totals.waiting).toBe(0);
  });

  it('answers 413 for a payload over the limit, 415 for a body that is not JSON, 400 for broken JSON', async () => {
    const big = await post({ type: 'noop', payload: 'x'.repeat(300 * 1024) });
    expect(big.statusCode).toBe(413);
    expect((await post(null, { raw: 'type=noop', headers: { 'Content-Type': 'application/x-www-form-urlencoded' } })).statusCode).toBe(415);
    const broken = await post(null, { raw: '{"type": "noop"' });
    expect(broken.statusCode).toBe(400);
    expect(parse(broken)).toMatchObject({ error: 'invalid_json', field: 'body' });
  });

  it('answers 404 and 405 (with Allow) for routes it does not serve', async () => {
    expect((await post({ type: 'noop' }, { path: '/nope' })).statusCode).toBe(404);
    const wrong = await post({ type: 'noop' }, { method: 'GET' });
    expect([wrong.statusCode, wrong.headers?.Allow]).toEqual([405, 'POST']);
  });

  it('counts a refusal as the function doing its job: a 400 marks no error on the invocation span', async () => {
    await post({ type: 'noop', priority: 'urgent' });
    const span = t.span('POST /jobs')!;
    expect(span.attributes['http.response.status_code']).toBe(400);
    expect(span.status.code).toBe(0);
    expect(span.events.map((e) => e.name)).not.toContain('exception');
  });

  it('returns the original job for a repeated Idempotency-Key', async () => {
    const first = parse(await post({ type: 'noop' }, { headers: { 'Idempotency-Key': 'order-7' } }));
    const again = await post({ type: 'noop' }, { headers: { 'Idempotency-Key': 'order-7' } });
    expect(parse(again)).toMatchObject({ id: first.id, duplicate: true, traceId: TRACE_ID });
    expect((await (await t.runtime()).admin.stats()).totals.waiting).toBe(1);
    expect((await post({ type: 'noop' }, { headers: { 'Idempotency-Key': 'has space' } })).statusCode).toBe(400);
  });

  it('records nothing for an unsampled request, yet hands the decision on in the job', async () => {
    const response = await post({ type: 'noop' }, { headers: { traceparent: `00-${TRACE_ID}-${PARENT}-00` } });
    const body = parse(response);
    expect(body).toMatchObject({ traceId: TRACE_ID, traceSampled: false });
    expect(body.traceUrl).toBeUndefined();
    expect(t.spans()).toEqual([]);
    const info = await (await t.runtime()).admin.info(body.id as string);
    expect(info.job.trace.traceparent).toMatch(new RegExp(`^00-${TRACE_ID}-[0-9a-f]{16}-00$`));
  });

  it("with X-Ray propagation, the job carries X-Ray's header and the W3C caller's tracestate beside it", async () => {
    const xray = testServices('producer', { TRACING_PROPAGATION_FORMAT: 'xray' });
    const h = createEnqueueHandler({ tracing: xray.tracing, runtime: xray.runtime });
    const event = apiGatewayEvent({
      body: JSON.stringify({ type: 'noop' }),
      headers: {
        'X-Amzn-Trace-Id': `Root=1-4bf92f35-77b34da6a3ce929d0e0e4736;Parent=${PARENT};Sampled=1`,
        traceparent: `00-${'a'.repeat(32)}-${'b'.repeat(16)}-01`,
        tracestate: 'congo=t61rcWkgMzE',
      },
    });
    const body = parse(await h(event, lambdaContext()));
    const { job } = await (await xray.runtime()).admin.info(body.id as string);
    await xray.close();
    expect(body.traceId).toBe(TRACE_ID);
    expect(job.trace['x-amzn-trace-id']).toMatch(/^Root=1-4bf92f35-77b34da6a3ce929d0e0e4736;Parent=[0-9a-f]{16};Sampled=1$/);
    expect(job.trace.traceparent).toMatch(new RegExp(`^00-${TRACE_ID}-[0-9a-f]{16}-01$`));
    expect(job.trace.tracestate).toBe('congo=t61rcWkgMzE');
  });

  it('answers 503 without details when Redis cannot be reached', async () => {
    const down = testServices('producer', { REDIS_URL: 'redis://127.0.0.1:9', QUEUE_NAMESPACE: 'down' });
    const h = createEnqueueHandler({ tracing: down.tracing, runtime: down.runtime });
    const logs = captureLogs();
    const response = await h(apiGatewayEvent({ body: JSON.stringify({ type: 'noop' }) }), lambdaContext());
    logs.restore();
    expect(logs.err()).toEqual([expect.objectContaining({ level: 'ERROR', message: 'enqueue request failed' })]);
    expect(response.statusCode).toBe(503);
    expect(parse(response)).toEqual({ error: 'unavailable', message: 'the queue is unavailable; retry later' });
    expect(down.span('POST /jobs')?.status.code).toBe(2);
    const rt = await down.runtime();
    // ioredis keeps the failed command's timeout timer (redis/ioredis#1535), so a test process may wait up to 2 s to exit.
    rt.redis.disconnect();
  });
});

describe('enqueue function: job controls', () => {
  const call = (method: string, path: string, body?: unknown) =>
    handler(
      apiGatewayEvent({
        method,
        path,
        resource: path.startsWith('/jobs/') && path !== '/jobs/batch' ? '/jobs/{id}' : path,
        pathParameters: { id: path.split('/')[2] ?? '' },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      }),
      lambdaContext({ functionName: 'tq-enqueue' }),
    );

  it('refuses a job type no processor runs, naming the field and the known types', async () => {
    const response = await post({ type: 'slep' });
    expect(response.statusCode).toBe(400);
    expect(parse(response)).toEqual({
      error: 'unknown_type',
      field: 'type',
      message: 'type: no processor runs job type "slep"; known types: a, b, c, fail, noop, sleep, thumbnail',
    });
    const batch = await post({ jobs: [{ type: 'noop' }, { type: 'slep' }] }, { path: '/jobs/batch' });
    expect(parse(batch)).toMatchObject({ field: 'jobs[1].type' });
    const rt = await t.runtime();
    expect((await rt.admin.stats()).totals.waiting).toBe(0);
  });

  it('accepts any type where the workers are elsewhere (JOB_TYPES=*)', async () => {
    const open = testServices('producer', { JOB_TYPES: '*' });
    const anyType = createEnqueueHandler({ tracing: open.tracing, runtime: open.runtime });
    const response = await anyType(
      apiGatewayEvent({ method: 'POST', path: '/jobs', body: JSON.stringify({ type: 'resize-elsewhere' }) }),
      lambdaContext({ functionName: 'tq-enqueue' }),
    );
    await open.close();
    expect(response.statusCode).toBe(202);
  });

  it('answers a delayed job with when it runs, and puts the delay on its enqueue span', async () => {
    const response = await post({ type: 'noop', delayMs: 60_000 });
    expect(response.statusCode).toBe(202);
    const body = parse(response);
    const status = parse(await call('GET', `/jobs/${String(body.id)}`));
    expect(status).toMatchObject({ state: 'delayed', runAt: body.runAt });
    expect(Date.parse(String(body.runAt)) - Date.parse(String(status.enqueuedAt))).toBe(60_000);
    expect(t.span('queue.enqueue', TRACE_ID)!.attributes['job.delay_ms']).toBe(60_000);
    const both = await post({ type: 'noop', delayMs: 5, runAt: '2030-01-01T00:00:00Z' });
    expect(both.statusCode).toBe(400);
    expect(parse(both)).toMatchObject({ field: 'runAt' });
  });

  it('tells a producer its job’s state, attempts, times, result and trace', async () => {
    const { id } = parse(await post({ type: 'noop' })) as { id: string };
    const rt = await t.runtime();
    const [job] = await rt.queue.dequeue();
    await rt.queue.tryAck(job!, { thumbnail: 's3://b/t.png' });
    const response = await call('GET', `/jobs/${id}`);
    expect(response.statusCode).toBe(200);
    const status = parse(response);
    expect(status).toMatchObject({
      id,
      type: 'noop',
      state: 'completed',
      attempts: 1,
      maxAttempts: 3,
      lastError: null,
      result: { thumbnail: 's3://b/t.png' },
      traceId: TRACE_ID,
      traceUrl: `http://localhost:16686/trace/${TRACE_ID}`,
    });
    for (const field of ['createdAt', 'enqueuedAt', 'startedAt', 'finishedAt']) expect(Date.parse(String(status[field]))).not.toBeNaN();
  });

  it('answers 404 with a clear message for an unknown id, and 400 for something that is not an id', async () => {
    const unknown = await call('GET', '/jobs/01HZZZZZZZZZZZZZZZZZZZZZZZ');
    expect(unknown.statusCode).toBe(404);
    expect(parse(unknown).message).toMatch(/^job 01HZZZZZZZZZZZZZZZZZZZZZZZ not found: unknown, or no longer kept/);
    const bad = await call('GET', '/jobs/not-an-id');
    expect(bad.statusCode).toBe(400);
    expect(parse(bad)).toMatchObject({ field: 'id' });
  });

  it('cancels a waiting job in its own trace, and refuses one that runs with 409 naming the state', async () => {
    const waiting = parse(await post({ type: 'noop', delayMs: 600_000 })) as { id: string };
    const running = parse(await post({ type: 'noop' }, { headers: { traceparent: '' } })) as { id: string };
    const rt = await t.runtime();
    await rt.queue.dequeue();
    const cancelled = await call('DELETE', `/jobs/${waiting.id}`);
    expect(cancelled.statusCode).toBe(200);
    expect(parse(cancelled)).toMatchObject({ id: waiting.id, state: 'cancelled' });
    expect(parse(await call('GET', `/jobs/${waiting.id}`)).state).toBe('cancelled');
    const span = t.span('queue.cancel', TRACE_ID)!;
    expect(span.parentSpanContext?.spanId).toBe(t.span('queue.enqueue', TRACE_ID)!.spanContext().spanId);
    expect(span.events.map((e) => [e.name, e.attributes])).toEqual([['job.cancelled', { from: 'delayed' }]]);
    const refused = await call('DELETE', `/jobs/${running.id}`);
    expect(refused.statusCode).toBe(409);
    expect(parse(refused)).toEqual({
      error: 'conflict',
      state: 'active',
      message: `job ${running.id} is active: only a waiting or delayed job can be cancelled`,
    });
  });
});
