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
