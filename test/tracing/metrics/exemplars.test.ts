import { context, trace, TraceFlags, type Span } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { AlwaysOffSampler, AlwaysOnSampler, TracerProvider } from '@opentelemetry/sdk-trace';
import { MetricNames } from '../../../shared/tracing/names';
import { createQueueMetrics, type QueueMetrics } from '../../../shared/tracing/metrics';
import { AlignedHistogramReservoir, FixedSizeReservoir } from '../../../shared/tracing/metrics/reservoirs';
import { b64ToHex, metricNamed, startReceiver, type HistogramPoint, type Receiver } from './otlp-receiver';

const sampledTracer = new TracerProvider({ sampler: new AlwaysOnSampler() }).getTracer('test');
const unsampledTracer = new TracerProvider({ sampler: new AlwaysOffSampler() }).getTracer('test');

/** Runs `fn` with `span` active, the way instrumented queue code does. */
function inside<T>(span: Span, fn: () => T): T {
  return context.with(trace.setSpan(context.active(), span), fn);
}

/** The [lower, upper] bounds of the bucket a histogram point has one measurement in. */
function onlyBucket(point: HistogramPoint): [number, number] {
  const filled = point.bucketCounts.flatMap((count, i) => (count === '0' ? [] : [i]));
  expect(filled).toHaveLength(1);
  const i = filled[0]!;
  return [point.explicitBounds[i - 1] ?? -Infinity, point.explicitBounds[i] ?? Infinity];
}

