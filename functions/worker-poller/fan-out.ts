import { context, SpanKind, trace } from '@opentelemetry/api';
import { invokeTraced, type InvokeDeps } from './invoke';
import { errorFields, log } from '../../shared/log';
import type { QueueStatsEntry } from '../../shared/queue';
import type { Services } from '../../shared/services';
import { PollerAttr, SpanNames } from '../../shared/tracing/names';

/**
 * How many more pollers a backlog calls for: one per `backlog` waiting jobs beyond the first batch, at
 * most `max`. 0 when fan-out is off or nothing much waits.
 */
export function fanOutCount(waiting: number, backlog: number, max: number): number {
  if (backlog <= 0 || max <= 0 || waiting <= backlog) return 0;
  return Math.min(max, Math.floor(waiting / backlog));
}

/**
 * The waiting jobs more pollers could take now: none of a paused queue, and no more than a concurrency
 * limit leaves room for (a rate limit is left to the pollers: its window moves on while they run).
 */
export function takeable(q: QueueStatsEntry): number {
  if (q.paused) return 0;
  return q.limits.concurrency === null ? q.waiting : Math.min(q.waiting, Math.max(0, q.limits.concurrency - q.active));
}

/**
 * Starts more pollers (asynchronous invocations of this function) when the backlog is large, each
 * carrying the trace, so the fan-out reads as part of the scheduled poller's trace. Failures are logged:
 * the scheduled pollers keep draining anyway.
 */
export async function fanOut(rt: Services, aws: InvokeDeps, queues: readonly string[]): Promise<number> {
  const { functionName, fanOutBacklog, maxFanOut } = rt.config.poller;
  if (!functionName || fanOutBacklog <= 0 || maxFanOut <= 0) return 0;
  const stats = await rt.admin.stats();
  const waiting = stats.queues.filter((q) => queues.includes(q.name)).reduce((n, q) => n + takeable(q), 0);
  const count = fanOutCount(waiting, fanOutBacklog, maxFanOut);
  if (count === 0) return 0;
  const span = rt.tracing.startSpan(SpanNames.fanOut, { kind: SpanKind.INTERNAL });
  if (span.isRecording()) span.setAttributes({ [PollerAttr.backlog]: waiting, [PollerAttr.fanOutCount]: count });
  const results = await context.with(trace.setSpan(context.active(), span), () =>
    Promise.allSettled(
      Array.from({ length: count }, (_, i) =>
        invokeTraced(
          aws,
          functionName,
          { fanOut: true },
          { type: 'Event', spanName: SpanNames.invoke(functionName), attributes: { [PollerAttr.fanOutIndex]: i } },
        ),
      ),
    ),
  );
  span.end();
  const failed = results.filter((r) => r.status === 'rejected');
  if (failed.length > 0)
    log('warn', 'fan-out invocations failed', { failed: failed.length, ...errorFields((failed[0] as PromiseRejectedResult).reason) });
  return count - failed.length;
}
