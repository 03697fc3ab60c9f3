import { trace } from '@opentelemetry/api';
import { redactText } from './tracing/redaction';

type Level = 'debug' | 'info' | 'warn' | 'error';

/**
 * Structured logs: one JSON object per line (CloudWatch Logs Insights reads them as fields), with the
 * active trace id so a log line leads to its trace. Messages go through the same redaction as spans;
 * request bodies and secrets are never passed here.
 */
export function log(level: Level, message: string, fields: Record<string, unknown> = {}): void {
  const span = trace.getActiveSpan()?.spanContext();
  const line = {
    level,
    message: redactText(message),
    ...fields,
    ...(span && span.traceId !== '0'.repeat(32) ? { traceId: span.traceId, spanId: span.spanId } : {}),
    time: new Date().toISOString(),
  };
  (level === 'error' ? console.error : level === 'warn' ? console.warn : console.log)(JSON.stringify(line));
}

/** An error as log fields: its type and a redacted message, never a stack with local paths. */
export function errorFields(error: unknown): Record<string, unknown> {
  const e = error as { name?: unknown; message?: unknown; code?: unknown };
  return {
    errorType: typeof e?.name === 'string' ? e.name : typeof error,
    errorMessage: redactText(String(e?.message ?? error)),
    ...(typeof e?.code === 'string' ? { errorCode: e.code } : {}),
  };
}
