import type { APIGatewayProxyResult } from 'aws-lambda';
import {
  BatchTooLargeError,
  EnqueueTooLateError,
  EnqueueUnconfirmedError,
  JobNotFoundError,
  JobStateError,
  JobValidationError,
  PayloadTooLargeError,
  QueueArgumentError,
  SchedulerNotFoundError,
} from '../queue';
import { isRedisUnavailable } from '../redis';
import { HttpError } from './errors';

const HEADERS = { 'Content-Type': 'application/json', 'Cache-Control': 'no-store' };

export function json(statusCode: number, body: unknown, headers: Record<string, string> = {}): APIGatewayProxyResult {
  return { statusCode, headers: { ...HEADERS, ...headers }, body: JSON.stringify(body) };
}

/**
 * The response for an error: the refusals a client can act on become 4xx with the field at fault;
 * anything else becomes a 500 or 503 that says nothing about the inside (the error is on the span and in
 * the log instead).
 */
export function errorResponse(error: unknown): APIGatewayProxyResult {
  if (error instanceof HttpError)
    return json(error.status, { error: error.code, message: error.message, ...(error.field !== undefined ? { field: error.field } : {}) });
  if (error instanceof PayloadTooLargeError) return json(413, { error: 'payload_too_large', message: error.message, field: error.field });
  if (error instanceof JobValidationError) return json(400, { error: 'invalid_job', message: error.message, field: error.field });
  if (error instanceof BatchTooLargeError) return json(413, { error: 'batch_too_large', message: error.message, field: 'jobs' });
  if (error instanceof QueueArgumentError) return json(400, { error: 'invalid_argument', message: error.message, field: error.argument });
  if (error instanceof JobNotFoundError) return json(404, { error: 'not_found', message: error.message });
  if (error instanceof SchedulerNotFoundError) return json(404, { error: 'not_found', message: error.message });
  if (error instanceof JobStateError) return json(409, { error: 'conflict', message: error.message, state: error.state });
  // Not "unavailable": the job may be in the queue, and the caller should know a retry needs the same key.
  if (error instanceof EnqueueUnconfirmedError)
    return json(
      503,
      {
        error: 'unconfirmed',
        message: 'the queue did not confirm the job; it may have been accepted: retry with the same Idempotency-Key',
        ids: error.jobIds,
      },
      { 'Retry-After': '1' },
    );
  if (isRedisUnavailable(error) || error instanceof EnqueueTooLateError)
    return json(503, { error: 'unavailable', message: 'the queue is unavailable; retry later' }, { 'Retry-After': '1' });
  return json(500, { error: 'internal', message: 'internal error' });
}
