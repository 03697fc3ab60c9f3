import type { APIGatewayProxyEvent } from 'aws-lambda';
import type { Actor, ListedState, RequeueTarget } from './services';
import type { QueueLimits } from '../../shared/queue';
import type { SchedulerDefinition } from '../../shared/queue/schedulers';
import { HttpError } from '../../shared/http/errors';
import { jsonBody } from '../../shared/http/request';
import { fieldPath, JOB_ID_PATTERN, NAME_PATTERN, RESERVED_FIELD_NAMES } from '../../shared/queue';
import type { ActionPlatform } from '../../shared/tracing';

/** 1000 job ids and a reason fit in well under this. */
const MAX_BODY_BYTES = 64 * 1024;
export const MAX_REQUEUE_IDS = 1000;
const REASON_LENGTH = { min: 3, max: 500 } as const;
const PLATFORMS: readonly ActionPlatform[] = ['darwin', 'linux', 'win32'];

export type Confirmation = 'CONFIRM_DELETE' | 'CONFIRM_DELETE_ALL';

const invalid = (field: string, message: string) => new HttpError(400, 'invalid_request', `${field}: ${message}`, field);
const present = (v: string | null | undefined): string | undefined => (v ? v : undefined);

export function queueParam(params: Readonly<Record<string, string>>): string {
  const queue = params.queue ?? '';
  if (!NAME_PATTERN.test(queue)) throw invalid('queue', `must match ${NAME_PATTERN}`);
  return queue;
}

export function schedulerParam(params: Readonly<Record<string, string>>): string {
  const name = params.name ?? '';
  if (!NAME_PATTERN.test(name)) throw invalid('name', `must match ${NAME_PATTERN}`);
  return name;
}

export function jobIdParam(params: Readonly<Record<string, string>>): string {
  const id = params.id ?? '';
  if (!JOB_ID_PATTERN.test(id)) throw invalid('id', 'is not a job id (26 characters, Crockford base32)');
  return id;
}

/** `?count=N`: an integer from 1 to `max`, `fallback` when absent. */
export function countParam(event: APIGatewayProxyEvent, max: number, fallback: number): number {
  const raw = event.queryStringParameters?.count;
  if (raw === undefined || raw === null) return fallback;
  const n = /^\d{1,7}$/.test(raw) ? Number(raw) : NaN;
  if (!(n >= 1 && n <= max)) throw invalid('count', `must be an integer from 1 to ${max}`);
  return n;
}

/**
 * `?platform=darwin|linux|win32`: whose shell the trace commands are written for. The API cannot know
 * the caller's OS (this process is always Linux, and User-Agent says nothing about the shell a command
 * is pasted into), so the caller says; Linux by default.
 */
export function platformParam(event: APIGatewayProxyEvent): ActionPlatform {
  const raw = event.queryStringParameters?.platform;
  if (raw === undefined || raw === null) return 'linux';
  const platform = PLATFORMS.find((p) => p === raw);
  if (!platform) throw invalid('platform', `must be one of ${PLATFORMS.join(', ')}`);
  return platform;
}

/**
 * The caller API Gateway authenticated: with IAM, the user or role ARN, else the caller id, else the
 * caller's account (identity.accountId, not requestContext.accountId, which is the API owner's); with a
 * Lambda or Cognito authorizer, its principal id or the token's subject. None: 403 — the admin routes are
 * never open, even if the API in front of them is deployed without authorization.
 */
export function actorOf(event: APIGatewayProxyEvent): Actor {
  const identity = event.requestContext?.identity;
  const authorizer = event.requestContext?.authorizer as { principalId?: unknown; claims?: { sub?: unknown } } | null | undefined;
  const text = (v: unknown) => (typeof v === 'string' ? present(v) : undefined);
  const principal =
    present(identity?.userArn) ??
    present(identity?.caller) ??
    present(identity?.accountId) ??
    text(authorizer?.principalId) ??
    text(authorizer?.claims?.sub);
  if (!principal) throw new HttpError(403, 'forbidden', 'admin requests must be authenticated (IAM, Cognito or a Lambda authorizer)');
  const requestId = present(event.requestContext?.requestId);
  return { principal, ...(requestId ? { requestId } : {}) };
}

/** A JSON object body holding only `allowed` fields: a stray field on a destructive request is a mistake to stop. */
function objectBody(event: APIGatewayProxyEvent, allowed: readonly string[]): Record<string, unknown> {
  const body = jsonBody(event, MAX_BODY_BYTES);
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw invalid('body', 'must be a JSON object');
  for (const key of Object.keys(body)) {
    if (RESERVED_FIELD_NAMES.has(key)) throw invalid(fieldPath('', key), 'is a reserved name, never a field');
    if (!allowed.includes(key)) throw invalid(fieldPath('', key), 'is not a field of this request');
  }
  return body as Record<string, unknown>;
}

