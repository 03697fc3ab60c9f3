import { PublishCommand, type SNSClient } from '@aws-sdk/client-sns';
import { SpanKind, trace, type Span } from '@opentelemetry/api';
import { errorFields, log } from '../../shared/log';
import { logHealth } from '../../shared/jobs/health';
import { JobNotFoundError, stepTrace, type JobInfo } from '../../shared/queue';
import type { Services } from '../../shared/services';
import { annotate, Attr, DlqAttr, EventAttr, Events, recordFailure, SpanNames, traceUrl, withSpan } from '../../shared/tracing';

/** What the poller sends the dlq function for each job it dead-letters. */
export interface DeadLetterNotice {
  readonly jobId: string;
  readonly queue?: string;
  readonly reason?: string;
}

export interface DeadLetterResult {
  readonly jobId: string;
  readonly category: string | null;
  readonly published: boolean;
  /** The redrive that was scheduled (due time, ms), if the policy allowed one. */
  readonly redriveAt: number | null;
}

/** Why a job died, as a metric label: timeouts and lost leases are different problems from errors. */
export function failureCategory(info: JobInfo): string {
  if (info.deadReason === 'non_retryable') return 'non_retryable';
  const last = info.failures[info.failures.length - 1];
  if (last?.kind === 'lease_expired') return 'lease_expired';
  if (last?.kind === 'timeout') return 'timeout';
  return 'error';
}

async function publish(sns: SNSClient, rt: Services, info: JobInfo, category: string): Promise<boolean> {
  const topic = rt.config.dlq.snsTopicArn;
  if (!topic) return false;
  return withSpan(rt.tracing, SpanNames.snsPublish, { kind: SpanKind.PRODUCER }, async (span) => {
    const traceId = span.spanContext().traceId;
    const summary = {
      jobId: info.job.id,
      queue: info.job.queue,
      type: info.job.type,
      category,
      reason: info.deadReason,
      attempts: info.job.attempts,
      lastError: info.job.lastError,
      traceId,
      traceUrl: traceUrl(rt.tracing.config.viewer, traceId) ?? null,
    };
    await sns.send(
      new PublishCommand({ TopicArn: topic, Subject: `Job ${info.job.id} dead-lettered (${category})`, Message: JSON.stringify(summary) }),
    );
    return true;
  }).catch((error: unknown) => {
    log('warn', 'dead-letter summary not published', errorFields(error));
    return false;
  });
}

/** A redrive's attributes: which job, which of its redrives, when it is due. */
function annotateRedrive(span: Span, rt: Services, info: JobInfo, dueAt: number): void {
  annotate(span, {
    [Attr.jobId]: info.job.id,
    [DlqAttr.redriveCount]: info.requeues + 1,
    [DlqAttr.redriveMax]: rt.config.dlq.maxRedrives,
    [DlqAttr.redriveDue]: new Date(dueAt).toISOString(),
  });
}

/** Requeues a dead job after the policy's delay, at most `maxRedrives` times, under a span in its trace. */
function redrive(rt: Services, info: JobInfo, delayMs: number): Promise<number | null> {
  const { maxRedrives } = rt.config.dlq;
  if (maxRedrives <= 0 || info.requeues >= maxRedrives) return Promise.resolve(null);
  return withSpan(rt.tracing, SpanNames.redrive, { kind: SpanKind.INTERNAL }, async (span) => {
    const result = await rt.admin.requeue({ ids: [info.job.id] }, { delayMs });
    if (result.requeued === 0) return null; // someone else got there first (an operator, a sweep)
    const dueAt = Date.now() + delayMs;
    annotateRedrive(span, rt, info, dueAt);
    return dueAt;
  });
}

/**
 * Handles one dead-lettered job, inside its trace (the invocation continues the attempt that failed):
 * records it on the span and in the error metrics by category, publishes a summary when a topic is set,
 * and redrives it when the policy allows.
 */
