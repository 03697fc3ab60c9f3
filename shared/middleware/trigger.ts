import type { APIGatewayProxyEvent } from 'aws-lambda';
import type { Carrier } from '../tracing/propagation';

/** What started an invocation, as far as tracing cares. */
export type Trigger =
  | { readonly kind: 'http'; readonly event: APIGatewayProxyEvent }
  /** An async invoke carrying a trace carrier: a job (dlq, processor targets) or a fanned-out poller. */
  | { readonly kind: 'carrier'; readonly carrier: Carrier }
  | { readonly kind: 'schedule'; readonly source: string }
  | { readonly kind: 'other' };

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** The carrier an event brings: `{ trace }` or `{ job: { trace } }` (the shapes our functions send). */
export function eventCarrier(event: Record<string, unknown>): Carrier | undefined {
  const candidate = isObject(event.trace) ? event.trace : isObject(event.job) && isObject(event.job.trace) ? event.job.trace : undefined;
  return candidate as Carrier | undefined;
}

/**
 * An HTTP request's headers as one carrier, names lower-cased. API Gateway's `headers` keeps only the last
 * value of a repeated header, `multiValueHeaders` keeps them all: repeated values are combined into one,
 * comma-separated, as HTTP does (RFC 9110 §5.3) and W3C Trace Context expects — two `tracestate` headers
 * are one list (empty ones add nothing), two `traceparent` headers an invalid one, so the trace restarts.
 */
export function requestCarrier(event: Pick<APIGatewayProxyEvent, 'headers' | 'multiValueHeaders'>): Carrier {
  // The common case, no header repeated: `headers` says it all, and nothing is built per request.
  if (!hasRepeated(event.multiValueHeaders)) return (event.headers ?? {}) as Carrier;
  // No prototype: a header may be named `__proto__` or `constructor`.
  const carrier = Object.create(null) as Carrier;
  for (const [name, values] of Object.entries(event.multiValueHeaders ?? {})) {
    if (!Array.isArray(values) || values.length === 0) continue;
    const key = name.toLowerCase();
    const joined = values.map(String).join(',');
    carrier[key] = carrier[key] === undefined ? joined : `${carrier[key]},${joined}`;
  }
  // Hand-made events may carry only `headers`; what multiValueHeaders has is already complete.
  for (const [name, value] of Object.entries(event.headers ?? {})) {
    const key = name.toLowerCase();
    if (typeof value === 'string' && carrier[key] === undefined) carrier[key] = value;
  }
  return carrier;
}

/** Whether any header came more than once (API Gateway groups repeated values under one name). */
function hasRepeated(multi: APIGatewayProxyEvent['multiValueHeaders'] | null | undefined): boolean {
  for (const name in multi) if ((multi[name]?.length ?? 0) > 1) return true;
  return false;
}

export function classify(event: unknown): Trigger {
  if (!isObject(event)) return { kind: 'other' };
  if (typeof event.httpMethod === 'string' && isObject(event.requestContext))
    return { kind: 'http', event: event as unknown as APIGatewayProxyEvent };
  if (event['detail-type'] === 'Scheduled Event' || event.source === 'aws.events' || event.source === 'aws.scheduler') {
    return { kind: 'schedule', source: String(event.source) };
  }
  const carrier = eventCarrier(event);
  return carrier ? { kind: 'carrier', carrier } : { kind: 'other' };
}