function reasonOf(value: unknown): string {
  const reason = typeof value === 'string' ? value.trim() : undefined;
  const length = reason === undefined ? 0 : [...reason].length; // code points: an emoji is one character
  if (reason === undefined || length < REASON_LENGTH.min || length > REASON_LENGTH.max) {
    throw invalid('reason', `must be a string of ${REASON_LENGTH.min} to ${REASON_LENGTH.max} characters saying why`);
  }
  return reason;
}

/** The reason of a purge, once its body carries the confirmation word `expected`. */
export function purgeReason(event: APIGatewayProxyEvent, expected: Confirmation): string {
  const body = objectBody(event, ['confirmation', 'reason']);
  if (body.confirmation !== expected) throw invalid('confirmation', `must be "${expected}"`);
  return reasonOf(body.reason);
}

/** `{ ids }` (at most 1000) or `{ all: true }`, with an optional reason ('' when absent). */
export function requeueRequest(event: APIGatewayProxyEvent): { target: RequeueTarget; reason: string } {
  const body = objectBody(event, ['ids', 'all', 'reason']);
  const reason = body.reason === undefined ? '' : reasonOf(body.reason);
  if ((body.ids === undefined) === (body.all === undefined)) throw invalid('body', 'give either "ids" or "all": true');
  if (body.all !== undefined) {
    if (body.all !== true) throw invalid('all', 'must be true');
    return { target: { all: true }, reason };
  }
  const ids = body.ids;
  if (!Array.isArray(ids) || ids.length < 1 || ids.length > MAX_REQUEUE_IDS)
    throw invalid('ids', `must be an array of 1 to ${MAX_REQUEUE_IDS} job ids`);
  ids.forEach((id, i) => {
    if (typeof id !== 'string' || !JOB_ID_PATTERN.test(id)) throw invalid(`ids[${i}]`, 'is not a job id');
  });
  return { target: { ids: ids as string[] }, reason };
}

/** `{ reason }`: pause and resume, and deleting a scheduler, say why. */
export function reasonRequest(event: APIGatewayProxyEvent): string {
  return reasonOf(objectBody(event, ['reason']).reason);
}

const positive = (field: string, value: unknown, max: number): number => {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 1 || value > max)
    throw invalid(field, `must be an integer from 1 to ${max}`);
  return value;
};

/**
 * `{ concurrency, rate: { max, perMs }, reason }`: the queue's limits as they are to be (a limit left out
 * or null is lifted).
 */
export function limitsRequest(event: APIGatewayProxyEvent): { limits: QueueLimits; reason: string } {
  const body = objectBody(event, ['concurrency', 'rate', 'reason']);
  const reason = reasonOf(body.reason);
  const concurrency =
    body.concurrency === undefined || body.concurrency === null ? null : positive('concurrency', body.concurrency, 1_000_000);
  let rate: QueueLimits['rate'] = null;
  if (body.rate !== undefined && body.rate !== null) {
    const r = body.rate as Record<string, unknown>;
    if (typeof r !== 'object' || Array.isArray(r)) throw invalid('rate', 'must be { "max": jobs, "perMs": window } or null');
    for (const key of Object.keys(r))
      if (key !== 'max' && key !== 'perMs') throw invalid(fieldPath('rate', key), 'is not a field of a rate');
    rate = { max: positive('rate.max', r.max, 1_000_000), perMs: positive('rate.perMs', r.perMs, 86_400_000) };
  }
  return { limits: { concurrency, rate }, reason };
}

/** `{ cron, timezone } | { everyMs }`, `job` and `reason`: a scheduler as it is to be (checked in full by the queue). */
export function schedulerRequest(event: APIGatewayProxyEvent, name: string): { definition: SchedulerDefinition; reason: string } {
  const body = objectBody(event, ['cron', 'timezone', 'everyMs', 'job', 'reason']);
  const reason = reasonOf(body.reason);
  const { reason: _reason, ...definition } = body;
  return { definition: { ...(definition as Omit<SchedulerDefinition, 'name'>), name }, reason };
}

const LISTED: readonly ListedState[] = ['waiting', 'delayed', 'active', 'dead', 'completed'];

/** `?state=…&queue=…`: which jobs GET /admin/jobs lists. */
export function listRequest(event: APIGatewayProxyEvent): { state: ListedState; queue?: string } {
  const q = event.queryStringParameters ?? {};
  const state = LISTED.find((s) => s === (q.state ?? 'waiting'));
  if (!state) throw invalid('state', `must be one of ${LISTED.join(', ')}`);
  if (q.queue !== undefined && q.queue !== null && !NAME_PATTERN.test(q.queue)) throw invalid('queue', `must match ${NAME_PATTERN}`);
  return { state, ...(q.queue ? { queue: q.queue } : {}) };
}
