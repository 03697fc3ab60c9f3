import { isSpanContextValid, ROOT_CONTEXT, trace, TraceFlags } from '@opentelemetry/api';
import type { Job, JobInfo } from '../../../shared/queue';
import { traceActions, traceUrl, type ActionPlatform, type TraceAction, type TraceViewer, type Tracing } from '../../../shared/tracing';

/** Where a job's trace is and what a person can do with it. */
export interface JobTrace {
  readonly traceId: string;
  /** The job's enqueue span: every later step of the job hangs below it. */
  readonly spanId: string;
  readonly sampled: boolean;
  /** Absent with no viewer configured, and for unsampled traces (they were never exported). */
  readonly url?: string;
  readonly actions: readonly TraceAction[];
}

export type PresentedJob = Omit<Job, 'trace' | 'payload' | 'failureTrace'> & {
  readonly payload?: unknown;
  readonly trace: JobTrace | null;
  /** Where its failures were recorded, when its own trace was not sampled. */
  readonly failureTrace?: JobTrace | null;
};

export type PresentedInfo = Omit<JobInfo, 'job'> & { readonly job: PresentedJob };

const NO_VIEWER: TraceViewer = { kind: 'none' };

/** The trace a job's carrier points at, or null when it holds no valid trace context. */
export function jobTrace(tracing: Tracing, carrier: unknown, platform: ActionPlatform): JobTrace | null {
  // Extract onto ROOT_CONTEXT: onto the active one, a job without a carrier would show this request's trace.
  const spanContext = trace.getSpanContext(tracing.extract(carrier, ROOT_CONTEXT));
  if (!spanContext || !isSpanContextValid(spanContext)) return null;
  const { traceId, spanId } = spanContext;
  const sampled = (spanContext.traceFlags & TraceFlags.SAMPLED) === TraceFlags.SAMPLED;
  // Only a sampled trace can be opened; an unsampled one still gets its id to copy and view.
  const viewer = sampled ? tracing.config.viewer : NO_VIEWER;
  const url = traceUrl(viewer, traceId);
  return { traceId, spanId, sampled, ...(url ? { url } : {}), actions: traceActions(viewer, traceId, platform) };
}

/**
 * A job for the admin API: its carrier replaced by its trace. Payloads only on request: a peek of 100
 * jobs with 256 KiB payloads would pass Lambda's 6 MB response limit.
 */
export function presentJob(tracing: Tracing, job: Job, platform: ActionPlatform, withPayload: boolean): PresentedJob {
  const { trace: carrier, payload, failureTrace, ...rest } = job;
  return {
    ...rest,
    ...(withPayload ? { payload } : {}),
    trace: jobTrace(tracing, carrier, platform),
    ...(failureTrace ? { failureTrace: jobTrace(tracing, failureTrace, platform) } : {}),
  };
}

export function presentInfo(tracing: Tracing, info: JobInfo, platform: ActionPlatform): PresentedInfo {
  return { ...info, job: presentJob(tracing, info.job, platform, true) };
}
