import { context, SpanKind, SpanStatusCode, trace, TraceFlags } from '@opentelemetry/api';
import { parseTracingConfig, type Env } from '../../shared/tracing/config';
import { Attr, SpanNames } from '../../shared/tracing/names';
import { initTracing, type Tracing } from '../../shared/tracing/tracing';
import { decodeTraces } from '../../tools/local/otlp/traces';
import { OtlpReceiver } from '../support/otlp';

const receiver = new OtlpReceiver();
let collector: string;
const started: Tracing[] = [];

beforeAll(async () => {
  collector = await receiver.start();
});
afterEach(async () => {
  receiver.mode = 'ok';
  await Promise.all(started.splice(0).map((t) => t.shutdown()));
});
afterAll(() => receiver.stop());

function start(env: Env = {}, log: (m: string) => void = () => undefined): Tracing {
  const config = parseTracingConfig({ TRACING_ENDPOINT: `${collector}/v1/traces`, TRACING_SAMPLING_STRATEGY: 'always', ...env });
  const tracing = initTracing(config, { register: false, log });
  started.push(tracing);
  return tracing;
}

function received(traceId: string) {
  return receiver.spans().filter((s) => s.traceId === traceId);
}

describe('export over OTLP/HTTP', () => {
  it('sends spans with their parentage, kinds, events and the resource, as protobuf', async () => {
    const tracing = start({ TRACING_ENVIRONMENT: 'test', TRACING_HEADERS: 'x-api-key=k-123', OTEL_SERVICE_NAME: 'enqueue' });
    const parent = tracing.tracer.startSpan(SpanNames.enqueue, { kind: SpanKind.PRODUCER, attributes: { [Attr.queueName]: 'default' } });
    const child = tracing.tracer.startSpan(SpanNames.process, { kind: SpanKind.CONSUMER }, trace.setSpan(context.active(), parent));
    child.addEvent('job.processing.started');
    child.end();
    parent.end();
    expect((await tracing.flush(2000)).timedOut).toBe(false);

    const spans = received(parent.spanContext().traceId);
    const p = spans.find((s) => s.name === 'queue.enqueue')!;
    const c = spans.find((s) => s.name === 'job.process')!;
    expect(p).toMatchObject({ spanId: parent.spanContext().spanId, kind: 'PRODUCER' });
    expect(c).toMatchObject({ parentSpanId: p.spanId, kind: 'CONSUMER', events: [{ name: 'job.processing.started' }] });
    expect(p.attributes).toEqual({ 'queue.name': 'default' });
    expect(p.resource).toMatchObject({
      'service.name': 'enqueue',
      'service.version': expect.stringMatching(/^\d+\.\d+\.\d+/),
      'host.name': expect.any(String),
      environment: 'test',
      'deployment.environment.name': 'test',
    });
    const request = receiver.requests.find((r) => r.path === '/v1/traces')!;
    expect(request.headers['content-type']).toBe('application/x-protobuf');
    expect(request.headers['x-api-key']).toBe('k-123');
  });

  it('carries faas.* and cloud.* on Lambda, and X-Ray-valid trace ids', async () => {
    const tracing = start({
      AWS_LAMBDA_FUNCTION_NAME: 'tq-enqueue',
      AWS_REGION: 'eu-west-1',
      AWS_LAMBDA_FUNCTION_MEMORY_SIZE: '256',
      AWS_LAMBDA_FUNCTION_VERSION: '7',
    });
    vi.useFakeTimers({ now: 1_700_000_000_000, toFake: ['Date'] });
    const span = tracing.tracer.startSpan('invocation');
    vi.useRealTimers();
    span.end();
    await tracing.flush(2000);
    const [s] = received(span.spanContext().traceId);
    expect(s!.resource).toMatchObject({
      'cloud.provider': 'aws',
      'cloud.platform': 'aws_lambda',
      'cloud.region': 'eu-west-1',
      'faas.name': 'tq-enqueue',
      'faas.version': '7',
      'faas.max_memory': 256 * 1024 * 1024,
    });
    // X-Ray ids start with the epoch seconds of their creation.
    expect(span.spanContext().traceId.slice(0, 8)).toBe((1_700_000_000).toString(16));
  });

  it('redacts sensitive data from attributes, events and exception messages before it leaves', async () => {
    const tracing = start();
    const span = tracing.tracer.startSpan('job.process', {
      attributes: {
        [Attr.jobFilepath]: '/home/alice/invoices/2026/acme-ltd.pdf',
        'user.note': 'mail alice@example.com, token=abc123def, Authorization: Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.sig',
        'aws.key': 'AKIAIOSFODNN7EXAMPLE',
        'http.request.header.authorization': 'Basic dXNlcjpwYXNz',
        'db.connection': 'redis://user:hunter2@cache.internal:6379',
        [Attr.jobFilesize]: 1234,
      },
    });
    span.recordException(new Error('cannot open /srv/data/customers/bob.csv for bob@example.org'));
    span.setStatus({ code: SpanStatusCode.ERROR, message: 'failed for carol@example.net' });
    span.end();
    await tracing.flush(2000);

    const [s] = received(span.spanContext().traceId);
    const attrs = s!.attributes;
    expect(attrs[Attr.jobFilepath]).toMatch(/^\[path:[0-9a-f]{8}\]\.pdf$/);
    expect(attrs['user.note']).toBe('mail [email], token=[redacted], Authorization: Bearer [redacted]');
    expect(attrs['aws.key']).toBe('[aws-access-key]');
    expect(attrs['http.request.header.authorization']).toBe('[redacted]');
    expect(attrs['db.connection']).toBe('redis://[redacted]@cache.internal:6379');
    expect(attrs[Attr.jobFilesize]).toBe(1234);
    const exception = s!.events.find((e) => e.name === 'exception')!.attributes;
    expect(exception['exception.message']).toMatch(/^cannot open \[path:[0-9a-f]{8}\]\.csv for \[email\]$/);
    expect(s!.status?.message).toBe('failed for [email]');
    const wire = receiver.requests.map((r) => r.body.toString('latin1')).join('');
    for (const secret of ['alice', 'abc123def', 'AKIAIOSFODNN7EXAMPLE', 'hunter2', 'bob@example', 'carol', 'customers']) {
      expect(wire).not.toContain(secret);
    }
  });

  it('lets only allowlisted attribute keys leave, keeping ids, parentage and the resource', async () => {
    const tracing = start({ TRACING_ATTRIBUTE_ALLOWLIST: 'job.id,queue.name' });
    const parent = tracing.tracer.startSpan('queue.enqueue', {
      attributes: { 'job.id': 'J1', 'queue.name': 'q', 'job.filepath': '/a/b.txt', 'customer.email': 'x@y.z' },
    });
    const child = tracing.tracer.startSpan(
      'job.process',
      { attributes: { 'job.id': 'J1', 'worker.id': 'w-1' } },
      trace.setSpan(context.active(), parent),
    );
    child.addEvent('job.processing.started', { 'job.id': 'J1', secret: 's' });
    child.end();
    parent.end();
    await tracing.flush(2000);
    const spans = received(parent.spanContext().traceId);
    expect(spans.find((s) => s.name === 'queue.enqueue')!.attributes).toEqual({ 'job.id': 'J1', 'queue.name': 'q' });
    const c = spans.find((s) => s.name === 'job.process')!;
    expect(c.attributes).toEqual({ 'job.id': 'J1' });
    expect(c.events[0]!.attributes).toEqual({ 'job.id': 'J1' });
    expect(c.parentSpanId).toBe(parent.spanContext().spanId);
    expect(c.resource['service.name']).toBeDefined();
  });

  it('exports nothing below an unsampled parent', async () => {
    const tracing = start();
    const unsampled = trace.setSpanContext(context.active(), {
      traceId: 'e'.repeat(32),
      spanId: 'f'.repeat(16),
      traceFlags: TraceFlags.NONE,
      isRemote: true,
    });
    const span = tracing.tracer.startSpan('job.process', {}, unsampled);
    expect(span.isRecording()).toBe(false);
    span.end();
    await tracing.flush(2000);
    expect(received('e'.repeat(32))).toEqual([]);
  });
});

