import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import {
  audit,
  deadLetters,
  deleteScheduler,
  getScheduler,
  info,
  listJobs,
  listSchedulers,
  pauseOrResume,
  peek,
  purge,
  putScheduler,
  requeue,
  setLimits,
  stats,
  type Actor,
} from './services';
import { matchRoute, type Route } from '../../shared/http/routing';
import { json } from '../../shared/http/responses';
import { httpErrors } from '../../shared/middleware/http-errors';
import { traced } from '../../shared/middleware/tracing';
import type { Services } from '../../shared/services';
import type { Tracing } from '../../shared/tracing';
import {
  actorOf,
  countParam,
  jobIdParam,
  limitsRequest,
  listRequest,
  platformParam,
  purgeReason,
  queueParam,
  reasonRequest,
  requeueRequest,
  schedulerParam,
  schedulerRequest,
} from './requests';

const MAX_PEEK = 100;
const MAX_AUDIT = 500;

export interface AdminDeps {
  readonly tracing: Tracing;
  readonly runtime: () => Promise<Services>;
}

type Work = (rt: Services) => Promise<unknown>;
/** Parses a request into the work it asks for; a bad request is refused before Redis is touched. */
type Parse = (event: APIGatewayProxyEvent, params: Readonly<Record<string, string>>, actor: Actor) => Work;

const ROUTES: readonly Route<Parse>[] = [
  { method: 'GET', resource: '/admin/stats', handler: () => (rt) => stats(rt) },
  {
    method: 'GET',
    resource: '/admin/queues/{queue}/peek',
    handler: (event, params) => {
      const queue = queueParam(params);
      const count = countParam(event, MAX_PEEK, 10);
      const platform = platformParam(event);
      return (rt) => peek(rt, queue, count, platform);
    },
  },
  {
    method: 'GET',
    resource: '/admin/jobs',
    handler: (event) => {
      const { state, queue } = listRequest(event);
      const count = countParam(event, MAX_PEEK, 20);
      const platform = platformParam(event);
      return (rt) => listJobs(rt, state, queue, count, platform);
    },
  },
  {
    method: 'GET',
    resource: '/admin/jobs/{id}',
    handler: (event, params) => {
      const id = jobIdParam(params);
      const platform = platformParam(event);
      return (rt) => info(rt, id, platform);
    },
  },
  {
    method: 'GET',
    resource: '/admin/dlq',
    handler: (event) => {
      const count = countParam(event, MAX_PEEK, 10);
      const platform = platformParam(event);
      return (rt) => deadLetters(rt, count, platform);
    },
  },
  {
    method: 'POST',
    resource: '/admin/queues/{queue}/purge',
    handler: (event, params, actor) => {
      const queue = queueParam(params);
      const reason = purgeReason(event, 'CONFIRM_DELETE');
      return (rt) => purge(rt, { queue }, reason, actor);
    },
  },
  {
    method: 'POST',
    resource: '/admin/dlq/purge',
    handler: (event, _params, actor) => {
      const reason = purgeReason(event, 'CONFIRM_DELETE');
      return (rt) => purge(rt, 'dlq', reason, actor);
    },
  },
  {
    method: 'POST',
    resource: '/admin/purge',
    handler: (event, _params, actor) => {
      const reason = purgeReason(event, 'CONFIRM_DELETE_ALL');
      return (rt) => purge(rt, 'all', reason, actor);
    },
  },
  {
    method: 'POST',
    resource: '/admin/dlq/requeue',
    handler: (event, _params, actor) => {
      const { target, reason } = requeueRequest(event);
      return (rt) => requeue(rt, target, reason, actor);
    },
  },
  {
    method: 'POST',
    resource: '/admin/queues/{queue}/pause',
    handler: (event, params, actor) => {
      const queue = queueParam(params);
      const reason = reasonRequest(event);
      return (rt) => pauseOrResume(rt, 'pause', queue, reason, actor);
    },
  },
  {
    method: 'POST',
    resource: '/admin/queues/{queue}/resume',
    handler: (event, params, actor) => {
      const queue = queueParam(params);
      const reason = reasonRequest(event);
      return (rt) => pauseOrResume(rt, 'resume', queue, reason, actor);
    },
  },
  {
    method: 'PUT',
    resource: '/admin/queues/{queue}/limits',
    handler: (event, params, actor) => {
      const queue = queueParam(params);
      const { limits, reason } = limitsRequest(event);
      return (rt) => setLimits(rt, queue, limits, reason, actor);
    },
  },
  { method: 'GET', resource: '/admin/schedulers', handler: () => (rt) => listSchedulers(rt) },
  {
    method: 'GET',
    resource: '/admin/schedulers/{name}',
    handler: (_event, params) => {
      const name = schedulerParam(params);
      return (rt) => getScheduler(rt, name);
    },
  },
  {
    method: 'PUT',
    resource: '/admin/schedulers/{name}',
    handler: (event, params, actor) => {
      const { definition, reason } = schedulerRequest(event, schedulerParam(params));
      return (rt) => putScheduler(rt, definition, reason, actor);
    },
  },
  {
    method: 'DELETE',
    resource: '/admin/schedulers/{name}',
    handler: (event, params, actor) => {
      const name = schedulerParam(params);
      const reason = reasonRequest(event);
      return (rt) => deleteScheduler(rt, name, reason, actor);
    },
  },
  {
    method: 'GET',
    resource: '/admin/audit',
    handler: (event) => {
      const count = countParam(event, MAX_AUDIT, 50);
      return (rt) => audit(rt, count);
    },
  },
];

/**
 * The operators' API behind API Gateway (IAM-authorised there, and refused here without an authenticated
 * caller, should the API ever be deployed open): stats, peek, job info, dead letters, purges, requeue and
 * the audit trail. Thin: routing and parsing here, the work in ./services, each
 * operation in its own `admin.<op>` span below the invocation span.
 */
export function createAdminHandler(deps: AdminDeps) {
  return traced(
    async (event: APIGatewayProxyEvent): Promise<APIGatewayProxyResult> => {
      // Before routing: an unauthenticated caller learns nothing, not even which routes exist.
      const actor = actorOf(event);
      const { handler, params } = matchRoute(ROUTES, event);
      const work = handler(event, params, actor);
      return json(200, await work(await deps.runtime()));
    },
    { tracing: deps.tracing },
  ).use(httpErrors({ name: 'admin' }));
}
