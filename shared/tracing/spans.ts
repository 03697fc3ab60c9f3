import { context, SpanStatusCode, trace, type Attributes, type Span, type SpanKind } from '@opentelemetry/api';
import type { Tracing } from './tracing';

/**
 * Marks a span failed: the exception event (when there is an error to record) and an ERROR status with
 * `message`, else the error's own. The one way a failure is recorded on a span.
 */
export function recordFailure(span: Span, error: unknown, message?: string): void {
  if (!span.isRecording()) return;
  if (error !== undefined) span.recordException(error instanceof Error ? error : String(error));
  span.setStatus({ code: SpanStatusCode.ERROR, message: message ?? (error instanceof Error ? error.message : String(error)) });
}

/** Sets attributes only on a recording span: unsampled work stays cheap. */
export function annotate(span: Span, attributes: Attributes): void {
  if (span.isRecording()) span.setAttributes(attributes);
}

/**
 * Runs `work` in a span: a child of the active context, itself active while the work runs. A failure is
 * recorded on the span and rethrown; the span always ends. The one way a call is wrapped in a span.
 */
export async function withSpan<T>(
  tracing: Tracing,
  name: string,
  options: { readonly kind: SpanKind; readonly attributes?: Attributes },
  work: (span: Span) => Promise<T>,
): Promise<T> {
  const span = tracing.startSpan(name, { kind: options.kind });
  if (options.attributes) annotate(span, options.attributes);
  try {
    return await context.with(trace.setSpan(context.active(), span), () => work(span));
  } catch (error) {
    recordFailure(span, error);
    throw error;
  } finally {
    span.end();
  }
}
