import { resourceFromAttributes } from '@opentelemetry/resources';
import { Attr, INSTRUMENTATION_SCOPE, MetricNames } from '../../../shared/tracing/names';
import { createQueueMetrics, DURATION_BUCKETS_MS, type QueueMetrics } from '../../../shared/tracing/metrics';
import { attrs, metricNamed, startReceiver, type Receiver } from './otlp-receiver';

const DELTA = 1;

describe('Queue metrics: what one flush sends', () => {
  let receiver: Receiver;
  let metrics: QueueMetrics;

  beforeEach(async () => {
    receiver = await startReceiver();
    metrics = createQueueMetrics({
      url: receiver.url,
      headers: { authorization: 'Bearer s3cret', 'x-tenant': 'acme' },
      resource: resourceFromAttributes({ 'service.name': 'worker-poller', 'service.version': '1.2.3' }),
      exemplars: true,
    });
  });

  afterEach(async () => {
    await metrics.shutdown();
    await receiver.close();
  });

  it('counts each duration into the bucket the SDK would, with sum, min, max and the ms boundaries', async () => {
    for (const ms of [0.5, 3, 3, 700]) metrics.recordEnqueueDuration(ms, { queue: 'emails', priority: 'high' });

    await metrics.flush();

    const histogram = metricNamed(receiver.requests[0], MetricNames.enqueueDuration)?.histogram;
    expect(histogram?.aggregationTemporality).toBe(DELTA);
    expect(histogram?.dataPoints).toHaveLength(1);
    const point = histogram!.dataPoints[0]!;
    expect(attrs(point.attributes)).toEqual({ [Attr.queueName]: 'emails', [Attr.queuePriority]: 'high' });
    expect(point.count).toBe('4');
    expect(point.sum).toBeCloseTo(706.5);
    expect([point.min, point.max]).toEqual([0.5, 700]);
    expect(point.explicitBounds).toEqual(DURATION_BUCKETS_MS);
    const expected = DURATION_BUCKETS_MS.map(() => '0').concat('0');
    expected[0] = '1'; // 0.5 <= 1
    expected[2] = '2'; // 2 < 3 <= 5
    expected[9] = '1'; // 500 < 700 <= 1000
    expect(point.bucketCounts).toEqual(expected);
  });

  it('keeps one data point per attribute set, with queue, job type and outcome on process durations', async () => {
    metrics.recordProcessDuration(40, { queue: 'q', type: 'resize', outcome: 'succeeded' });
    metrics.recordProcessDuration(90, { queue: 'q', type: 'resize', outcome: 'retried' });
    metrics.recordDequeueDuration(2, { queue: 'q' });

    await metrics.flush();

    const process = metricNamed(receiver.requests[0], MetricNames.processDuration)?.histogram?.dataPoints ?? [];
    const byOutcome = Object.fromEntries(process.map((p) => [attrs(p.attributes).outcome, p]));
    expect(Object.keys(byOutcome).sort()).toEqual(['retried', 'succeeded']);
    expect(attrs(byOutcome.retried?.attributes)).toEqual({ [Attr.queueName]: 'q', [Attr.jobType]: 'resize', outcome: 'retried' });
    expect(byOutcome.retried?.sum).toBe(90);
    const dequeue = metricNamed(receiver.requests[0], MetricNames.dequeueDuration)?.histogram?.dataPoints;
    expect(dequeue?.map((p) => [attrs(p.attributes), p.count])).toEqual([[{ [Attr.queueName]: 'q' }, '1']]);
  });

  it('counts errors per type as a monotonic delta sum of integers', async () => {
    metrics.countError('timeout', { queue: 'q', type: 'resize' });
    metrics.countError('timeout', { queue: 'q', type: 'resize' });
    metrics.countError('redis', { queue: 'q' });

    await metrics.flush();

    const sum = metricNamed(receiver.requests[0], MetricNames.errors)?.sum;
    expect(sum).toMatchObject({ aggregationTemporality: DELTA, isMonotonic: true });
    const counts = sum!.dataPoints.map((p) => [attrs(p.attributes), p.asInt, p.asDouble]);
    expect(counts).toEqual(
      expect.arrayContaining([
        [{ [Attr.errorType]: 'timeout', [Attr.queueName]: 'q', [Attr.jobType]: 'resize' }, '2', undefined],
        [{ [Attr.errorType]: 'redis', [Attr.queueName]: 'q' }, '1', undefined],
      ]),
    );
    expect(counts).toHaveLength(2);
  });

  it('reports the latest queue depth set before the flush, and nothing once it is stale', async () => {
    metrics.setQueueDepth('emails', 'high', 7);
    metrics.setQueueDepth('emails', 'high', 9);
    metrics.setQueueDepth('emails', 'low', 0);
    await metrics.flush();
    metrics.countError('redis', { queue: 'emails' });
    await metrics.flush();

    const points = metricNamed(receiver.requests[0], MetricNames.queueDepth)?.gauge?.dataPoints ?? [];
    expect(points.map((p) => [attrs(p.attributes)[Attr.queuePriority], p.asInt])).toEqual([
      ['high', '9'],
      ['low', '0'],
    ]);
    expect(metricNamed(receiver.requests[1], MetricNames.queueDepth)?.gauge?.dataPoints ?? []).toHaveLength(0);
  });

  it('sends the resource, the scope, the content type and the configured headers', async () => {
    await metrics.shutdown();
    metrics = createQueueMetrics({
      url: receiver.url,
      headers: { authorization: 'Bearer s3cret', 'x-tenant': 'acme' },
      resource: resourceFromAttributes({ 'service.name': 'worker-poller', 'faas.max_memory': -1, cold: true, ratio: 0.5, tags: ['a'] }),
      exemplars: true,
    });
    metrics.recordDequeueDuration(1, { queue: 'q' });

    await metrics.flush();

    const [request] = receiver.requests;
    expect(request?.headers).toMatchObject({
      'content-type': 'application/x-protobuf',
      authorization: 'Bearer s3cret',
      'x-tenant': 'acme',
    });
    const resourceMetrics = request!.body.resourceMetrics[0]!;
    expect(resourceMetrics.resource.attributes).toEqual([
      { key: 'service.name', value: { stringValue: 'worker-poller' } },
      { key: 'faas.max_memory', value: { intValue: '-1' } },
      { key: 'cold', value: { boolValue: true } },
      { key: 'ratio', value: { doubleValue: 0.5 } },
      { key: 'tags', value: { arrayValue: { values: [{ stringValue: 'a' }] } } },
    ]);
    expect(resourceMetrics.scopeMetrics.map((s) => s.scope.name)).toEqual([INSTRUMENTATION_SCOPE]);
  });

  it('exports only what happened since the previous flush, and sends nothing when nothing did', async () => {
    metrics.recordDequeueDuration(5, { queue: 'q' });
    await metrics.flush();
    metrics.recordDequeueDuration(7, { queue: 'q' });
    await metrics.flush();
    await metrics.flush();

    expect(receiver.requests).toHaveLength(2);
    const second = metricNamed(receiver.requests[1], MetricNames.dequeueDuration)?.histogram?.dataPoints[0];
    expect([second?.count, second?.sum]).toEqual(['1', 7]);
  });

  it('drops durations that are not finite non-negative numbers instead of poisoning the sum', async () => {
    metrics.recordEnqueueDuration(Number.NaN, { queue: 'q', priority: 'p' });
    metrics.recordEnqueueDuration(-1, { queue: 'q', priority: 'p' });
    metrics.recordEnqueueDuration(4, { queue: 'q', priority: 'p' });

    await metrics.flush();

    const point = metricNamed(receiver.requests[0], MetricNames.enqueueDuration)?.histogram?.dataPoints[0];
    expect([point?.count, point?.sum]).toEqual(['1', 4]);
  });

  it('sends what is left on shutdown, then ignores later flushes', async () => {
    metrics.countError('redis', { queue: 'q' });

    await metrics.shutdown();
    metrics.countError('redis', { queue: 'q' });
    await metrics.flush();

    expect(receiver.requests).toHaveLength(1);
    expect(metricNamed(receiver.requests[0], MetricNames.errors)?.sum?.dataPoints[0]?.asInt).toBe('1');
  });
});
