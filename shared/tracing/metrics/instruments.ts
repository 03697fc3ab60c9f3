import { context, ValueType, type Attributes, type Context, type Histogram, type Meter } from '@opentelemetry/api';
import { Attr, MetricAttr, MetricNames } from '../names';
import type { ExemplarStore } from './exemplar-store';
import { AlignedHistogramReservoir, FixedSizeReservoir } from './reservoirs';
import type { QueueMetrics } from './types';

/** Redis round trips take about a millisecond; a job may run up to Lambda's 15-minute limit. */
export const DURATION_BUCKETS_MS = [
  1, 2, 5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10_000, 30_000, 60_000, 300_000, 900_000,
];


/** Per error type and queue; errors are rare, so four traces per flush window are plenty. */
const ERROR_EXEMPLARS_PER_ATTRIBUTE_SET = 4;

export type Recorders = Omit<QueueMetrics, 'flush' | 'shutdown'>;

type Offer = (metricName: string, value: number, attributes: Attributes, ctx: Context | undefined) => void;

/** The queue's instruments on `meter`, each measurement also offered to `store` when there is one. */
export function createRecorders(meter: Meter, store: ExemplarStore | undefined): Recorders {
  // Without a store this stays undefined: with exemplars off, the hot path never reads the active context.
  const offer: Offer | undefined =
    store && ((name, value, attributes, ctx) => store.offer(name, value, attributes, ctx ?? context.active()));

  const duration = (name: string, description: string) => {
    store?.register(name, () => new AlignedHistogramReservoir(DURATION_BUCKETS_MS));
    const histogram: Histogram = meter.createHistogram(name, {
      description,
      unit: 'ms',
      advice: { explicitBucketBoundaries: DURATION_BUCKETS_MS },
    });
    return (ms: number, attributes: Attributes, ctx: Context | undefined) => {
      // The SDK drops negatives but would add NaN to the sum and poison it for the whole window.
      if (!(Number.isFinite(ms) && ms >= 0)) return;
      histogram.record(ms, attributes, ctx);
      offer?.(name, ms, attributes, ctx);
    };
  };
  const enqueue = duration(MetricNames.enqueueDuration, 'Time to enqueue one job');
  const dequeue = duration(MetricNames.dequeueDuration, 'Time to dequeue one job');
  const processAttempt = duration(MetricNames.processDuration, 'Time one processing attempt took');

  store?.register(MetricNames.errors, () => new FixedSizeReservoir(ERROR_EXEMPLARS_PER_ATTRIBUTE_SET));
  const errors = meter.createCounter(MetricNames.errors, {
    description: 'Errors by type',
    unit: '{error}',
    valueType: ValueType.INT,
  });

  return {
    recordEnqueueDuration: (ms, a, ctx) =>
      enqueue(ms, { [Attr.queueName]: a.queue, [Attr.queuePriority]: a.priority }, ctx),
    recordDequeueDuration: (ms, a, ctx) => dequeue(ms, { [Attr.queueName]: a.queue }, ctx),
    recordProcessDuration: (ms, a, ctx) =>
      processAttempt(ms, { [Attr.queueName]: a.queue, [Attr.jobType]: a.type, [MetricAttr.outcome]: a.outcome }, ctx),
    countError: (errorType, a, ctx) => {
      const attributes: Attributes = { [Attr.errorType]: errorType, [Attr.queueName]: a.queue };
      if (a.type !== undefined) attributes[Attr.jobType] = a.type;
      errors.add(1, attributes, ctx);
      offer?.(MetricNames.errors, 1, attributes, ctx);
    },
    setQueueDepth: createDepthGauge(meter),
  };
}

/**
 * Reports each depth set since the previous collection, then forgets it: a Lambda sandbox can sit frozen
 * for minutes, and re-reporting an old depth under a new timestamp would draw a line that never was.
 */
function createDepthGauge(meter: Meter): QueueMetrics['setQueueDepth'] {
  const latest = new Map<string, { depth: number; attributes: Attributes }>();
  meter
    .createObservableGauge(MetricNames.queueDepth, {
      description: 'Jobs waiting, per queue and priority',
      unit: '{job}',
      valueType: ValueType.INT,
    })
    .addCallback((result) => {
      for (const { depth, attributes } of latest.values()) result.observe(depth, attributes);
      latest.clear();
    });
  return (queue, priority, depth) => {
    if (!Number.isFinite(depth)) return;
    const attributes = { [Attr.queueName]: queue, [Attr.queuePriority]: priority };
    latest.set(JSON.stringify([queue, priority]), { depth, attributes });
  };
}
