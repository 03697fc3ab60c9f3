import { ROOT_CONTEXT, SpanKind, trace, type Span } from '@opentelemetry/api';
import { JobSchedulers } from '../../shared/queue/schedulers';
import type { Services } from '../../shared/services';
import { Attr, Events, SpanNames } from '../../shared/tracing';

/**
 * Enqueues the job schedulers' due occurrences: called by each scheduled poller run (on Lambda nothing
 * runs between invocations). Each occurrence is a trace of its own — a root `queue.enqueue` span linked to
 * this poller's invocation — and is ended only by the poller whose claim won, so a lost race leaves no span.
 */
export async function fireSchedulers(rt: Services, invocation?: Span): Promise<number> {
  const schedulers = new JobSchedulers(rt.redis, rt.config.queue);
  const fired = await schedulers.fire({
    hooks: (occurrence) => {
      const { scheduler, at, missed, jobId } = occurrence;
      const span = rt.tracing.startSpan(
        SpanNames.enqueue,
        {
          kind: SpanKind.PRODUCER,
          root: true,
          ...(invocation ? { links: [{ context: invocation.spanContext() }] } : {}),
          attributes: {
            [Attr.queueName]: scheduler.job.queue ?? rt.queue.options.defaultQueue,
            [Attr.queueOperation]: 'enqueue',
            [Attr.jobId]: jobId,
            [Attr.jobType]: scheduler.job.type,
            [Attr.schedulerName]: scheduler.name,
            [Attr.schedulerOccurrence]: new Date(at).toISOString(),
            [Attr.schedulerMissed]: missed,
            [Attr.messagingSystem]: 'redis',
            [Attr.messagingOperationType]: 'send',
            [Attr.messagingMessageId]: jobId,
          },
        },
        ROOT_CONTEXT,
      );
      return {
        trace: rt.tracing.inject(trace.setSpan(ROOT_CONTEXT, span)),
        settle: (claimed) => {
          if (!claimed) return; // another poller enqueued this occurrence: its span is the one kept
          span.addEvent(Events.enqueued, {});
          span.end();
        },
      };
    },
  });
  return fired.length;
}
