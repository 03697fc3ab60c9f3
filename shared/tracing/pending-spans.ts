import type { Context } from '@opentelemetry/api';
import type { ReadableSpan, Span, SpanProcessor } from '@opentelemetry/sdk-trace-base';

/**
 * Counts the spans ended since the last flush, so a flush with nothing to send costs nothing: at low
 * sampling most invocations record no span, and the SDK's forceFlush is not free.
 */
export class PendingSpans implements SpanProcessor {
  private ended = 0;

  constructor(private readonly inner: SpanProcessor) {}

  /** True when a span ended since the last flush. */
  any(): boolean {
    return this.ended > 0;
  }

  onStart(span: Span, parentContext: Context): void {
    this.inner.onStart(span, parentContext);
  }

  onEnd(span: ReadableSpan): void {
    this.ended++;
    this.inner.onEnd(span);
  }

  forceFlush(): Promise<void> {
    this.ended = 0;
    return this.inner.forceFlush();
  }

  shutdown(): Promise<void> {
    return this.inner.shutdown();
  }
}
