import type { ExportResult } from '@opentelemetry/core';
import type { ReadableSpan, SpanExporter, TimedEvent } from '@opentelemetry/sdk-trace';
import { redactAttributes, redactText, type RedactionPolicy } from './redaction';

/**
 * Applies redaction and the attribute allowlist to every span on its way out: span, event (exception
 * messages included) and link attributes, and the status message. Trace and span ids, parentage,
 * links and the resource pass untouched: they stitch the trace together. Runs at export, off the hot path.
 */
export class RedactingSpanExporter implements SpanExporter {
  constructor(
    private readonly inner: SpanExporter,
    private readonly policy: RedactionPolicy,
  ) {}

  export(spans: ReadableSpan[], resultCallback: (result: ExportResult) => void): void {
    this.inner.export(
      spans.map((span) => this.redact(span)),
      resultCallback,
    );
  }

  shutdown(): Promise<void> {
    return this.inner.shutdown();
  }

  forceFlush(): Promise<void> {
    return this.inner.forceFlush?.() ?? Promise.resolve();
  }

  private redact(span: ReadableSpan): ReadableSpan {
    const policy = this.policy;
    const events: TimedEvent[] = span.events.map((e) => (e.attributes ? { ...e, attributes: redactAttributes(e.attributes, policy) } : e));
    const message = span.status.message;
    // A view of the span with the cleaned fields; everything else (ids, times, resource) reads through.
    return Object.create(span, {
      attributes: { value: redactAttributes(span.attributes, policy) },
      events: { value: events },
      links: { value: span.links.map((l) => (l.attributes ? { ...l, attributes: redactAttributes(l.attributes, policy) } : l)) },
      status: { value: message && policy.redactSensitive ? { ...span.status, message: redactText(message) } : span.status },
    }) as ReadableSpan;
  }
}
