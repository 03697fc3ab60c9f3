import type { Attributes } from '@opentelemetry/api';
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

  /** The span itself when the policy changes nothing in it (most spans), else a view with the cleaned fields. */
  private redact(span: ReadableSpan): ReadableSpan {
    const policy = this.policy;
    let changed = false;
    const clean = <T extends { attributes?: Attributes }>(item: T): T => {
      if (!item.attributes) return item;
      const attributes = redactAttributes(item.attributes, policy);
      if (attributes === item.attributes) return item;
      changed = true;
      return { ...item, attributes };
    };
    const attributes = redactAttributes(span.attributes, policy);
    const events: TimedEvent[] = span.events.map(clean);
    const links = span.links.map(clean);
    const message = span.status.message;
    const redactedMessage = message && policy.redactSensitive ? redactText(message) : message;
    if (!changed && attributes === span.attributes && redactedMessage === message) return span;
    // Everything else (ids, times, resource) reads through.
    return Object.create(span, {
      attributes: { value: attributes },
      events: { value: events },
      links: { value: links },
      status: { value: redactedMessage === message ? span.status : { ...span.status, message: redactedMessage } },
    }) as ReadableSpan;
  }
}
