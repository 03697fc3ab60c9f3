import { isSpanContextValid, SpanKind, trace, TraceFlags } from '@opentelemetry/api';
import { HttpError } from '../../shared/http/errors';
import { JOB_ID_PATTERN, JobNotFoundError, stepTrace, type JobInfo } from '../../shared/queue';
import type { Services } from '../../shared/services';
import { Attr, EventAttr, Events, SpanNames, traceUrl, type Tracing } from '../../shared/tracing';

/** What a producer sees of a job: `retrying` is a delayed job that failed before (waiting out its backoff). */
export type ProducerState = 'waiting' | 'delayed' | 'active' | 'retrying' | 'completed' | 'dead' | 'cancelled';

export interface JobStatus {
  readonly id: string;
  readonly type: string;
  readonly queue: string;
  readonly priority: string;
  readonly state: ProducerState;
  readonly attempts: number;
  readonly maxAttempts: number;
  /** ISO 8601: created by the producer's request; last entered a waiting list; due (delayed, retrying); the latest attempt started; completed, dead-lettered or cancelled. */
  readonly createdAt: string;
  readonly enqueuedAt: string;
  readonly runAt?: string;
  readonly startedAt?: string;
  readonly finishedAt?: string;
  readonly lastError: string | null;
  readonly progress?: unknown;
  readonly result?: unknown;
  readonly resultOmitted?: string;
  readonly scheduler?: { readonly name: string; readonly occurrence: string };
  readonly traceId: string | null;
  readonly traceUrl?: string;
  /** Its failures, recorded in a trace of their own because its trace was not sampled. */
  readonly failureTrace?: { readonly traceId: string | null; readonly traceUrl?: string };
}

const iso = (ms: number | undefined) => (ms === undefined ? undefined : new Date(ms).toISOString());

export function jobIdOf(params: Readonly<Record<string, string>>): string {
  const id = params.id ?? '';
  if (!JOB_ID_PATTERN.test(id)) throw new HttpError(400, 'invalid_request', 'id: is not a job id (26 characters, Crockford base32)', 'id');
  return id;
}

const notFound = (id: string) =>
  new HttpError(404, 'not_found', `job ${id} not found: unknown, or no longer kept (completed jobs stay while the history keeps them)`);

function traceOf(tracing: Tracing, carrier: JobInfo['job']['trace']): { traceId: string | null; traceUrl?: string } {
  const spanContext = trace.getSpanContext(tracing.extract(carrier));
  if (!spanContext || !isSpanContextValid(spanContext)) return { traceId: null };
  const sampled = (spanContext.traceFlags & TraceFlags.SAMPLED) === TraceFlags.SAMPLED;
  const url = sampled ? traceUrl(tracing.config.viewer, spanContext.traceId) : undefined;
  return { traceId: spanContext.traceId, ...(url ? { traceUrl: url } : {}) };
}

export function presentStatus(tracing: Tracing, info: JobInfo): JobStatus {
  const { job } = info;
  if (info.state === 'unknown') throw notFound(job.id);
  const state: ProducerState = info.state === 'delayed' && info.failures.length > 0 ? 'retrying' : info.state;
  const due = state === 'delayed' || state === 'retrying' ? info.since : undefined;
  return {
    id: job.id,
    type: job.type,
    queue: job.queue,
    priority: job.priority,
    state,
    attempts: job.attempts,
    maxAttempts: job.maxAttempts,
    createdAt: iso(job.createdAt)!,
    enqueuedAt: iso(job.enqueuedAt)!,
    ...(due !== undefined ? { runAt: iso(due) } : {}),
    ...(info.startedAt !== undefined ? { startedAt: iso(info.startedAt) } : {}),
    ...(info.finishedAt !== undefined ? { finishedAt: iso(info.finishedAt) } : {}),
    lastError: job.lastError,
    ...(info.progress !== undefined ? { progress: info.progress } : {}),
    ...(info.result !== undefined ? { result: info.result } : {}),
    ...(info.resultOmitted !== undefined ? { resultOmitted: info.resultOmitted } : {}),
    ...(job.scheduler ? { scheduler: { name: job.scheduler.name, occurrence: iso(job.scheduler.at)! } } : {}),
    ...traceOf(tracing, info.job.trace),
    ...(job.failureTrace ? { failureTrace: traceOf(tracing, job.failureTrace) } : {}),
  };
}

async function infoOf(rt: Services, id: string): Promise<JobInfo> {
  return rt.admin.info(id).catch((error: unknown) => {
    throw error instanceof JobNotFoundError ? notFound(id) : error;
  });
}

/** GET /jobs/{id}: the job's state, times, progress and result, and its trace. */
export async function jobStatus(rt: Services, id: string): Promise<JobStatus> {
  return presentStatus(rt.tracing, await infoOf(rt, id));
}

/**
 * DELETE /jobs/{id}: cancels a waiting or delayed job (JobStateError, a 409 naming the state, otherwise).
 * The cancellation is a `queue.cancel` span in the job's own trace, linked to the request.
 */
export async function cancelJob(rt: Services, id: string): Promise<JobStatus> {
  const info = await infoOf(rt, id);
  const result = await rt.queue.cancel(id);
  if (result.from !== null) {
    const request = trace.getActiveSpan();
    const span = rt.tracing.startSpan(
      SpanNames.cancel,
      {
        kind: SpanKind.INTERNAL,
        ...(request ? { links: [{ context: request.spanContext() }] } : {}),
        attributes: { [Attr.jobId]: id, [Attr.queueName]: info.job.queue, [Attr.queueOperation]: 'cancel' },
      },
      rt.tracing.extract(stepTrace(info.job)),
    );
    span.addEvent(Events.cancelled, { [EventAttr.from]: result.from });
    span.end();
  }
  const { runAt: _dueNoLonger, ...status } = presentStatus(rt.tracing, info);
  return { ...status, state: 'cancelled', finishedAt: iso(result.cancelledAt)! };
}
