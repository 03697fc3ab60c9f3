import { context, SpanKind, trace, type Attributes, type Span } from '@opentelemetry/api';
import { Attr, recordFailure, SpanNames, type AdminOperation, type Tracing } from '../../../shared/tracing';

/** Sets attributes only on a recording span: unsampled requests stay cheap. */
export function annotate(span: Span, attributes: Attributes): void {
  if (span.isRecording()) span.setAttributes(attributes);
}

/**
 * Runs one admin operation in its `admin.<op>` span, a child of the active (invocation) context, active
 * while the work runs; a failure is recorded on the span and rethrown.
 */
export async function inAdminSpan<T>(tracing: Tracing, op: AdminOperation, attributes: Attributes, work: (span: Span) => Promise<T>): Promise<T> {
  const span = tracing.startSpan(SpanNames.admin(op), { kind: SpanKind.INTERNAL });
  annotate(span, { [Attr.queueOperation]: op, ...attributes });
  try {
    return await context.with(trace.setSpan(context.active(), span), () => work(span));
  } catch (error) {
    recordFailure(span, error);
    throw error;
  } finally {
    span.end();
  }
}
