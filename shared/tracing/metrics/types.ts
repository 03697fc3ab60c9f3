import type { Context } from '@opentelemetry/api';
import type { Resource } from '@opentelemetry/resources';

export type ProcessOutcome = 'succeeded' | 'retried' | 'dead' | 'lease_lost';

export interface QueueMetricsOptions {
  /** OTLP/HTTP metrics endpoint, e.g. `http://localhost:4318/v1/metrics`; validated by the caller. */
  readonly url: string;
  /** Sent with every export; values may hold secrets and are never logged. */
  readonly headers?: Record<string, string>;
  readonly resource: Resource;
  /** Attach the sampled span's trace and span id to measurements taken inside it. */
  readonly exemplars: boolean;
  /** Deadline for one export, connection included. Default 2000. */
  readonly exportTimeoutMs?: number;
  /** Where export failures go, once per kind of failure. Default `console.warn`. */
  readonly log?: (message: string) => void;
}

export interface QueueMetrics {
  recordEnqueueDuration(ms: number, attributes: { queue: string; priority: string }, ctx?: Context): void;
  recordDequeueDuration(ms: number, attributes: { queue: string }, ctx?: Context): void;
  recordProcessDuration(ms: number, attributes: { queue: string; type: string; outcome: ProcessOutcome }, ctx?: Context): void;
  countError(errorType: string, attributes: { queue: string; type?: string }, ctx?: Context): void;
  /** Remembered and reported by the queue depth gauge at the next collection. */
  setQueueDepth(queue: string, priority: string, depth: number): void;
  /** Collects and exports now; resolves (never rejects) even when the export fails. */
  flush(): Promise<void>;
  /** Flushes what is left, then releases sockets; later calls do nothing. */
  shutdown(): Promise<void>;
}
