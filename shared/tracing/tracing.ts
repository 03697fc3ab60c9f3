import {
  context as contextApi,
  propagation,
  ROOT_CONTEXT,
  trace,
  TraceFlags,
  type Context,
  type Span,
  type SpanOptions,
  type Tracer,
} from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { SimpleSpanProcessor, TracerProvider, type SpanExporter } from '@opentelemetry/sdk-trace';
import type { TracingConfig } from './config';
import { FlushBudget, GuardedSpanExporter, type Log } from './export-guard';
import { FlushingSpanProcessor } from './flush-processor';
import { createNoopQueueMetrics, createQueueMetrics, type QueueMetrics } from './metrics';
import { Attr, INSTRUMENTATION_SCOPE } from './names';
import { extractContext, extractionOrder, injectCarrier, type Carrier } from './propagation';
import { OtlpHttpSpanExporter } from './otlp-http/span-exporter';
import { PendingSpans } from './pending-spans';
import { RandomIds } from './random-ids';
import { RedactingSpanExporter } from './redacting-exporter';
import { buildResource } from './resource';
import { createSampler, FailureTraceBudget } from './sampling';
import { XRayIdGenerator } from './xray-id-generator';

export interface TracingOptions {
  /** Export here instead of OTLP (tests: an InMemorySpanExporter). Redaction still applies. */
  readonly exporter?: SpanExporter;
  /** `simple` exports each span as it ends (tests); default `batch`. */
  readonly processor?: 'batch' | 'simple';
  /** Clock of the adaptive sampler (tests). */
  readonly clock?: () => number;
  readonly log?: Log;
  /** Register as the global tracer provider and propagator. Default true. */
  readonly register?: boolean;
}

export interface FlushResult {
  readonly timedOut: boolean;
  readonly ms: number;
}

export interface FlushOptions {
  /** `'due'` (default): metrics go out once per metrics interval; `'now'`: with this flush. */
  readonly metrics?: 'due' | 'now';
  /** An invocation's scope (see `Tracing.scope`): skip the flush when nothing was recorded under it. */
  readonly scope?: Context;
}

export interface Tracing {
  readonly enabled: boolean;
  readonly config: TracingConfig;
  readonly tracer: Tracer;
  readonly metrics: QueueMetrics;
  /**
   * Starts a span under `parent` (default: the active context). Under an unsampled parent it returns the
   * parent's non-recording span instead of making a new one: the parent-based sampler would drop the
   * child anyway, and this keeps unsampled work nearly free. Set attributes only when `isRecording()`.
   */
  startSpan(name: string, options?: SpanOptions, parent?: Context): Span;
  /**
   * A new sampled trace for a failure whose own trace was not sampled (`because` says why, on the span),
   * within the failure-trace budget; undefined when over it or off.
   */
  startFailureTrace(name: string, because: string, options: () => SpanOptions): Span | undefined;
  /** The active (or given) context as a carrier for a job or an outgoing request. */
  inject(ctx?: Context): Carrier;
  /** The context a carrier describes; garbage yields `base` (default: a new root). Never throws. */
  extract(carrier: unknown, base?: Context): Context;
  /** Reports an invocation's or job's outcome to the adaptive sampler (a no-op for other strategies). */
  reportOutcome(failed: boolean): void;
  /** `parent` with a tally of the spans recorded under it: an invocation's scope, for `flush`. */
  scope(parent: Context): Context;
  /** Whether `flush` would export anything now: metrics are due, or spans wait (under `scope`, see `flush`). */
  flushNeeded(scope?: Context): boolean;
  /**
   * Exports queued spans (and metrics, when their interval has passed or `metrics: 'now'`), waiting at most
   * the flush timeout. With `scope`, returns at once when nothing was recorded under it (and no span
   * outside any scope waits). Never rejects.
   */
  flush(timeoutMs?: number, options?: FlushOptions): Promise<FlushResult>;
  shutdown(): Promise<void>;
}

const INVALID_SPAN_CONTEXT = { traceId: '0'.repeat(32), spanId: '0'.repeat(16), traceFlags: TraceFlags.NONE };

/** A flush with nothing to do: one settled promise shared by all, not a new one per invocation. */
const NOTHING_FLUSHED: Promise<FlushResult> = Promise.resolve({ timedOut: false, ms: 0 });

const defaultLog: Log = (message) => console.warn(`[tracing] ${message}`);
const noop = (): void => undefined;

let contextManagerInstalled = false;
/** Context propagation across awaits; installed once per process. */
export function ensureContextManager(): void {
  if (contextManagerInstalled) return;
  contextApi.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  contextManagerInstalled = true;
}

/**
 * Tracing off: nothing is recorded or exported, but carriers are still read and written (propagators are
 * cheap and need no SDK), so a trace passes through a service with tracing off and ids stay visible.
 */
function disabledTracing(config: TracingConfig): Tracing {
  const readers = extractionOrder(config.propagationFormat);
  const propagator = readers[0]!; // the configured format's
  return {
    enabled: false,
    config,
    tracer: trace.getTracer(INSTRUMENTATION_SCOPE), // the API's no-op until a provider registers
    metrics: createNoopQueueMetrics(),
    startSpan: (_name, _options, parent = contextApi.active()) => trace.getSpan(parent) ?? trace.wrapSpanContext(INVALID_SPAN_CONTEXT),
    startFailureTrace: () => undefined,
    inject: (ctx) => injectCarrier(propagator, ctx),
    extract: (carrier, base) => extractContext(readers, carrier, base),
    reportOutcome: () => undefined,
    scope: (parent) => parent,
    flushNeeded: () => false,
    flush: () => NOTHING_FLUSHED,
    shutdown: async () => undefined,
  };
}

