import { isSpanContextValid, SpanKind, type Attributes, type Span } from '@opentelemetry/api';
import { stepTrace, type PurgeResult, type RequeueResult } from '../../../shared/queue';
import type { Services } from '../../../shared/services';
import { AdminAttr, Attr, SpanNames, type AdminOperation } from '../../../shared/tracing';
import { writeAudit, type Actor, type AuditedOperation } from './audit';
import { annotate, inAdminSpan } from './span';

export type ChangeRuntime = Pick<Services, 'tracing' | 'admin' | 'redis' | 'config'>;

export type PurgeTarget = { readonly queue: string } | 'dlq' | 'all';
export type RequeueTarget = { readonly ids: readonly string[] } | { readonly all: true };

/** What a destructive operation answers: its result and the audit entry that records it. */
export type Audited<T> = T & { readonly auditId: string | null };

export interface Change<T> {
  readonly op: AuditedOperation & AdminOperation;
  readonly target: string;
  readonly attributes: Attributes;
  readonly detail?: string;
  readonly run: (span: Span) => Promise<{ readonly result: T; readonly count: number }>;
}

/**
 * Runs a destructive operation in its span and audits it whatever happens: success with the count, or
 * failure with the error's type (a failed purge may have removed some jobs before it failed, so the
 * attempt is on record too). The record is written after the work: a purge of everything would
 * otherwise delete the record of itself along with the audit stream.
 */
export function audited<T>(rt: ChangeRuntime, change: Change<T>, reason: string, actor: Actor): Promise<Audited<T>> {
  return inAdminSpan(rt.tracing, change.op, { [AdminAttr.target]: change.target, ...change.attributes }, async (span) => {
    const spanContext = span.spanContext();
    const record = {
      principal: actor.principal,
      ...(actor.requestId ? { requestId: actor.requestId } : {}),
      operation: change.op,
      target: change.target,
      reason,
      ...(change.detail !== undefined ? { detail: change.detail } : {}),
      traceId: isSpanContextValid(spanContext) ? spanContext.traceId : null,
    };
    let done: { result: T; count: number };
    try {
      done = await change.run(span);
    } catch (error) {
      await writeAudit(rt, {
        ...record,
        time: new Date().toISOString(),
        count: null,
        outcome: 'failed',
        error: (error as Error)?.name || 'Error',
      });
      throw error;
    }
    annotate(span, { [AdminAttr.count]: done.count });
    const auditId = await writeAudit(rt, { ...record, time: new Date().toISOString(), count: done.count, outcome: 'succeeded' });
    return { ...done.result, auditId };
  });
}

/** Removes a queue's waiting and delayed jobs, the dead-letter queue, or everything in the namespace. */
export function purge(rt: ChangeRuntime, target: PurgeTarget, reason: string, actor: Actor): Promise<Audited<PurgeResult>> {
  const isQueue = typeof target === 'object';
  return audited(
    rt,
    {
      op: 'purge',
      target: isQueue ? `queue:${target.queue}` : target,
      attributes: isQueue ? { [Attr.queueName]: target.queue } : {},
      run: async () => {
        const result = isQueue
          ? await rt.admin.purgeQueue(target.queue)
          : target === 'dlq'
            ? await rt.admin.purgeDead()
            : await rt.admin.purgeAll();
        return { result, count: result.removed };
      },
    },
    reason,
    actor,
  );
}

/** Per-job spans written for one requeue: enough to follow a handful of jobs, bounded for big ones. */
const MAX_JOB_SPANS = 100;

/**
 * Marks the requeue in each job's own trace (an `admin.requeue` span under the job's enqueue span, linked
 * to the operator's request), so a job's life reads as one trace through the requeue as well.
 */
async function traceInJobs(rt: ChangeRuntime, ids: readonly string[], request: Span): Promise<void> {
  // Looked up together: ioredis pipelines them into one round trip instead of one per job.
  const traced = ids.slice(0, MAX_JOB_SPANS);
  const jobs = await Promise.all(traced.map((id) => rt.admin.info(id).catch(() => undefined)));
  for (const [i, job] of jobs.entries()) {
    const id = traced[i]!;
    if (!job) continue;
    const span = rt.tracing.startSpan(
      SpanNames.admin('requeue'),
      { kind: SpanKind.INTERNAL, links: [{ context: request.spanContext() }] },
      rt.tracing.extract(stepTrace(job.job)),
    );
    annotate(span, { [Attr.jobId]: id, [Attr.queueName]: job.job.queue, [AdminAttr.target]: 'dlq:ids' });
    span.end();
  }
}

/** Moves dead letters back to their queues with fresh attempts: the given ids, or all of them. */
export function requeue(rt: ChangeRuntime, target: RequeueTarget, reason: string, actor: Actor): Promise<Audited<RequeueResult>> {
  const byIds = 'ids' in target;
  return audited(
    rt,
    {
      op: 'requeue',
      target: byIds ? 'dlq:ids' : 'dlq:all',
      attributes: byIds ? { [AdminAttr.requested]: target.ids.length } : {},
      run: async (span) => {
        const result = await rt.admin.requeue(target);
        if (byIds && span.isRecording()) {
          const missing = new Set(result.missing);
          await traceInJobs(
            rt,
            target.ids.filter((id) => !missing.has(id)),
            span,
          );
        }
        return { result, count: result.requeued };
      },
    },
    reason,
    actor,
  );
}
