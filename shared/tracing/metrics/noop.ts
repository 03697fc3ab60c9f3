import type { QueueMetrics } from './types';

const done = Promise.resolve();
const nothing = () => undefined;

/** Tracing disabled: one shared object of empty functions, no SDK, no sockets, no allocations per call. */
const noopQueueMetrics: QueueMetrics = Object.freeze({
  recordEnqueueDuration: nothing,
  recordDequeueDuration: nothing,
  recordProcessDuration: nothing,
  countError: nothing,
  setQueueDepth: nothing,
  flush: () => done,
  shutdown: () => done,
});

export function createNoopQueueMetrics(): QueueMetrics {
  return noopQueueMetrics;
}