/** Builds tracing from a parsed configuration: provider, sampler, propagation, export, metrics. */
export function initTracing(config: TracingConfig, options: TracingOptions = {}): Tracing {
  // Tracing off needs no context propagation, and AsyncLocalStorage's hooks cost every promise a little.
  if (!config.enabled) return disabledTracing(config);
  ensureContextManager();
  const log = options.log ?? defaultLog;
  const resource = buildResource(config);
  const { sampler, adaptive } = createSampler(config, options.clock);

  const guarded = new GuardedSpanExporter(
    options.exporter ??
      new OtlpHttpSpanExporter({ url: config.endpoints.traces, headers: { ...config.headers }, timeoutMs: config.exportTimeoutMs }),
    config.endpoints.traces,
    log,
  );
  // With redaction off and no allowlist there is nothing to rewrite: no view of each span.
  const exporter =
    config.redactSensitive || config.attributeAllowlist
      ? new RedactingSpanExporter(guarded, { redactSensitive: config.redactSensitive, allowlist: config.attributeAllowlist })
      : guarded;
  const processor =
    options.processor === 'simple'
      ? new SimpleSpanProcessor({ exporter })
      : new FlushingSpanProcessor(exporter, {
          maxQueueSize: config.maxQueueSize,
          maxExportBatchSize: config.maxExportBatchSize,
          scheduledDelayMs: config.batchTimeoutMs,
          exportTimeoutMs: config.exportTimeoutMs,
        });
  const pending = new PendingSpans(processor);
  // X-Ray ids carry their start time; the X-Ray backend rejects ids that do not. Valid W3C ids too.
  const idGenerator = config.propagationFormat === 'xray' || config.lambda ? new XRayIdGenerator() : new RandomIds();
  const provider = new TracerProvider({
    resource,
    sampler,
    spanProcessors: [pending],
    idGenerator,
    spanLimits: { attributeValueLengthLimit: 4096 },
  });
  const readers = extractionOrder(config.propagationFormat);
  const propagator = readers[0]!; // the configured format's
  if (options.register ?? true) {
    trace.setGlobalTracerProvider(provider);
    propagation.setGlobalPropagator(propagator);
  }
  const metrics = createQueueMetrics({
    url: config.endpoints.metrics,
    headers: { ...config.headers },
    resource,
    exemplars: config.metricExemplars,
    exportTimeoutMs: config.exportTimeoutMs,
    log,
  });
  const budget = new FlushBudget();
  const failureBudget = new FailureTraceBudget(config.sampling.failureTracesPerSecond, options.clock);
  let metricsExportedAt = Date.now();
  const metricsDue = (now: number) => now - metricsExportedAt >= config.metricsIntervalMs;
  const tracer = provider.getTracer(INSTRUMENTATION_SCOPE);

  async function flushWithin(timeoutMs: number, started: number, withMetrics: boolean): Promise<FlushResult> {
    const wait = budget.budget(timeoutMs);
    let timer: NodeJS.Timeout | undefined;
    // The processor itself, not provider.forceFlush(): that adds a timer and three promises per flush, and
    // the wait is bounded here already.
    const spans = pending.forceFlush();
    const work = (withMetrics ? Promise.allSettled([spans, metrics.flush()]) : spans.catch(noop)).then(() => false);
    const timeout = new Promise<boolean>((resolve) => {
      timer = setTimeout(resolve, wait, true);
    });
    const timedOut = await Promise.race([work, timeout]);
    clearTimeout(timer);
    budget.record(timedOut);
    return { timedOut, ms: Date.now() - started };
  }

  return {
    enabled: true,
    config,
    tracer,
    metrics,
    startSpan(name, options, parent = contextApi.active()) {
      const parentSpan = trace.getSpan(parent);
      // Under an unsampled parent nothing is recorded, so skip the SDK; yet each hop still gets its own span
      // id (W3C Trace Context level 2), so a job's carrier never repeats its caller's parent-id.
      if (parentSpan && !(parentSpan.spanContext().traceFlags & TraceFlags.SAMPLED) && !parentSpan.isRecording())
        return trace.wrapSpanContext({ ...parentSpan.spanContext(), spanId: idGenerator.generateSpanId(), isRemote: false });
      return tracer.startSpan(name, options, parent);
    },
    startFailureTrace(name, because, optionsOf) {
      if (!failureBudget.take()) return undefined;
      const options = optionsOf(); // built only with a token: most failures of an outage get none
      return tracer.startSpan(
        name,
        { ...options, root: true, attributes: { ...options.attributes, [Attr.traceRecordedBecause]: because } },
        ROOT_CONTEXT,
      );
    },
    inject: (ctx) => injectCarrier(propagator, ctx),
    extract: (carrier, base) => extractContext(readers, carrier, base),
    reportOutcome: (failed) => adaptive?.recordOutcome(failed),
    scope: (parent) => PendingSpans.scope(parent),
    flushNeeded: (scope) => metricsDue(Date.now()) || pending.flushNeeded(scope),
    flush(timeoutMs = config.flushTimeoutMs, options = {}) {
      const started = Date.now();
      const withMetrics = options.metrics === 'now' || metricsDue(started);
      // Nothing recorded and no metrics due (most invocations, at low sampling): nothing to wait for.
      if (!withMetrics && !pending.flushNeeded(options.scope)) return NOTHING_FLUSHED;
      if (withMetrics) metricsExportedAt = started;
      return flushWithin(timeoutMs, started, withMetrics);
    },
    async shutdown() {
      await Promise.allSettled([provider.shutdown(), metrics.shutdown()]);
    },
  };
}
