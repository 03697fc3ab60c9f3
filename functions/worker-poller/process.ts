import { context, isSpanContextValid, ROOT_CONTEXT, SpanKind, trace, type Context, type Span } from '@opentelemetry/api';
import type { Attributes } from '@opentelemetry/api';
import { stepTrace, type HeldBack, type HeldFor, type Job, type JobContext, type JobHandler, type JobOutcome } from '../../shared/queue';
import { Attr, EventAttr, Events, recordFailure, SpanNames, type Tracing } from '../../shared/tracing';

/** What to do with a job that was just dead-lettered (the dlq function is told, within the attempt's trace context). */
export type DeadLetterNotice = (job: Job, reason: string, ctx: Context) => Promise<void>;

/** A job's tracing state, in its consumer slot: its parent (extracted once, on arrival) and the running attempt. */
interface JobTrace {
  readonly parent: Context;
  attempt?: { readonly span: Span; readonly ctx: Context };
}

export interface TracedProcessingOptions {
  readonly tracing: Tracing;
  /** The processor for a job type. */
  readonly processorFor: (type: string) => (job: Job, context: JobContext) => Promise<unknown>;
  readonly workerId: string;
  /** The invocation span, linked to every job handled. */
  readonly invocation?: Span;
  readonly onDeadLetter?: DeadLetterNotice;
  /** Keeps the carrier of a failure trace on the job (JobQueue.recordFailureTrace), for its later steps. */
  readonly recordFailureTrace?: (job: Job, carrier: Record<string, string>) => Promise<unknown>;
}

/** What a delayed or scheduled job says about when it was meant to run, on its dequeue and process spans. */
function timingOf(job: Job): Attributes {
  const out: Attributes = {};
  if (job.delayMs !== undefined) out[Attr.jobDelayMs] = job.delayMs;
  if (job.runAt !== undefined) out[Attr.jobRunAt] = new Date(job.runAt).toISOString();
  if (job.scheduler) {
    out[Attr.schedulerName] = job.scheduler.name;
    out[Attr.schedulerOccurrence] = new Date(job.scheduler.at).toISOString();
  }
  return out;
}

/** A `job.process` span's attributes. */
function attemptAttributes(job: Job, workerId: string): Attributes {
  return {
    [Attr.jobId]: job.id,
    [Attr.jobType]: job.type,
    [Attr.jobPriority]: job.priority,
    [Attr.jobRetries]: job.attempts - 1,
    [Attr.jobCreationTime]: new Date(job.createdAt).toISOString(),
    [Attr.workerId]: workerId,
    [Attr.queueSource]: job.queue,
    ...(job.filepath ? { [Attr.jobFilepath]: job.filepath } : {}),
    ...(job.filesize !== undefined ? { [Attr.jobFilesize]: job.filesize } : {}),
    ...(job.scheduler ? timingOf(job) : {}),
  };
}

const errorName = (error: unknown) => (error instanceof Error ? error.name : typeof error);
const errorText = (error: unknown) => (error instanceof Error ? error.message : String(error));

/**
 * Tracing around the consumer: a `queue.dequeue` span per job received and a `job.process` span per
 * attempt, both children of the job's enqueue span (restored from its carrier), so a job's whole life is
 * one trace. The process span stays open until the attempt's result is in Redis, so retries and dead
 * letters are events on it.
 */