describe('a dead or slow collector never hurts the job', () => {
  it('fails a flush at once, not at its timeout, and logs once, when the connection is refused', async () => {
    const logs: string[] = [];
    // Timeouts as long as the defaults: only a refusal that fails at once keeps the flush from waiting them out.
    const tracing = start(
      { TRACING_ENDPOINT: 'http://127.0.0.1:9/v1/traces', TRACING_EXPORT_TIMEOUT_MS: '5000', TRACING_FLUSH_TIMEOUT_MS: '3000' },
      (m) => logs.push(m),
    );
    for (let i = 0; i < 3; i++) {
      tracing.tracer.startSpan(`job ${i}`).end();
      const result = await tracing.flush();
      expect(result.timedOut).toBe(false); // the SDK's exporter retried refusals with backoff until the timeout
    }
    const spanLogs = logs.filter((m) => m.includes('span export'));
    expect(spanLogs).toHaveLength(1);
    expect(spanLogs[0]).toContain('http://127.0.0.1:9/v1/traces');
  });

  it('tries a busy collector (503) once more, and a refusing one (400) never again', async () => {
    const tracing = start({ TRACING_EXPORT_TIMEOUT_MS: '2000' }, () => undefined);
    const count = () => receiver.requests.filter((r) => r.path === '/v1/traces').length;
    receiver.mode = 'fail';
    let before = count();
    tracing.tracer.startSpan('busy').end();
    await tracing.flush();
    expect(count() - before).toBe(2);
    receiver.mode = { status: 400 };
    before = count();
    tracing.tracer.startSpan('bad').end();
    await tracing.flush();
    expect(count() - before).toBe(1);
  });

  it('bounds a flush to a collector that never answers, then waits far less while it stays slow', async () => {
    const tracing = start({ TRACING_FLUSH_TIMEOUT_MS: '300', TRACING_HEADERS: 'authorization=Bearer very-secret' }, () => undefined);
    receiver.mode = 'hang';
    tracing.tracer.startSpan('a').end();
    const first = await tracing.flush();
    expect(first.timedOut).toBe(true);
    expect(first.ms).toBeGreaterThanOrEqual(290);
    expect(first.ms).toBeLessThan(1000);
    tracing.tracer.startSpan('b').end();
    const second = await tracing.flush();
    expect(second.timedOut).toBe(true);
    expect(second.ms).toBeLessThan(250);
  });

  it('never logs header values', async () => {
    const logs: string[] = [];
    const tracing = start(
      {
        TRACING_ENDPOINT: 'http://127.0.0.1:9/v1/traces',
        TRACING_EXPORT_TIMEOUT_MS: '200',
        TRACING_HEADERS: 'authorization=Bearer very-secret',
      },
      (m) => logs.push(m),
    );
    tracing.tracer.startSpan('x').end();
    await tracing.flush();
    expect(logs.length).toBeGreaterThan(0);
    expect(logs.join('\n')).not.toContain('very-secret');
  });

  it('drops spans beyond its bounded queue instead of growing or blocking', async () => {
    receiver.mode = 'hang'; // nothing drains: only the queue (and batches already in flight) can hold spans
    const tracing = start({ TRACING_MAX_QUEUE_SIZE: '10', TRACING_MAX_EXPORT_BATCH_SIZE: '5', TRACING_FLUSH_TIMEOUT_MS: '100' });
    const root = tracing.tracer.startSpan('root');
    const ctx = trace.setSpan(context.active(), root);
    const began = Date.now();
    for (let i = 0; i < 5000; i++) tracing.tracer.startSpan(`s${i}`, {}, ctx).end();
    expect(Date.now() - began).toBeLessThan(2000);
    await tracing.flush();
    receiver.mode = 'ok';
    const sent = receiver.requests.filter((r) => r.path === '/v1/traces').flatMap((r) => decodeTraces(r.body));
    expect(sent.filter((s) => s.traceId === root.spanContext().traceId).length).toBeLessThan(100);
  });
});

