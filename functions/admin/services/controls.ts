import type { Actor } from './audit';
import { audited, type Audited, type ChangeRuntime } from './changes';
import { annotate, inAdminSpan } from './span';
import type { QueueControls, QueueLimits } from '../../../shared/queue';
import { JobSchedulers, type SchedulerDefinition, type SchedulerInfo } from '../../../shared/queue/schedulers';
import { AdminAttr, Attr } from '../../../shared/tracing';
import { checkJobType, knownJobTypes } from '../../../shared/jobs/job-types';

type Controlled = QueueControls & { readonly changed: boolean };

/**
 * Pauses a queue (it keeps accepting jobs; no poller takes from it; jobs in flight finish) or resumes it.
 * Audited; the count is 1 when the state changed.
 */
export function pauseOrResume(
  rt: ChangeRuntime,
  op: 'pause' | 'resume',
  queue: string,
  reason: string,
  actor: Actor,
): Promise<Audited<Controlled>> {
  return audited(
    rt,
    {
      op,
      target: `queue:${queue}`,
      attributes: { [Attr.queueName]: queue },
      run: async () => {
        const result =
          op === 'pause'
            ? await rt.admin.pause(queue, { reason, at: new Date().toISOString(), by: actor.principal })
            : await rt.admin.resume(queue);
        return { result, count: result.changed ? 1 : 0 };
      },
    },
    reason,
    actor,
  );
}

/** Sets (or, with nulls, lifts) a queue's concurrency and rate limits. Audited with the new limits. */
export function setLimits(
  rt: ChangeRuntime,
  queue: string,
  limits: QueueLimits,
  reason: string,
  actor: Actor,
): Promise<Audited<Controlled>> {
  return audited(
    rt,
    {
      op: 'limits',
      target: `queue:${queue}`,
      attributes: { [Attr.queueName]: queue },
      detail: JSON.stringify(limits),
      run: async () => ({ result: await rt.admin.setLimits(queue, limits), count: 1 }),
    },
    reason,
    actor,
  );
}

const schedulersOf = (rt: ChangeRuntime) => new JobSchedulers(rt.redis, rt.config.queue);

/** Every job scheduler, with its next occurrence and what it did. */
export function listSchedulers(rt: ChangeRuntime): Promise<{ schedulers: SchedulerInfo[] }> {
  return inAdminSpan(rt.tracing, 'schedulers', {}, async (span) => {
    const schedulers = await schedulersOf(rt).list();
    annotate(span, { [AdminAttr.count]: schedulers.length });
    return { schedulers };
  });
}

export function getScheduler(rt: ChangeRuntime, name: string): Promise<SchedulerInfo> {
  return inAdminSpan(rt.tracing, 'schedulers', { [Attr.schedulerName]: name }, () => schedulersOf(rt).get(name));
}

/** Creates or replaces a scheduler (its job template is checked as a job is). Audited with the definition. */
export function putScheduler(
  rt: ChangeRuntime,
  definition: SchedulerDefinition,
  reason: string,
  actor: Actor,
): Promise<Audited<{ scheduler: SchedulerInfo; created: boolean }>> {
  try {
    if (typeof definition.job?.type === 'string') checkJobType(knownJobTypes(rt.config), definition.job.type, 'job.type');
  } catch (error) {
    return Promise.reject(error as Error);
  }
  return audited(
    rt,
    {
      op: 'schedule',
      target: `scheduler:${definition.name}`,
      attributes: { [Attr.schedulerName]: definition.name },
      detail: JSON.stringify({ ...definition, job: { ...definition.job, payload: undefined } }),
      run: async () => ({ result: await schedulersOf(rt).set(definition), count: 1 }),
    },
    reason,
    actor,
  );
}

export function deleteScheduler(rt: ChangeRuntime, name: string, reason: string, actor: Actor): Promise<Audited<{ deleted: boolean }>> {
  return audited(
    rt,
    {
      op: 'unschedule',
      target: `scheduler:${name}`,
      attributes: { [Attr.schedulerName]: name },
      run: async () => {
        const deleted = await schedulersOf(rt).remove(name);
        return { result: { deleted }, count: deleted ? 1 : 0 };
      },
    },
    reason,
    actor,
  );
}
