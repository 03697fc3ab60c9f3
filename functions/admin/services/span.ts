import { SpanKind, type Attributes, type Span } from '@opentelemetry/api';
import { Attr, SpanNames, withSpan, type AdminOperation, type Tracing } from '../../../shared/tracing';

export { annotate } from '../../../shared/tracing';

/** Runs one admin operation in its `admin.<op>` span, a child of the invocation span. */
export function inAdminSpan<T>(tracing: Tracing, op: AdminOperation, attributes: Attributes, work: (span: Span) => Promise<T>): Promise<T> {
  return withSpan(
    tracing,
    SpanNames.admin(op),
    { kind: SpanKind.INTERNAL, attributes: { [Attr.queueOperation]: op, ...attributes } },
    work,
  );
}
