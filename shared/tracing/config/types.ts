import type { TraceViewer } from '../links';
import type { ExportEndpoints } from './endpoint';

export const SAMPLING_STRATEGIES = ['always', 'never', 'probabilistic', 'adaptive'] as const;
export type SamplingStrategy = (typeof SAMPLING_STRATEGIES)[number];

export const PROPAGATION_FORMATS = ['w3c', 'xray', 'b3', 'jaeger'] as const;
export type PropagationFormat = (typeof PROPAGATION_FORMATS)[number];

/** What the Lambda runtime tells about the function (its environment variables), when on Lambda. */
export interface LambdaInfo {
  readonly functionName: string;
  readonly functionVersion?: string;
  readonly region?: string;
  readonly memoryMb?: number;
  readonly logStreamName?: string;
}

/** The tracing configuration, parsed once and frozen. */
export interface TracingConfig {
  readonly enabled: boolean;
  readonly serviceName: string;
  readonly environment: string;
  readonly endpoints: ExportEndpoints;
  /** Export headers; values may be secrets: never log them. */
  readonly headers: Readonly<Record<string, string>>;
  readonly insecure: boolean;
  readonly sampling: {
    readonly strategy: SamplingStrategy;
    /** Probabilistic: the ratio. Adaptive: the floor. */
    readonly rate: number;
    /** Adaptive: sampled root traces per second per instance aimed for. */
    readonly targetPerSecond: number;
    /**
     * Failures in unsampled traces recorded anyway, in traces of their own, at most this many per second
     * per instance (a burst of up to that many at once). 0: off.
     */
    readonly failureTracesPerSecond: number;
  };
  readonly propagationFormat: PropagationFormat;
  /** Longest time a finished span waits before export (the batch timeout). */
  readonly batchTimeoutMs: number;
  readonly maxExportBatchSize: number;
  /** Spans queued beyond this are dropped, never block. */
  readonly maxQueueSize: number;
  /** One export request gives up after this long. */
  readonly exportTimeoutMs: number;
  /** The end-of-invocation flush waits at most this long. */
  readonly flushTimeoutMs: number;
  /**
   * Metrics are exported by a flush at most this often (0: every flush). They aggregate across the
   * invocations a sandbox serves, so exporting them with every invocation would only add a request.
   */
  readonly metricsIntervalMs: number;
  readonly redactSensitive: boolean;
  /** Only these span/event attribute keys leave the process; null: all. */
  readonly attributeAllowlist: readonly string[] | null;
  readonly metricExemplars: boolean;
  readonly lambda: LambdaInfo | null;
  /** Where people open a trace: links and actions in admin responses and the CLI. */
  readonly viewer: TraceViewer;
}

export type Env = Readonly<Record<string, string | undefined>>;
