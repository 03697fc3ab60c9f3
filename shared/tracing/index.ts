export * from './config';
export * from './links';
export { createNoopQueueMetrics, createQueueMetrics, DURATION_BUCKETS_MS, type QueueMetrics, type QueueMetricsOptions } from './metrics';
export * from './names';
export { annotate, recordFailure, withSpan } from './spans';
export { createPropagator, extractContext, extractionOrder, injectCarrier, type Carrier } from './propagation';
export { anonymizePath, redactAttributes, redactText, type RedactionPolicy } from './redaction';
export { AdaptiveSampler, createSampler, traceIdRatio, type AdaptiveSamplerOptions } from './sampling';
export { ensureContextManager, initTracing, type FlushOptions, type FlushResult, type Tracing, type TracingOptions } from './tracing';
