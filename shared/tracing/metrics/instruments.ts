import { Attr, MetricAttr, MetricNames } from '../names';
import { DeltaCollector } from './delta-collector';
import { DeltaCounter } from './delta-counter';
import { DeltaHistogram } from './delta-histogram';
import { LastValueGauge } from './last-value-gauge';
import type { AttributeKeys } from './point-index';
import { AlignedHistogramReservoir, FixedSizeReservoir } from './reservoirs';
import type { QueueMetrics } from './types';

/** Redis round trips take about a millisecond; a job may run up to Lambda's 15-minute limit. */
export const DURATION_BUCKETS_MS = [1, 2, 5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10_000, 30_000, 60_000, 300_000, 900_000];

/** Per error type and queue; errors are rare, so four traces per flush window are plenty. */
const ERROR_EXEMPLARS_PER_ATTRIBUTE_SET = 4;

export type Recorders = Omit<QueueMetrics, 'flush' | 'shutdown'>;

/** NaN would poison the window's sum, a negative duration is a clock bug: both are dropped. */
const isDuration = (ms: number): boolean => Number.isFinite(ms) && ms >= 0;

/** The queue's instruments, and the collector that drains them together. */
export function createInstruments(exemplars: boolean): { recorders: Recorders; collector: DeltaCollector } {
  // Without exemplars no reservoir factory exists, and nothing on the hot path reads the active context.
  const durationReservoir = exemplars ? () => new AlignedHistogramReservoir(DURATION_BUCKETS_MS) : undefined;
  const errorReservoir = exemplars ? () => new FixedSizeReservoir(ERROR_EXEMPLARS_PER_ATTRIBUTE_SET) : undefined;
  const histogram = (name: string, description: string, keys: AttributeKeys) =>
    new DeltaHistogram({ name, description, unit: 'ms' }, DURATION_BUCKETS_MS, keys, durationReservoir);

  // Each recorder below passes its values in the order of these keys.
  const enqueue = histogram(MetricNames.enqueueDuration, 'Time to enqueue one job', [Attr.queueName, Attr.queuePriority]);
  const dequeue = histogram(MetricNames.dequeueDuration, 'Time to dequeue one job', [Attr.queueName]);
  const processAttempt = histogram(MetricNames.processDuration, 'Time one processing attempt took', [
    Attr.queueName,
    Attr.jobType,
    MetricAttr.outcome,
  ]);
  const errors = new DeltaCounter(
    { name: MetricNames.errors, description: 'Errors by type', unit: '{error}' },
    [Attr.errorType, Attr.queueName, Attr.jobType],
    errorReservoir,
  );
  const depth = new LastValueGauge({ name: MetricNames.queueDepth, description: 'Jobs waiting, per queue and priority', unit: '{job}' }, [
    Attr.queueName,
    Attr.queuePriority,
  ]);

  const recorders: Recorders = {
    recordEnqueueDuration: (ms, a, ctx) => {
      if (isDuration(ms)) enqueue.record(ms, ctx, a.queue, a.priority);
    },
    recordDequeueDuration: (ms, a, ctx) => {
      if (isDuration(ms)) dequeue.record(ms, ctx, a.queue);
    },
    recordProcessDuration: (ms, a, ctx) => {
      if (isDuration(ms)) processAttempt.record(ms, ctx, a.queue, a.type, a.outcome);
    },
    // Errors outside any job have no type: the attribute is left out, a different set from an empty type.
    countError: (errorType, a, ctx) => errors.add(1, ctx, errorType, a.queue, a.type),
    setQueueDepth: (queue, priority, value) => depth.set(value, queue, priority),
  };
  // Exported in this order, as the SDK did: creation order.
  return { recorders, collector: new DeltaCollector([enqueue, dequeue, processAttempt, errors, depth]) };
}
