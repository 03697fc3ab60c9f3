import { context, INVALID_TRACEID, SpanKind, trace, TraceFlags, type Span } from '@opentelemetry/api';
import type { EnqueueResult, JobExtras, JobInput, JobQueue } from '../../shared/queue';
import { Attr, EventAttr, Events, recordFailure, SpanNames, traceUrl, type Tracing } from '../../shared/tracing';

/** What a producer learns about each job it enqueued. */
export interface EnqueuedJob {
  readonly id: string;
  readonly queue: string;
  readonly priority: string;
  /** True when the idempotency key was seen before: this is the original job. */
  readonly duplicate: boolean;
  /** Null when tracing is off. */
  readonly traceId: string | null;
  readonly traceSampled: boolean;
  /** Where to look at the trace, when a viewer is configured and the trace is sampled. */
  readonly traceUrl?: string;
  /** A delayed job: when it runs (ISO 8601, the queue's clock). */
  readonly runAt?: string;
}

interface Defaults {
  readonly queue: string;
  readonly priority: string;
}

const text = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);

function startEnqueueSpan(tracing: Tracing, input: JobInput, defaults: Defaults): Span {
  const span = tracing.startSpan(SpanNames.enqueue, { kind: SpanKind.PRODUCER });
  if (span.isRecording()) {
    span.setAttributes({
      [Attr.queueName]: text(input.queue) ?? defaults.queue,
      [Attr.queuePriority]: text(input.priority) ?? defaults.priority,
      [Attr.queueOperation]: 'enqueue',
      [Attr.messagingSystem]: 'redis',
      [Attr.messagingOperationType]: 'send',
      [Attr.messagingDestinationName]: text(input.queue) ?? defaults.queue,
      ...(text(input.type) ? { [Attr.jobType]: input.type } : {}),
      ...(text(input.filepath) ? { [Attr.jobFilepath]: input.filepath } : {}),
      ...(typeof input.delayMs === 'number' && input.delayMs > 0 ? { [Attr.jobDelayMs]: input.delayMs } : {}),
      ...(text(input.runAt) ? { [Attr.jobRunAt]: input.runAt } : {}),
      ...(typeof input.filesize === 'number' ? { [Attr.jobFilesize]: input.filesize } : {}),
    });
    span.addEvent(Events.enqueueing);
  }
  return span;
}

function failAll(spans: readonly Span[], error: unknown): void {
  for (const span of spans) {
    recordFailure(span, error);
    span.end();
  }
}

/**
 * Enqueues jobs, each under its own `queue.enqueue` span (a child of the active context, e.g. the HTTP
 * invocation) whose context becomes the job's trace carrier, so every later step of the job joins this
 * trace. A batch is validated and written whole or not at all; on failure every span records the error.
 */
export async function enqueueTraced(
  deps: { readonly queue: JobQueue; readonly tracing: Tracing },
  inputs: readonly JobInput[],
  options: { readonly batch: boolean; readonly idempotencyKey?: string },
): Promise<EnqueuedJob[]> {
  const { queue, tracing } = deps;
  const defaults = { queue: queue.options.defaultQueue, priority: queue.options.defaultPriority };
  const started = performance.now();
  const spans = inputs.map((input) => startEnqueueSpan(tracing, input, defaults));
  const contexts = spans.map((span) => trace.setSpan(context.active(), span));
  // Each job's carrier and key go beside its input, which is validated as the client sent it (never copied).
  const extras: JobExtras[] = inputs.map((_, i) => ({
    trace: tracing.inject(contexts[i]),
    // One key per job of a batch, derived from the request's key, so a retried batch replays job by job.
    ...(options.idempotencyKey ? { idempotencyKey: options.batch ? `${options.idempotencyKey}:${i}` : options.idempotencyKey } : {}),
  }));
  let results: EnqueueResult[];
  try {
    results = options.batch ? await queue.enqueueBatch(inputs, extras) : [await queue.enqueue(inputs[0]!, extras[0])];
  } catch (error) {
    failAll(spans, error);
    tracing.metrics.countError((error as Error).name || 'Error', { queue: text(inputs[0]?.queue) ?? defaults.queue });
    throw error;
  }
  const ms = performance.now() - started;
  return results.map((result, i): EnqueuedJob => {
    const span = spans[i]!;
    const queueName = result.job?.queue ?? text(inputs[i]!.queue) ?? defaults.queue;
    const priority = result.job?.priority ?? text(inputs[i]!.priority) ?? defaults.priority;
    if (span.isRecording()) {
      span.setAttributes({ [Attr.jobId]: result.id, [Attr.messagingMessageId]: result.id });
      span.addEvent(Events.enqueued, { [EventAttr.duplicate]: result.duplicate });
    }
    tracing.metrics.recordEnqueueDuration(ms, { queue: queueName, priority }, contexts[i]);
    span.end();
    // A duplicate belongs to the original job's trace: that is the one the caller should follow.
    const original = result.duplicate && result.job ? trace.getSpanContext(tracing.extract(result.job.trace)) : undefined;
    const spanContext = original ?? span.spanContext();
    const sampled = (spanContext.traceFlags & TraceFlags.SAMPLED) === TraceFlags.SAMPLED;
    const url = sampled ? traceUrl(tracing.config.viewer, spanContext.traceId) : undefined;
    return {
      id: result.id,
      queue: queueName,
      priority,
      duplicate: result.duplicate,
      // Tracing off hands out the invalid context; ours always has a valid one (no per-job hex check).
      traceId: spanContext.traceId !== INVALID_TRACEID ? spanContext.traceId : null,
      traceSampled: sampled,
      ...(url ? { traceUrl: url } : {}),
      ...(result.runAt !== null ? { runAt: new Date(result.runAt).toISOString() } : {}),
    };
  });
}