describe('Queue metrics: exemplars', () => {
  let receiver: Receiver;
  let metrics: QueueMetrics;
  const start = (exemplars: boolean) =>
    (metrics = createQueueMetrics({ url: receiver.url, resource: resourceFromAttributes({}), exemplars }));

  beforeAll(() => {
    context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  });
  afterAll(() => {
    context.disable();
  });
  beforeEach(async () => {
    receiver = await startReceiver();
  });
  afterEach(async () => {
    await metrics.shutdown();
    await receiver.close();
    vi.restoreAllMocks();
  });

  it("attaches the sampled span's trace and span id to the bucket it lands in", async () => {
    start(true);
    const span = sampledTracer.startSpan('queue.enqueue');
    const before = BigInt(Date.now() - 5000) * 1_000_000n; // hrTime's clock may drift from Date.now a little
    inside(span, () => metrics.recordEnqueueDuration(30, { queue: 'q', priority: 'high' }));
    const after = BigInt(Date.now() + 5000) * 1_000_000n;

    await metrics.flush();

    const point = metricNamed(receiver.requests[0], MetricNames.enqueueDuration)!.histogram!.dataPoints[0]!;
    expect(point.exemplars).toHaveLength(1);
    const exemplar = point.exemplars![0]!;
    expect(b64ToHex(exemplar.traceId)).toBe(span.spanContext().traceId);
    expect(b64ToHex(exemplar.spanId)).toBe(span.spanContext().spanId);
    expect(exemplar.asDouble).toBe(30);
    const [lower, upper] = onlyBucket(point);
    expect(lower < 30 && 30 <= upper).toBe(true);
    const time = BigInt(exemplar.timeUnixNano);
    expect(time >= before && time <= after).toBe(true);
  });

  it('keeps the latest sampled measurement of each bucket, one exemplar per bucket', async () => {
    start(true);
    const [first, second, third] = [1, 2, 3].map(() => sampledTracer.startSpan('job.process'));
    const attributes = { queue: 'q', type: 't', outcome: 'succeeded' } as const;
    inside(first!, () => metrics.recordProcessDuration(50, attributes)); // (25, 50]: upper bounds are inclusive
    inside(second!, () => metrics.recordProcessDuration(40, attributes)); // (25, 50], replaces the first
    inside(third!, () => metrics.recordProcessDuration(700, attributes)); // (500, 1000]

    await metrics.flush();

    const point = metricNamed(receiver.requests[0], MetricNames.processDuration)!.histogram!.dataPoints[0]!;
    const got = point.exemplars!.map((e) => [e.asDouble, b64ToHex(e.spanId)]);
    expect(got).toEqual([
      [40, second!.spanContext().spanId],
      [700, third!.spanContext().spanId],
    ]);
  });

  it('uses an explicitly passed context when no span is active', async () => {
    start(true);
    const spanContext = { traceId: '0af7651916cd43dd8448eb211c80319c', spanId: 'b7ad6b7169203331', traceFlags: TraceFlags.SAMPLED };
    const ctx = trace.setSpan(context.active(), trace.wrapSpanContext(spanContext));

    metrics.recordDequeueDuration(3, { queue: 'q' }, ctx);
    await metrics.flush();

    const exemplar = metricNamed(receiver.requests[0], MetricNames.dequeueDuration)!.histogram!.dataPoints[0]!.exemplars![0]!;
    expect([b64ToHex(exemplar.traceId), b64ToHex(exemplar.spanId)]).toEqual([spanContext.traceId, spanContext.spanId]);
  });

  it('attaches no exemplar to measurements in unsampled spans or outside any span', async () => {
    start(true);
    inside(unsampledTracer.startSpan('queue.dequeue'), () => metrics.recordDequeueDuration(3, { queue: 'q' }));
    metrics.recordDequeueDuration(4, { queue: 'q' });
    inside(unsampledTracer.startSpan('job.process'), () => metrics.countError('timeout', { queue: 'q' }));

    await metrics.flush();

    const dequeue = metricNamed(receiver.requests[0], MetricNames.dequeueDuration)!.histogram!.dataPoints[0]!;
    expect(dequeue.count).toBe('2');
    expect(dequeue.exemplars ?? []).toHaveLength(0);
    const errors = metricNamed(receiver.requests[0], MetricNames.errors)!.sum!.dataPoints[0]!;
    expect(errors.asInt).toBe('1');
    expect(errors.exemplars ?? []).toHaveLength(0);
  });

  it('gives error counts integer exemplars, at most four per error type, all from the spans that counted', async () => {
    start(true);
    const spans = Array.from({ length: 10 }, () => sampledTracer.startSpan('job.process'));
    for (const span of spans) inside(span, () => metrics.countError('timeout', { queue: 'q', type: 't' }));

    await metrics.flush();

    const point = metricNamed(receiver.requests[0], MetricNames.errors)!.sum!.dataPoints[0]!;
    expect(point.asInt).toBe('10');
    expect(point.exemplars).toHaveLength(4);
    const spanIds = new Set(spans.map((s) => s.spanContext().spanId));
    for (const exemplar of point.exemplars!) {
      expect(exemplar.asInt).toBe('1');
      expect(spanIds.has(b64ToHex(exemplar.spanId))).toBe(true);
    }
    expect(new Set(point.exemplars!.map((e) => e.spanId)).size).toBe(4);
  });

  it('does not send an exemplar again in the next flush', async () => {
    start(true);
    inside(sampledTracer.startSpan('queue.dequeue'), () => metrics.recordDequeueDuration(3, { queue: 'q' }));
    await metrics.flush();
    metrics.recordDequeueDuration(3, { queue: 'q' });
    await metrics.flush();

    const first = metricNamed(receiver.requests[0], MetricNames.dequeueDuration)!.histogram!.dataPoints[0]!;
    const second = metricNamed(receiver.requests[1], MetricNames.dequeueDuration)!.histogram!.dataPoints[0]!;
    expect(first.exemplars).toHaveLength(1);
    expect(second.count).toBe('1');
    expect(second.exemplars ?? []).toHaveLength(0);
  });

  it('sends an exemplar in the same export as the measurement it belongs to, even one taken mid-flush', async () => {
    start(true);
    const [early, late] = [1, 2].map(() => sampledTracer.startSpan('job.process'));
    const attributes = { queue: 'q', type: 't', outcome: 'succeeded' } as const;
    inside(early!, () => metrics.recordProcessDuration(30, attributes));
    inside(early!, () => metrics.countError('timeout', { queue: 'q' }));
    const flushing = metrics.flush(); // collects now; the export is still on its way
    inside(late!, () => metrics.recordProcessDuration(700, attributes));
    inside(late!, () => metrics.countError('timeout', { queue: 'q' }));
    await flushing;
    await metrics.flush();

    const sent = [0, 1].map((i) => {
      const histogram = metricNamed(receiver.requests[i], MetricNames.processDuration)!.histogram!.dataPoints[0]!;
      const errors = metricNamed(receiver.requests[i], MetricNames.errors)!.sum!.dataPoints[0]!;
      const exemplars = [...histogram.exemplars!, ...errors.exemplars!];
      return { count: histogram.count, sum: histogram.sum, errors: errors.asInt, spans: exemplars.map((e) => b64ToHex(e.spanId)) };
    });
    expect(sent).toEqual([
      { count: '1', sum: 30, errors: '1', spans: [early!.spanContext().spanId, early!.spanContext().spanId] },
      { count: '1', sum: 700, errors: '1', spans: [late!.spanContext().spanId, late!.spanContext().spanId] },
    ]);
  });

  it('sends no exemplars, does no reservoir work and never reads the active context when exemplars are off', async () => {
    start(false);
    const ctx = trace.setSpan(context.active(), sampledTracer.startSpan('job.process'));
    const offers = [vi.spyOn(AlignedHistogramReservoir.prototype, 'offer'), vi.spyOn(FixedSizeReservoir.prototype, 'offer')];
    const active = vi.spyOn(context, 'active');
    context.with(ctx, () => {
      metrics.recordEnqueueDuration(3, { queue: 'q', priority: 'p' });
      metrics.countError('timeout', { queue: 'q' });
    });
    expect(active).not.toHaveBeenCalled();

    await metrics.flush();

    const enqueue = metricNamed(receiver.requests[0], MetricNames.enqueueDuration)!.histogram!.dataPoints[0]!;
    const errors = metricNamed(receiver.requests[0], MetricNames.errors)!.sum!.dataPoints[0]!;
    expect([enqueue.count, errors.asInt]).toEqual(['1', '1']);
    expect([enqueue.exemplars ?? [], errors.exemplars ?? []]).toEqual([[], []]);
    for (const offer of offers) expect(offer).not.toHaveBeenCalled();
  });
});
