export { createQueueMetrics } from './queue-metrics';
export { createNoopQueueMetrics } from './noop';
export { DURATION_BUCKETS_MS } from './instruments';
export { ExportHttpStatusError, ExportRequestError, ExportTimeoutError, MetricsExportError } from './errors';
export type * from './types';
