import { resourceFromAttributes } from '@opentelemetry/resources';
import { Attr, MetricNames } from '../../../shared/tracing/names';
import { createQueueMetrics, DURATION_BUCKETS_MS, type QueueMetrics } from '../../../shared/tracing/metrics';
import { attrs, metricNamed, metricsOf, startReceiver, type CapturedRequest, type Receiver } from './otlp-receiver';

/** Decoded data points carry their window too; the shared decoder's types just leave it out. */
type Timed = { startTimeUnixNano: string; timeUnixNano: string };

const windowsOf = (request: CapturedRequest | undefined): Array<[bigint, bigint]> =>
  metricsOf(request).flatMap((m) =>
    [...(m.histogram?.dataPoints ?? []), ...(m.sum?.dataPoints ?? []), ...(m.gauge?.dataPoints ?? [])].map((p) => {
      const { startTimeUnixNano, timeUnixNano } = p as unknown as Timed;
      return [BigInt(startTimeUnixNano), BigInt(timeUnixNano)] as [bigint, bigint];
    }),
  );

/** The bucket a value belongs in, found the slow, obvious way: the first upper bound it does not exceed. */
const referenceBucket = (ms: number): number => {
  const i = DURATION_BUCKETS_MS.findIndex((bound) => ms <= bound);
  return i === -1 ? DURATION_BUCKETS_MS.length : i;
};

describe('Queue metrics: aggregation', () => {
  let receiver: Receiver;
  let metrics: QueueMetrics;

  beforeEach(async () => {
    receiver = await startReceiver();
    metrics = createQueueMetrics({ url: receiver.url, resource: resourceFromAttributes({}), exemplars: false });
  });

  afterEach(async () => {
    await metrics.shutdown();
    await receiver.close();
  });

  it('keeps many attribute sets apart in one flush, each with its own count and sum', async () => {
    const outcomes = ['succeeded', 'retried', 'dead', 'lease_lost'] as const;
    const sets = ['a', 'b', 'c'].flatMap((queue) =>
      ['resize', 'thumb'].flatMap((type) => outcomes.map((outcome) => ({ queue, type, outcome }))),
    );
    sets.forEach((set, i) => {
      for (let n = 0; n <= i; n++) metrics.recordProcessDuration(10, { ...set });
    });

    await metrics.flush();

    const points = metricNamed(receiver.requests[0], MetricNames.processDuration)!.histogram!.dataPoints;
    expect(points).toHaveLength(sets.length);
    const got = Object.fromEntries(points.map((p) => [JSON.stringify(attrs(p.attributes)), [p.count, p.sum]]));
    sets.forEach((set, i) => {
      const key = JSON.stringify({ [Attr.queueName]: set.queue, [Attr.jobType]: set.type, outcome: set.outcome });
      expect([key, got[key]]).toEqual([key, [String(i + 1), 10 * (i + 1)]]);
    });
  });

  it('counts every value into its bucket, bounds inclusive, with sum, min and max over all buckets', async () => {
    const values = [0, 0.001, 1, 1.0001, 2, 4.99, 5, 25, 999.9, 1000, 60_000, 899_999, 900_000, 900_001, 3_600_000];
    for (const ms of values) metrics.recordDequeueDuration(ms, { queue: 'q' });

    await metrics.flush();

    const point = metricNamed(receiver.requests[0], MetricNames.dequeueDuration)!.histogram!.dataPoints[0]!;
    const expected = new Array<number>(DURATION_BUCKETS_MS.length + 1).fill(0);
    for (const ms of values) expected[referenceBucket(ms)]!++;
    expect(point.bucketCounts).toEqual(expected.map(String));
    expect(point.count).toBe(String(values.length));
    expect(point.sum).toBeCloseTo(
      values.reduce((a, b) => a + b, 0),
      6,
    );
    expect([point.min, point.max]).toEqual([0, 3_600_000]);
  });

  it('starts each window where the previous collection ended, so consecutive windows never overlap', async () => {
    const windows: Array<Array<[bigint, bigint]>> = [];
    for (let i = 0; i < 3; i++) {
      metrics.recordEnqueueDuration(1, { queue: 'q', priority: 'p' });
      metrics.countError('redis', { queue: 'q' });
      metrics.setQueueDepth('q', 'p', i);
      await metrics.flush();
      windows.push(windowsOf(receiver.requests[i]));
    }

    for (const points of windows) {
      expect(points).toHaveLength(3);
      // Every data point of one collection covers the same window.
      expect(new Set(points.map((w) => w.join('-'))).size).toBe(1);
      expect(points[0]![0] <= points[0]![1]).toBe(true);
    }
    expect(windows[1]![0]![0]).toBe(windows[0]![0]![1]);
    expect(windows[2]![0]![0]).toBe(windows[1]![0]![1]);
  });

  it('still moves the window on when a flush has nothing to send', async () => {
    metrics.recordDequeueDuration(1, { queue: 'q' });
    await metrics.flush();
    await new Promise((resolve) => setTimeout(resolve, 20));
    await metrics.flush(); // empty: sends nothing, but the window it closed is over
    metrics.recordDequeueDuration(1, { queue: 'q' });
    await metrics.flush();

    const [[first], [second]] = [windowsOf(receiver.requests[0]), windowsOf(receiver.requests[1])];
    expect(receiver.requests).toHaveLength(2);
    expect(second![0] - first![1]).toBeGreaterThanOrEqual(15_000_000n);
  });
});
