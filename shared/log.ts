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
 * One JSON record as one line on stdout (stderr: `error`), written past Lambda's console. With the JSON log
 * format the stack sets, Lambda wraps console output in a record of its own, which would bury these fields
 * (and EMF, which CloudWatch reads only at the top level) inside its `message`; a line written to the stream
 * is kept as written, and Lambda filters it by its `level`, as it does Powertools' lines.
 */
export function writeRecord(record: object, stream: 'stdout' | 'stderr' = 'stdout'): void {
  process[stream].write(`${JSON.stringify(record)}\n`);
}

/**
 * Structured logs in the shape of Lambda's JSON log format (`timestamp`, `level`, `requestId`, `message`),
 * at or above the configured level, with the active trace id, so a log line leads to its invocation and
 * its trace. Messages go through the same redaction as spans; request bodies and secrets are never passed here.
 */
export function log(level: Level, message: string, fields: Record<string, unknown> = {}): void {
  if (RANK[level] < threshold()) return;
  const span = trace.getActiveSpan()?.spanContext();
  const id = requestId();
  const record = {
    timestamp: new Date().toISOString(),
    level: level.toUpperCase(),
    ...(id ? { requestId: id } : {}),
    message: redactText(message),
    ...fields,
    ...(span && span.traceId !== '0'.repeat(32) ? { traceId: span.traceId, spanId: span.spanId } : {}),
  };
  writeRecord(record, level === 'error' ? 'stderr' : 'stdout');
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
