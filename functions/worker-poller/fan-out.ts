import { context, SpanKind, trace } from '@opentelemetry/api';
import { invokeTraced, type InvokeDeps } from './invoke';
import { errorFields, log } from '../../shared/log';
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
 * Starts more pollers (asynchronous invocations of this function) when the backlog is large, each
 * carrying the trace, so the fan-out reads as part of the scheduled poller's trace. Failures are logged:
 * the scheduled pollers keep draining anyway.
 */
export async function fanOut(rt: Services, aws: InvokeDeps, queues: readonly string[]): Promise<number> {
  const { functionName, fanOutBacklog, maxFanOut } = rt.config.poller;
  if (!functionName || fanOutBacklog <= 0 || maxFanOut <= 0) return 0;
  const stats = await rt.admin.stats();
  const waiting = stats.queues.filter((q) => queues.includes(q.name)).reduce((n, q) => n + q.waiting, 0);
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
