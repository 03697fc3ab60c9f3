import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import { HttpError } from '../../shared/http/errors';
import { header, jsonBody } from '../../shared/http/request';
import { json } from '../../shared/http/responses';
import { matchRoute, type Route } from '../../shared/http/routing';
import { enqueueTraced } from './enqueue';
import { cancelJob, jobIdOf, jobStatus } from './status';
import { checkJobType, knownJobTypes } from '../../shared/jobs/job-types';
import { batchBodySchema, checkSchema, jobBodySchema } from '../../shared/jobs/schema';
import { httpErrors } from '../../shared/middleware/http-errors';
import { traced } from '../../shared/middleware/tracing';
import type { JobInput } from '../../shared/queue';
import { IDEMPOTENCY_HEADER_MAX, IDEMPOTENCY_HEADER_PATTERN } from '../../shared/queue/limits';
import type { Services } from '../../shared/services';
import type { Tracing } from '../../shared/tracing';

/** Lambda's synchronous payload limit: no batch body can be bigger than the function may receive. */
const MAX_BATCH_BODY = 6 * 1024 * 1024;
/** Room for a job's other fields around its payload. */
const FIELDS_OVERHEAD = 16 * 1024;

export interface EnqueueDeps {
  readonly tracing: Tracing;
  /** The function's services; `current` (as lazyServices has it) spares a warm request the await. */
  readonly runtime: (() => Promise<Services>) & { current?(): Services | undefined };
}

const ROUTES: readonly Route<'single' | 'batch' | 'status' | 'cancel'>[] = [
  { method: 'POST', resource: '/jobs', handler: 'single' },
  { method: 'POST', resource: '/jobs/batch', handler: 'batch' },
  { method: 'GET', resource: '/jobs/{id}', handler: 'status' },
  { method: 'DELETE', resource: '/jobs/{id}', handler: 'cancel' },
];

/** A type no processor of this deployment runs would only reach the dead-letter queue later: refused now. */
function checkTypes(inputs: readonly JobInput[], known: ReadonlySet<string> | undefined, batch: boolean): void {
  if (known) inputs.forEach((input, i) => checkJobType(known, input.type, batch ? `jobs[${i}].type` : 'type'));
}

/**
 * The producers' API. POST /jobs and POST /jobs/batch: validate, enqueue under a `queue.enqueue` span
 * per job, answer 202 only once Redis holds the job. GET /jobs/{id}: the job's status and result.
 * DELETE /jobs/{id}: cancel a job that has not started. Thin: the work is in ./enqueue and ./status;
 * errors answer through httpErrors.
 */
export function createEnqueueHandler(deps: EnqueueDeps) {
  let known: { types: ReadonlySet<string> | undefined } | undefined;
  return traced(
    async (event: APIGatewayProxyEvent): Promise<APIGatewayProxyResult> => {
      const { handler: kind, params } = matchRoute(ROUTES, event);
      const rt = deps.runtime.current?.() ?? (await deps.runtime());
      if (kind === 'status') return json(200, await jobStatus(rt, jobIdOf(params)));
      if (kind === 'cancel') return json(200, await cancelJob(rt, jobIdOf(params)));
      const { maxPayloadBytes, maxBatchSize } = rt.queue.options;
      const body = jsonBody(
        event,
        kind === 'batch' ? Math.min(MAX_BATCH_BODY, maxBatchSize * (maxPayloadBytes + FIELDS_OVERHEAD)) : maxPayloadBytes + FIELDS_OVERHEAD,
      );
      checkSchema(body, kind === 'batch' ? batchBodySchema : jobBodySchema);
      const key = header(event, 'idempotency-key');
      if (key !== undefined && !IDEMPOTENCY_HEADER_PATTERN.test(key)) {
        throw new HttpError(
          400,
          'invalid_header',
          `Idempotency-Key must be 1 to ${IDEMPOTENCY_HEADER_MAX} printable ASCII characters without spaces`,
          'Idempotency-Key',
        );
      }
      const inputs = kind === 'batch' ? (body as { jobs: JobInput[] }).jobs : [body as JobInput];
      known ??= { types: knownJobTypes(rt.config) };
      checkTypes(inputs, known.types, kind === 'batch');
      const jobs = await enqueueTraced(rt, inputs, { batch: kind === 'batch', ...(key ? { idempotencyKey: key } : {}) });
      return json(202, kind === 'batch' ? { jobs } : jobs[0]);
    },
    { tracing: deps.tracing },
  ).use(httpErrors({ name: 'enqueue' }));
}