export function tracedProcessing(options: TracedProcessingOptions) {
  const { tracing, workerId } = options;
  const notices = new Set<Promise<void>>();
  /** Keeps a background write (a dead-letter notice, a failure trace) until `drain`; its failure is not the job's. */
  const track = (work: Promise<unknown>): void => {
    const settled = work.then(
      () => undefined,
      () => undefined,
    );
    notices.add(settled);
    void settled.finally(() => notices.delete(settled));
  };

  const onReceived = (job: Job, requestedAt: number, held?: HeldFor): JobTrace => {
    const now = Date.now();
    const parent = tracing.extract(stepTrace(job));
    // From when this consumer asked, or when the job became ready if that was later (a consumer that was
    // already waiting): so the span sits after the job's enqueue in its trace, and covers the wait for it.
    const start = Math.min(now, Math.max(requestedAt, job.enqueuedAt));
    const span = tracing.startSpan(SpanNames.dequeue, { kind: SpanKind.CONSUMER, startTime: start }, parent);
    if (span.isRecording()) {
      span.setAttributes({
        [Attr.queueName]: job.queue,
        [Attr.queueOperation]: 'dequeue',
        [Attr.queueWaitTimeMs]: Math.max(0, now - job.enqueuedAt),
        [Attr.jobId]: job.id,
        [Attr.messagingSystem]: 'redis',
        [Attr.messagingOperationType]: 'receive',
        [Attr.messagingDestinationName]: job.queue,
        ...(job.delayMs !== undefined || job.runAt !== undefined || job.scheduler ? timingOf(job) : {}),
        ...(held ? { [Attr.queueHeldBackReason]: held.reason, [Attr.queueHeldBackMs]: held.ms } : {}),
      });
      span.addEvent(Events.dequeuing, {}, start);
      span.addEvent(Events.dequeued, { [EventAttr.attempt]: job.attempts });
    }
    span.end(now);
    tracing.metrics.recordDequeueDuration(now - start, { queue: job.queue }, trace.setSpan(parent, span));
    return { parent };
  };

  const handler: JobHandler<JobTrace> = (job, jobContext) => {
    const span = tracing.startSpan(SpanNames.process, { kind: SpanKind.CONSUMER }, jobContext.slot.parent);
    const ctx = trace.setSpan(jobContext.slot.parent, span);
    jobContext.slot.attempt = { span, ctx };
    options.invocation?.addLink({ context: span.spanContext(), attributes: { [Attr.jobId]: job.id } });
    if (span.isRecording()) {
      span.setAttributes(attemptAttributes(job, workerId));
      span.addEvent(Events.processingStarted, { [EventAttr.attempt]: job.attempts });
    }
    // The processor runs inside the attempt's context: whatever it traces (a Lambda call) nests here.
    return context.with(ctx, () => options.processorFor(job.type)(job, jobContext));
  };

  const onSettled = (job: Job, outcome: JobOutcome, slot: JobTrace): void => {
    const { attempt } = slot;
    slot.attempt = undefined;
    if (!attempt) return; // released unstarted
    const success = outcome.status === 'succeeded';
    // A failure in a trace that was not sampled is recorded anyway, in a trace of its own (bounded).
    const { span, ctx } =
      success || outcome.status === 'lease_lost' || attempt.span.isRecording() ? attempt : failureTrace(job, outcome, attempt);
    if (span.isRecording()) {
      span.setAttributes({ [Attr.processingDurationMs]: outcome.durationMs, [Attr.processingSuccess]: success });
      if (success) span.addEvent(Events.processingCompleted);
      else {
        const error = 'error' in outcome ? outcome.error : undefined;
        recordFailure(span, error, outcome.status === 'lease_lost' ? 'lease lost: the job will run again' : errorText(error));
        span.addEvent(Events.processingFailed, { [Attr.errorType]: errorName(error), [EventAttr.errorMessage]: errorText(error) });
        if (outcome.status === 'retried')
          span.addEvent(Events.retrying, {
            [EventAttr.retryAt]: new Date(outcome.retryAt).toISOString(),
            [EventAttr.attempt]: job.attempts,
          });
        if (outcome.status === 'dead')
          span.addEvent(Events.deadLettered, { [EventAttr.attempt]: job.attempts, [EventAttr.reason]: errorText(error) });
      }
    }
    span.end();
    tracing.metrics.recordProcessDuration(outcome.durationMs, { queue: job.queue, type: job.type, outcome: outcome.status }, ctx);
    if (!success)
      tracing.metrics.countError(errorName('error' in outcome ? outcome.error : outcome.status), { queue: job.queue, type: job.type }, ctx);
    tracing.reportOutcome(!success);
    if (outcome.status === 'dead' && options.onDeadLetter) {
      track(options.onDeadLetter(job, errorText(outcome.error), ctx));
    }
  };

  /**
   * Stands in for an unsampled attempt that failed: a sampled `job.process` span over the same time, a
   * new trace marked `trace.recorded_because: failure` and linked to the job's own, recorded on the job so
   * its retry, dead letter, dlq handling and redrive follow it. Over the budget: the attempt as it was.
   */
  const failureTrace = (job: Job, outcome: JobOutcome, attempt: NonNullable<JobTrace['attempt']>): NonNullable<JobTrace['attempt']> => {
    const original = attempt.span.spanContext();
    const linked = isSpanContextValid(original);
    const span = tracing.startFailureTrace(SpanNames.process, 'failure', () => ({
      kind: SpanKind.CONSUMER,
      startTime: Date.now() - outcome.durationMs,
      links: linked ? [{ context: original, attributes: { [Attr.jobId]: job.id } }] : [],
      attributes: {
        ...attemptAttributes(job, workerId),
        ...(linked ? { [Attr.traceOriginalId]: original.traceId } : {}),
      },
    }));
    if (!span) return attempt;
    attempt.span.end();
    const ctx = trace.setSpan(ROOT_CONTEXT, span);
    options.invocation?.addLink({ context: span.spanContext(), attributes: { [Attr.jobId]: job.id } });
    if (options.recordFailureTrace) track(options.recordFailureTrace(job, tracing.inject(ctx)));
    return { span, ctx };
  };

  /** A control began holding a queue back from this poller: an event on the invocation span. */
  const onHeld = (held: HeldBack): void => {
    options.invocation?.addEvent(Events.heldBack, { [Attr.queueName]: held.queue, [Attr.queueHeldBackReason]: held.reason });
  };

  const onProgress = (_job: Job, value: unknown, slot: JobTrace): void => {
    const span = slot.attempt?.span;
    if (span?.isRecording())
      span.addEvent(Events.progress, { [EventAttr.progress]: typeof value === 'number' ? value : JSON.stringify(value) });
  };

  /** Waits for the background writes still under way. */
  const drain = async (): Promise<void> => {
    await Promise.all(notices);
  };

  return { handler, onReceived, onSettled, onHeld, onProgress, drain };
}
