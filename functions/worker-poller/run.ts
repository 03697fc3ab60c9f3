import type { LambdaClient } from '@aws-sdk/client-lambda';
import { context, trace } from '@opentelemetry/api';
import type { Context as LambdaContext } from 'aws-lambda';
import { logHealth } from '../../shared/jobs/health';
import { errorFields, log } from '../../shared/log';
import { outOfTimeSignal } from '../../shared/middleware/invocation';
import { consume } from '../../shared/queue';
import type { Services } from '../../shared/services';
import { Attr, SpanNames, type Tracing } from '../../shared/tracing';
import { fanOut } from './fan-out';
import { invokeTraced } from './invoke';
import { tracedProcessing } from './process';
import { fireSchedulers } from './schedule';
import { processorRegistry, type ExtraProcessors } from './processors';

export interface PollerSummary {
  readonly processed: number;
  readonly succeeded: number;
  readonly retried: number;
  readonly deadLettered: number;
  /** Jobs whose result could not be recorded (lease lost or handler abandoned): they will run again. */
  readonly failed: number;
  /** Pollers this one started because of the backlog. */
  readonly fannedOut: number;
  /** Job schedulers' occurrences this run enqueued. */
  readonly scheduled: number;
}

/**
 * One poller run: fan out under backlog (the scheduled poller only, so pollers never multiply), take jobs
 * until the queues stay empty or the time budget runs out, hand dead letters to the dlq function, then
 * report the queues' depth (metrics, and EMF when on). Stats are read at the start (the backlog, for the
 * fan-out) and at the end (the depth the run left): two moments, two reads.
 */
export async function runPoller(
  rt: Services,
  aws: { readonly lambda: LambdaClient; readonly tracing: Tracing },
  event: object | undefined,
  lambdaContext: LambdaContext,
  processors?: ExtraProcessors,
): Promise<PollerSummary> {
  const { poller, dlq } = rt.config;
  // No new job once less than the longest job timeout and the margin is left (watched, not computed
  // once: a host may cut the time short, as a local one does when it stops).
  const outOfTime = outOfTimeSignal(lambdaContext, poller.jobTimeoutMs + poller.safetyMarginMs);
  // Only the scheduled poller fires job schedulers and fans out; the ones it starts just drain, so
  // pollers never multiply. Schedulers first: their jobs count in the backlog.
  const scheduledRun = (event as { fanOut?: unknown } | undefined)?.fanOut !== true;
  const invocation = trace.getActiveSpan();
  const scheduled = scheduledRun
    ? await fireSchedulers(rt, invocation).catch((error: unknown) => (log('warn', 'job schedulers skipped', errorFields(error)), 0))
    : 0;
  const fannedOut = scheduledRun
    ? await fanOut(rt, aws, poller.queues).catch((error: unknown) => (log('warn', 'fan-out skipped', errorFields(error)), 0))
    : 0;
  const processing = tracedProcessing({
    tracing: rt.tracing,
    processorFor: processorRegistry(aws, rt.config.targets, processors),
    workerId: `${lambdaContext.functionName}/${lambdaContext.awsRequestId}`,
    recordFailureTrace: (job, carrier) => rt.queue.recordFailureTrace(job.id, carrier),
    ...(invocation ? { invocation } : {}),
    ...(dlq.functionName
      ? {
          onDeadLetter: (job, reason, ctx) =>
            context
              .with(ctx, () =>
                invokeTraced(
                  aws,
                  dlq.functionName!,
                  { jobId: job.id, queue: job.queue, reason },
                  { type: 'Event', spanName: SpanNames.invoke(dlq.functionName!), attributes: { [Attr.jobId]: job.id } },
                ),
              )
              .then(() => undefined),
        }
      : {}),
  });
  const summary = await consume(rt.queue, processing.handler, {
    queues: poller.queues,
    concurrency: poller.concurrency,
    prefetch: poller.prefetch,
    idleMs: poller.idleMs,
    waitMs: poller.waitMs,
    signal: outOfTime.signal,
    defaultTimeoutMs: poller.jobTimeoutMs,
    onReceived: processing.onReceived,
    onSettled: processing.onSettled,
    onHeld: processing.onHeld,
    onProgress: processing.onProgress,
  }).finally(() => outOfTime.dispose());
  await processing.drain();
  const stats = await rt.admin.stats().catch(() => undefined);
  for (const q of stats?.queues ?? []) for (const p of q.priorities) rt.tracing.metrics.setQueueDepth(q.name, p.name, p.waiting);
  if (stats && rt.config.healthMetrics === 'emf') logHealth(stats, rt.queue.options.namespace);
  return {
    processed: summary.processed,
    succeeded: summary.succeeded,
    retried: summary.retried,
    deadLettered: summary.deadLettered,
    failed: summary.leaseLost + summary.abandoned,
    fannedOut,
    scheduled,
  };
}