describe('tracing disabled', () => {
  it('creates no spans, sends nothing and flushes instantly', async () => {
    const before = receiver.requests.length;
    const tracing = start({ TRACING_ENABLED: 'false' });
    const span = tracing.tracer.startSpan('x');
    expect(span.isRecording()).toBe(false);
    span.end();
    expect(tracing.inject()).toEqual({});
    expect(await tracing.flush()).toEqual({ timedOut: false, ms: 0 });
    expect(receiver.requests.length).toBe(before);
  });

  it("still passes a job's trace through: what it reads from a carrier it writes to the next one", () => {
    const tracing = start({ TRACING_ENABLED: 'false' });
    const upstream = `00-${'a'.repeat(32)}-${'b'.repeat(16)}-01`;
    const parent = tracing.extract({ traceparent: upstream });
    const span = tracing.startSpan(SpanNames.process, { kind: SpanKind.CONSUMER }, parent);
    expect(span.isRecording()).toBe(false);
    expect(tracing.inject(trace.setSpan(parent, span))).toEqual({ traceparent: upstream });
    expect(trace.getSpanContext(tracing.extract('not a carrier'))).toBeUndefined();
  });
});

describe('startSpan', () => {
  it('nests under a sampled parent, and under an unsampled one records nothing yet hands on a span id of its own', async () => {
    const tracing = start();
    const root = tracing.startSpan('invocation');
    const child = tracing.startSpan('queue.enqueue', {}, trace.setSpan(context.active(), root));
    expect(child.isRecording()).toBe(true);
    expect(child.spanContext().traceId).toBe(root.spanContext().traceId);
    child.end();
    root.end();
    await tracing.flush(2000);
    expect(received(root.spanContext().traceId).find((s) => s.name === 'queue.enqueue')?.parentSpanId).toBe(root.spanContext().spanId);

    const unsampled = trace.setSpanContext(context.active(), {
      traceId: 'd'.repeat(32),
      spanId: 'c'.repeat(16),
      traceFlags: TraceFlags.NONE,
      isRemote: true,
    });
    const skipped = tracing.startSpan('queue.enqueue', {}, unsampled);
    expect(skipped.isRecording()).toBe(false);
    expect(skipped.spanContext()).toMatchObject({ traceId: 'd'.repeat(32), traceFlags: TraceFlags.NONE });
    // The carrier written under it still says "not sampled", so downstream keeps the decision, with a span
    // id of its own (not the caller's parent-id: W3C Trace Context level 2).
    const carried = tracing.inject(trace.setSpan(unsampled, skipped)).traceparent!;
    expect(carried).toMatch(new RegExp(`^00-${'d'.repeat(32)}-[0-9a-f]{16}-00$`));
    expect(carried).not.toContain('c'.repeat(16));
  });
});

