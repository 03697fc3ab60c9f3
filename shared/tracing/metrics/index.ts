// Our metrics, fenced here until the SDK records and exports exemplars: see README.md in this folder.
export { createQueueMetrics } from './queue-metrics';
export { createNoopQueueMetrics } from './noop';
export { DURATION_BUCKETS_MS } from './instruments';
export { ExportHttpStatusError, ExportRequestError, ExportTimeoutError, OtlpExportError } from '../otlp-http/errors';
export type * from './types';