export async function handleDeadLetter(rt: Services, sns: SNSClient, notice: DeadLetterNotice): Promise<DeadLetterResult> {
  let info: JobInfo;
  try {
    info = await rt.admin.info(notice.jobId);
  } catch (error) {
    if (!(error instanceof JobNotFoundError)) throw error;
    log('warn', 'dead-lettered job no longer exists (purged?)', { jobId: notice.jobId });
    return { jobId: notice.jobId, category: null, published: false, redriveAt: null };
  }
  if (info.state !== 'dead') return { jobId: notice.jobId, category: null, published: false, redriveAt: null }; // already requeued
  const category = failureCategory(info);
  const span = trace.getActiveSpan();
  if (span?.isRecording()) {
    span.setAttributes({
      [Attr.jobId]: info.job.id,
      [Attr.queueName]: info.job.queue,
      [Attr.jobType]: info.job.type,
      [DlqAttr.category]: category,
    });
    span.addEvent(Events.deadLettered, {
      [EventAttr.reason]: info.deadReason ?? 'unknown',
      [EventAttr.attempts]: info.job.attempts,
      [EventAttr.failures]: info.failures.length,
      [EventAttr.errorMessage]: info.job.lastError ?? '',
    });
  }
  rt.tracing.metrics.countError(`dead_letter.${category}`, { queue: info.job.queue, type: info.job.type });
  const published = await publish(sns, rt, info, category);
  const redriveAt = await redrive(rt, info, rt.config.dlq.redriveDelayMs);
  log('info', 'job dead-lettered', { jobId: info.job.id, queue: info.job.queue, category, published, redriven: redriveAt !== null });
  return { jobId: info.job.id, category, published, redriveAt };
}

/**
 * The scheduled sweep: dead letters that were never handled (no dlq function configured, a lost
 * invocation) and are due for a redrive get one — found by one scan that steps over jobs with no redrives
 * left, requeued by one call — each under a span in the job's own trace.
 */
export async function sweepDeadLetters(rt: Services): Promise<{ examined: number; redriven: number }> {
  const { maxRedrives, redriveDelayMs, sweepBatch } = rt.config.dlq;
  // The health metrics every sweep, so the alarms see the dead-letter queue even when no poller runs.
  if (rt.config.healthMetrics === 'emf') logHealth(await rt.admin.stats(), rt.queue.options.namespace);
  if (maxRedrives <= 0) return { examined: 0, redriven: 0 };
  const due = await rt.admin.redrivable({ maxRedrives, minAgeMs: redriveDelayMs, limit: sweepBatch });
  if (due.length === 0) return { examined: 0, redriven: 0 };
  // Read before the requeue: each redrive span goes into its job's trace, and counts its redrives.
  const infos = (await Promise.all(due.map((id) => rt.admin.info(id).catch(() => null)))).filter((i): i is JobInfo => i !== null);
  // One span per job, in its own trace, around the one requeue call of the batch.
  const started = infos.map((info) => {
    const parent = rt.tracing.extract(stepTrace(info.job));
    return { info, parent, span: rt.tracing.startSpan(SpanNames.redrive, { kind: SpanKind.INTERNAL }, parent) };
  });
  let missing: ReadonlySet<string> | undefined;
  let failure: unknown;
  try {
    missing = new Set((await rt.admin.requeue({ ids: due })).missing);
  } catch (error) {
    failure = error;
    log('warn', 'redrive failed', errorFields(error));
  }
  let redriven = 0;
  const now = Date.now();
  for (const { info, parent, span } of started) {
    // Missing: someone else got there first (an operator, the dlq function).
    const done = missing !== undefined && !missing.has(info.job.id);
    if (done) annotateRedrive(span, rt, info, now);
    if (failure !== undefined) recordFailure(span, failure);
    span.end();
    if (!done) continue;
    redriven++;
    // The sweep's own invocation points at each job's trace it touched.
    const jobTrace = trace.getSpanContext(parent);
    if (jobTrace) trace.getActiveSpan()?.addLink({ context: jobTrace, attributes: { [Attr.jobId]: info.job.id } });
  }
  return { examined: due.length, redriven };
}