describe('metrics beside the traces', () => {
  it('exports metrics at most once per interval across flushes, and at once when asked', async () => {
    const tracing = start({ TRACING_METRICS_INTERVAL_MS: '60000' });
    const metricsRequests = () => receiver.requests.filter((r) => r.path === '/v1/metrics').length;
    const before = metricsRequests();
    for (let i = 0; i < 3; i++) {
      tracing.metrics.recordEnqueueDuration(1, { queue: 'q', priority: 'low' });
      await tracing.flush(2000);
    }
    expect(metricsRequests()).toBe(before); // aggregated in the sandbox, not sent per invocation
    await tracing.flush(2000, { metrics: 'now' });
    expect(metricsRequests()).toBe(before + 1);
    const [request] = receiver.metricsRequests().slice(-1);
    const histogram = request!.body.resourceMetrics[0]!.scopeMetrics[0]!.metrics.find(
      (m) => m.name === 'queue.enqueue.duration',
    )!.histogram!;
    expect(histogram.dataPoints[0]!.count).toBe('3'); // nothing was lost by waiting
  });

  it('exports metrics whose exemplars point at spans that were exported in the same flush', async () => {
    const tracing = start({ TRACING_METRIC_EXEMPLARS: 'true', TRACING_METRICS_INTERVAL_MS: '0' });
    const span = tracing.tracer.startSpan(SpanNames.process, { kind: SpanKind.CONSUMER });
    const ctx = trace.setSpan(context.active(), span);
    context.with(ctx, () => tracing.metrics.recordProcessDuration(42, { queue: 'default', type: 'noop', outcome: 'succeeded' }));
    tracing.metrics.setQueueDepth('default', 'high', 7);
    span.end();
    await tracing.flush(2000);

    const exported = received(span.spanContext().traceId);
    expect(exported).toHaveLength(1);
    const metrics = receiver
      .metricsRequests()
      .flatMap((r) => r.body.resourceMetrics.flatMap((rm) => rm.scopeMetrics.flatMap((sm) => sm.metrics)));
    const histogram = metrics.find((m) => m.name === 'job.process.duration')!.histogram!;
    const exemplar = histogram.dataPoints.flatMap((p) => p.exemplars ?? [])[0]!;
    expect(Buffer.from(exemplar.traceId, 'base64').toString('hex')).toBe(exported[0]!.traceId);
    expect(Buffer.from(exemplar.spanId, 'base64').toString('hex')).toBe(exported[0]!.spanId);
    expect(exemplar.asDouble).toBe(42);
    expect(metrics.find((m) => m.name === 'queue.depth')!.gauge!.dataPoints[0]!.asInt).toBe('7');
  });
});
