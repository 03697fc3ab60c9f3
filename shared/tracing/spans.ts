import { SpanStatusCode, type Span } from '@opentelemetry/api';

/** Marks a span failed by `error`: the exception event and an ERROR status with its message. */
export function recordFailure(span: Span, error: unknown): void {
  if (!span.isRecording()) return;
  span.recordException(error instanceof Error ? error : String(error));
  span.setStatus({ code: SpanStatusCode.ERROR, message: error instanceof Error ? error.message : String(error) });
}
