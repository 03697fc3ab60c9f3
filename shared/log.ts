import { trace } from '@opentelemetry/api';
import { redactText } from './tracing/redaction';

type Level = 'debug' | 'info' | 'warn' | 'error';

const RANK: Readonly<Record<Level, number>> = { debug: 10, info: 20, warn: 30, error: 40 };

/**
 * The lowest level written: Lambda's application log level when the function sets one
 * (AWS_LAMBDA_LOG_LEVEL, as Powertools reads it), else LOG_LEVEL, else info. Read per line: logs are rare.
 */
function threshold(): number {
  const name = (process.env.AWS_LAMBDA_LOG_LEVEL ?? process.env.LOG_LEVEL ?? 'info').toLowerCase();
  return name === 'trace' ? RANK.debug : (RANK[name as Level] ?? RANK.info);
}

/** The invocation's request id, from Lambda's invoke store (set per invocation, also under multi-concurrency). */
function requestId(): string | undefined {
  const store = (globalThis as { awslambda?: { InvokeStore?: { hasContext?(): boolean; getRequestId?(): string } } }).awslambda
    ?.InvokeStore;
  if (!store?.hasContext?.()) return undefined;
  const id = store.getRequestId?.();
  return id && id !== '-' ? id : undefined;
}

/**
 * Structured logs: one JSON object per line (CloudWatch Logs Insights reads them as fields), at or above
 * the configured level, with the invocation's request id and the active trace id, so a log line leads to
 * its invocation and its trace. Messages go through the same redaction as spans;
 * request bodies and secrets are never passed here.
 */
export function log(level: Level, message: string, fields: Record<string, unknown> = {}): void {
  if (RANK[level] < threshold()) return;
  const span = trace.getActiveSpan()?.spanContext();
  const id = requestId();
  const line = {
    level,
    message: redactText(message),
    ...fields,
    ...(id ? { requestId: id } : {}),
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
