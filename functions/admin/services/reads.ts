import type { QueueStats } from '../../../shared/queue';
import type { Services } from '../../../shared/services';
import { AdminAttr, Attr, type ActionPlatform } from '../../../shared/tracing';
import { readAudit, type AuditRecord } from './audit';
import { presentInfo, presentJob, type PresentedInfo, type PresentedJob } from './present';
import { annotate, inAdminSpan } from './span';

type ReadRuntime = Pick<Services, 'tracing' | 'admin' | 'redis' | 'config'>;

/** Depths, in flight, delayed, dead and counters per queue. */
export function stats(rt: ReadRuntime): Promise<QueueStats> {
  return inAdminSpan(rt.tracing, 'stats', {}, async (span) => {
    const result = await rt.admin.stats();
    annotate(span, {
      [AdminAttr.count]: result.queues.length,
      [AdminAttr.waiting]: result.totals.waiting,
      [AdminAttr.active]: result.totals.active,
      [AdminAttr.delayed]: result.totals.delayed,
      [AdminAttr.dead]: result.dead,
    });
    return result;
  });
}

/** The next `count` jobs of a queue in dequeue order, each with its trace. */
export function peek(
  rt: ReadRuntime,
  queue: string,
  count: number,
  platform: ActionPlatform,
): Promise<{ queue: string; jobs: PresentedJob[] }> {
  return inAdminSpan(rt.tracing, 'peek', { [Attr.queueName]: queue, [AdminAttr.requested]: count }, async (span) => {
    const jobs = await rt.admin.peek(queue, count);
    annotate(span, { [AdminAttr.count]: jobs.length });
    return { queue, jobs: jobs.map((job) => presentJob(rt.tracing, job, platform, false)) };
  });
}

/** The oldest `count` dead letters with reason and failures; a peek at the dead-letter queue. */
export function deadLetters(rt: ReadRuntime, count: number, platform: ActionPlatform): Promise<{ jobs: PresentedInfo[] }> {
  return inAdminSpan(rt.tracing, 'peek', { [AdminAttr.target]: 'dlq', [AdminAttr.requested]: count }, async (span) => {
    const infos = await rt.admin.deadLetters(count);
    annotate(span, { [AdminAttr.count]: infos.length });
    return { jobs: infos.map((info) => presentInfo(rt.tracing, info, platform)) };
  });
}

/** One job: where it is, its full record and its trace. JobNotFoundError (404) for an unknown id. */
export function info(rt: ReadRuntime, id: string, platform: ActionPlatform): Promise<PresentedInfo> {
  return inAdminSpan(rt.tracing, 'info', { [Attr.jobId]: id }, async (span) => {
    const result = await rt.admin.info(id);
    annotate(span, { [Attr.queueName]: result.job.queue, [AdminAttr.jobState]: result.state });
    return presentInfo(rt.tracing, result, platform);
  });
}

/** The newest `count` audit records, newest first. */
export function audit(rt: ReadRuntime, count: number): Promise<{ entries: AuditRecord[] }> {
  return inAdminSpan(rt.tracing, 'audit', { [AdminAttr.requested]: count }, async (span) => {
    const entries = await readAudit(rt, count);
    annotate(span, { [AdminAttr.count]: entries.length });
    return { entries };
  });
}

export type ListedState = 'waiting' | 'delayed' | 'active' | 'dead' | 'completed';

/** Jobs in one state (of one queue, for waiting, delayed and active), each with its record and trace. */
export function listJobs(
  rt: ReadRuntime,
  state: ListedState,
  queue: string | undefined,
  count: number,
  platform: ActionPlatform,
): Promise<{ state: ListedState; jobs: PresentedInfo[] }> {
  return inAdminSpan(rt.tracing, 'peek', { [AdminAttr.target]: `jobs:${state}`, [AdminAttr.requested]: count }, async (span) => {
    const infos = await rt.admin.list(state, { ...(queue ? { queue } : {}), count });
    annotate(span, { [AdminAttr.count]: infos.length });
    return { state, jobs: infos.map((info) => presentInfo(rt.tracing, info, platform)) };
  });
}
