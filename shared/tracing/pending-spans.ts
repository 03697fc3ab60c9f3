import { createContextKey, type Context } from '@opentelemetry/api';
import type { ReadableSpan, Span, SpanProcessor } from '@opentelemetry/sdk-trace';

/** Spans recorded under one scope (an invocation): its flush need not wait when there are none. */
class Tally {
  recorded = 0;
}

const TALLY = createContextKey('traced-queue.span-tally');

/**
 * Counts recorded spans, so a flush with nothing of its own to send costs nothing: at low sampling most
 * invocations record no span, the SDK's forceFlush is not free, and where invocations overlap in one
 * process (the local pipeline, multi-concurrency Lambda) an unsampled one should not wait for another's
 * export. Spans started under a scope (see `scope`) count for it; any other span counts for everyone.
 */
export class PendingSpans implements SpanProcessor {
  private ended = 0;
  private unscopedEnded = 0;
  private readonly unscoped = new WeakSet<Span | ReadableSpan>();

  constructor(private readonly inner: SpanProcessor) {}

  /** A context under which recorded spans are counted for `flushNeeded(context)`. */
  static scope(parent: Context): Context {
    return parent.setValue(TALLY, new Tally());
  }

  /** True when a span ended since the last flush (with `scope`: one of the scope's or an unscoped one). */
  flushNeeded(scope?: Context): boolean {
    if (!scope) return this.ended > 0;
    const tally = scope.getValue(TALLY) as Tally | undefined;
    return this.unscopedEnded > 0 || (tally ? tally.recorded > 0 : this.ended > 0);
  }

  onStart(span: Span, parentContext: Context): void {
    const tally = parentContext.getValue(TALLY) as Tally | undefined;
    if (tally) tally.recorded++;
    else this.unscoped.add(span);
    this.inner.onStart(span, parentContext);
  }

  onEnd(span: ReadableSpan): void {
    this.ended++;
    if (this.unscoped.has(span)) this.unscopedEnded++;
    this.inner.onEnd(span);
  }

  forceFlush(): Promise<void> {
    this.ended = 0;
    this.unscopedEnded = 0;
    return this.inner.forceFlush();
  }

  shutdown(): Promise<void> {
    return this.inner.shutdown();
  }
}
