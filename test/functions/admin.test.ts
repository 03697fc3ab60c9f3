import { ROOT_CONTEXT, SpanKind, trace } from '@opentelemetry/api';
import type { APIGatewayProxyEvent } from 'aws-lambda';
import { createAdminHandler } from '../../functions/admin/app';
import type { JobInput } from '../../shared/queue';
import type { Services } from '../../shared/services';
import { apiGatewayEvent, lambdaContext } from '../support/lambda-events';
import { testServices, type TestServices } from '../support/services';
import { captureLogs } from '../support/logs';

const REQUEST_TRACE = '4bf92f3577b34da6a3ce929d0e0e4736';
const REQUEST_PARENT = '00f067aa0ba902b7';
const OPERATOR = 'arn:aws:sts::123456789012:assumed-role/queue-operator/alice';
const JAEGER = 'http://localhost:16686';
const UNKNOWN_ID = '01ARZ3NDEKTSV4RRFFQ69G5FAV';

let t: TestServices;
let rt: Services;
let admin: ReturnType<typeof createAdminHandler>;
let logs: ReturnType<typeof captureLogs>;
beforeEach(async () => {
  logs = captureLogs();
  t = testServices('producer', { TRACING_VIEWER: 'jaeger', TRACING_VIEWER_URL: JAEGER });
  admin = createAdminHandler({ tracing: t.tracing, runtime: t.runtime });
  rt = await t.runtime();
});
afterEach(async () => {
  logs.restore();
  await t.close();
});

interface CallOptions {
  method?: string;
  params?: Record<string, string>;
  query?: Record<string, string>;
  body?: unknown;
  raw?: string;
  headers?: Record<string, string>;
  identity?: Partial<APIGatewayProxyEvent['requestContext']['identity']>;
  authorizer?: Record<string, unknown>;
}

/** Calls the function as API Gateway does: the matched resource template, its path parameters, the concrete path. */
async function call(resource: string, o: CallOptions = {}) {
  const path = resource.replace(/\{(\w+)\}/g, (_, name: string) => encodeURIComponent(o.params?.[name] ?? ''));
  const event = apiGatewayEvent({
    method: o.method ?? 'GET',
    resource,
    path,
    pathParameters: o.params,
    query: o.query,
    userArn: OPERATOR,
    headers: { traceparent: `00-${REQUEST_TRACE}-${REQUEST_PARENT}-01`, ...o.headers },
    body: o.raw ?? (o.body === undefined ? null : JSON.stringify(o.body)),
  });
  Object.assign(event.requestContext.identity, o.identity);
  if (o.authorizer) event.requestContext.authorizer = o.authorizer;
  const response = await admin(event, lambdaContext({ functionName: 'tq-admin' }));
  return { status: response.statusCode, headers: response.headers, body: JSON.parse(response.body) as Record<string, any> }; // eslint-disable-line @typescript-eslint/no-explicit-any
}

/** A job whose carrier holds a producer span's context, as the enqueue function writes it. */
async function tracedJob(input: Partial<JobInput> = {}) {
  const span = t.tracing.startSpan('queue.enqueue', { kind: SpanKind.PRODUCER }, ROOT_CONTEXT);
  const carrier = t.tracing.inject(trace.setSpan(ROOT_CONTEXT, span));
  span.end();
  const { id } = await rt.queue.enqueue({ type: 'thumbnail', payload: { size: 256 }, ...input, trace: carrier });
  return { id, traceId: span.spanContext().traceId, spanId: span.spanContext().spanId };
}

async function deadJob(queue = 'mail') {
  const job = await tracedJob({ queue });
  const [taken] = await rt.queue.dequeue({ queues: [queue] });
  await rt.queue.nack(taken!, new Error('boom'), { retryable: false });
  return job;
}

/** The audit stream as stored, newest first. */
async function auditStream(): Promise<Array<Record<string, string>>> {
  const entries = await rt.redis.xrevrange(rt.admin.keys.audit, '+', '-');
  return entries.map(([id, flat]) => ({ id, ...Object.fromEntries(flat.flatMap((v, i) => (i % 2 ? [] : [[v, flat[i + 1]]]))) }));
}

const confirm = (reason = 'drain after the bad deploy') => ({ confirmation: 'CONFIRM_DELETE', reason });

function expectAdminSpanUnderInvocation(op: string, invocationName: string) {
  const span = t.span(`admin.${op}`, REQUEST_TRACE)!;
  const invocation = t.span(invocationName, REQUEST_TRACE)!;
  expect(invocation.parentSpanContext?.spanId).toBe(REQUEST_PARENT);
  expect(span.parentSpanContext?.spanId).toBe(invocation.spanContext().spanId);
  return span;
}

describe('admin function: reading', () => {
  it('reports depth per queue and priority, dead letters and counters, in an admin.stats span', async () => {
    await tracedJob({ priority: 'high' });
    await tracedJob({ priority: 'low' });
    await deadJob('mail');
    const { status, body } = await call('/admin/stats');
    expect(status).toBe(200);
    expect(body).toMatchObject({ totals: { waiting: 2, active: 0, delayed: 0 }, dead: 1 });
    const byName = Object.fromEntries((body.queues as Array<{ name: string }>).map((q) => [q.name, q]));
    expect(byName.default).toMatchObject({
      waiting: 2,
      priorities: [
        { name: 'high', waiting: 1 },
        { name: 'low', waiting: 1 },
      ],
      counters: { enqueued: 2 },
    });
    expect(byName.mail).toMatchObject({ waiting: 0, counters: { enqueued: 1, deadLettered: 1 } });
    const span = expectAdminSpanUnderInvocation('stats', 'GET /admin/stats');
    expect(span.attributes).toMatchObject({ 'queue.operation': 'stats', 'queue.waiting': 2, 'queue.dead': 1 });
  });

  it('peeks in dequeue order, each job with its trace id, span id, Jaeger URL and copy/open/view actions', async () => {
    const lowFirst = await tracedJob({ priority: 'low' });
    const high = await tracedJob({ priority: 'high' });
    const lowSecond = await tracedJob({ priority: 'low' });
    const { status, body } = await call('/admin/queues/{queue}/peek', { params: { queue: 'default' } });
    expect(status).toBe(200);
    expect(body.jobs.map((j: { id: string }) => j.id)).toEqual([high.id, lowFirst.id, lowSecond.id]);
    const [first] = body.jobs;
    expect(first.payload).toBeUndefined(); // peeks leave payloads out; GET /admin/jobs/{id} has them
    expect(first.trace).toEqual({
      traceId: high.traceId,
      spanId: high.spanId,
      sampled: true,
      url: `${JAEGER}/trace/${high.traceId}`,
      actions: [
        expect.objectContaining({ type: 'copy', command: `printf '%s' '${high.traceId}' | xclip -selection clipboard` }),
        expect.objectContaining({
          type: 'open',
          url: `${JAEGER}/trace/${high.traceId}`,
          command: `xdg-open '${JAEGER}/trace/${high.traceId}'`,
        }),
        expect.objectContaining({ type: 'view', description: `Trace ID: ${high.traceId}` }),
      ],
    });
    const span = expectAdminSpanUnderInvocation('peek', 'GET /admin/queues/{queue}/peek');
    expect(span.attributes).toMatchObject({ 'queue.name': 'default', 'admin.requested': 10, 'admin.count': 3 });
  });

  it.each([
    ['darwin', '| pbcopy', 'open '],
    ['win32', 'Set-Clipboard -Value ', 'Start-Process '],
  ])('writes the trace commands for ?platform=%s', async (platform, copy, open) => {
    await tracedJob();
    const { body } = await call('/admin/queues/{queue}/peek', { params: { queue: 'default' }, query: { platform } });
    const [copyAction, openAction] = body.jobs[0].trace.actions;
    expect(copyAction.command).toContain(copy);
    expect(openAction.command.startsWith(open)).toBe(true);
  });

  it('gives trace null to jobs without a valid trace context, and no link to an unsampled trace', async () => {
    await rt.queue.enqueue({ type: 'a' });
    await rt.queue.enqueue({ type: 'b', trace: { traceparent: 'not-a-traceparent' } });
    await rt.queue.enqueue({ type: 'c', trace: { traceparent: `00-${REQUEST_TRACE}-${REQUEST_PARENT}-00` } });
    const { body } = await call('/admin/queues/{queue}/peek', { params: { queue: 'default' } });
    const [none, garbage, unsampled] = body.jobs;
    expect(none.trace).toBeNull();
    expect(garbage.trace).toBeNull();
    expect(unsampled.trace).toMatchObject({ traceId: REQUEST_TRACE, spanId: REQUEST_PARENT, sampled: false });
    expect(unsampled.trace.url).toBeUndefined();
    expect(unsampled.trace.actions.map((a: { type: string }) => a.type)).toEqual(['copy', 'view']);
  });

  it('takes ?count up to 100 and names the query parameter or path parameter at fault', async () => {
    for (let i = 0; i < 3; i++) await tracedJob();
    expect((await call('/admin/queues/{queue}/peek', { params: { queue: 'default' }, query: { count: '2' } })).body.jobs).toHaveLength(2);
    for (const [query, field] of [
      [{ count: '101' }, 'count'],
      [{ count: '0' }, 'count'],
      [{ count: 'ten' }, 'count'],
      [{ platform: 'beos' }, 'platform'],
    ] as const) {
      const { status, body } = await call('/admin/queues/{queue}/peek', { params: { queue: 'default' }, query });
      expect([status, body.field]).toEqual([400, field]);
    }
    const bad = await call('/admin/queues/{queue}/peek', { params: { queue: 'no spaces!' } });
    expect([bad.status, bad.body.field]).toEqual([400, 'queue']);
  });

  it('shows a waiting job with its position, payload and the span id of its enqueue span', async () => {
    await tracedJob();
    const job = await tracedJob({ payload: { size: 512 } });
    const { status, body } = await call('/admin/jobs/{id}', { params: { id: job.id } });
    expect(status).toBe(200);
    expect(body).toMatchObject({
      state: 'waiting',
      position: 1,
      job: {
        id: job.id,
        payload: { size: 512 },
        trace: { traceId: job.traceId, spanId: job.spanId, url: `${JAEGER}/trace/${job.traceId}` },
      },
    });
    expect(expectAdminSpanUnderInvocation('info', 'GET /admin/jobs/{id}').attributes).toMatchObject({
      'job.id': job.id,
      'queue.name': 'default',
      'job.state': 'waiting',
    });
  });

  it('shows a dead job with its reason, failures and trace, here and in GET /admin/dlq', async () => {
    const job = await deadJob();
    const { body } = await call('/admin/jobs/{id}', { params: { id: job.id } });
    expect(body).toMatchObject({
      state: 'dead',
      deadReason: 'non_retryable',
      failures: [{ error: 'boom', kind: 'non_retryable' }],
      job: { trace: { spanId: job.spanId } },
    });
    const dlq = await call('/admin/dlq');
    expect(dlq.body.jobs).toEqual([body]);
  });

  it('answers 404 for an unknown job and 400 naming id for something that is not a job id', async () => {
    const unknown = await call('/admin/jobs/{id}', { params: { id: UNKNOWN_ID } });
    expect([unknown.status, unknown.body.error]).toEqual([404, 'not_found']);
    const bad = await call('/admin/jobs/{id}', { params: { id: 'job-1' } });
    expect([bad.status, bad.body.field]).toEqual([400, 'id']);
  });
});

describe('admin function: purges and requeues', () => {
  const purgeDefault = (body: unknown, o: CallOptions = {}) =>
    call('/admin/queues/{queue}/purge', { method: 'POST', params: { queue: 'default' }, body, ...o });

  it.each([
    ['no confirmation', {}, 'confirmation'],
    ['a confirmation in the wrong case', { confirmation: 'confirm_delete', reason: 'drain it' }, 'confirmation'],
    ['no reason', { confirmation: 'CONFIRM_DELETE' }, 'reason'],
    ['a 2-character reason', confirm('no'), 'reason'],
    ['a reason short once trimmed', confirm('  ab  '), 'reason'],
    ['a 501-character reason', confirm('x'.repeat(501)), 'reason'],
    ['a stray field', { ...confirm(), queue: 'mail' }, 'queue'],
    ['a body that is not an object', ['CONFIRM_DELETE'], 'body'],
    ['a field named __proto__', JSON.parse('{"__proto__": {"confirmation": "CONFIRM_DELETE"}, "reason": "drain it"}'), '__proto__'],
    ['a field named constructor', { ...confirm(), constructor: 1 }, 'constructor'],
    ['an empty key', { ...confirm(), '': 1 }, '[""]'],
  ])('refuses a purge with %s: 400 naming the field, nothing removed, nothing audited', async (_label, body, field) => {
    await tracedJob();
    const { status, body: answer } = await purgeDefault(body);
    expect([status, answer.field]).toEqual([400, field]);
    expect((await rt.admin.stats()).totals.waiting).toBe(1);
    expect(await auditStream()).toEqual([]);
  });

  it('purges a queue and audits who, what, why, how many and in which trace', async () => {
    await tracedJob();
    await tracedJob();
    await tracedJob({ queue: 'mail' });
    const { status, body } = await purgeDefault(confirm('  drain after the bad deploy '));
    expect(status).toBe(200);
    expect(body).toEqual({ target: 'queue:default', removed: 2, auditId: expect.stringMatching(/^\d+-\d+$/) });
    expect((await rt.admin.stats()).totals.waiting).toBe(1);
    const [entry] = await auditStream();
    expect(entry).toEqual({
      id: body.auditId,
      time: expect.stringMatching(/^\d{4}-\d\d-\d\dT[\d:.]+Z$/),
      principal: OPERATOR,
      requestId: expect.any(String),
      operation: 'purge',
      target: 'queue:default',
      reason: 'drain after the bad deploy',
      count: '2',
      outcome: 'succeeded',
      traceId: REQUEST_TRACE,
    });
    const logged = logs.out();
    expect(logged.find((l) => l.message === 'admin audit')?.audit).toMatchObject({
      principal: OPERATOR,
      target: 'queue:default',
      count: 2,
      traceId: REQUEST_TRACE,
    });
    const span = expectAdminSpanUnderInvocation('purge', 'POST /admin/queues/{queue}/purge');
    expect(span.attributes).toMatchObject({ 'queue.name': 'default', 'admin.target': 'queue:default', 'admin.count': 2 });
  });

  it('purges the dead-letter queue, and GET /admin/audit lists the records newest first', async () => {
    await deadJob();
    await deadJob();
    expect((await call('/admin/dlq/purge', { method: 'POST', body: confirm('poison messages') })).body).toMatchObject({
      target: 'dlq',
      removed: 2,
    });
    expect((await rt.admin.stats()).dead).toBe(0);
    await purgeDefault(confirm('second'));
    const { body } = await call('/admin/audit');
    expect(body.entries.map((e: { target: string; reason: string; count: number }) => [e.target, e.reason, e.count])).toEqual([
      ['queue:default', 'second', 0],
      ['dlq', 'poison messages', 2],
    ]);
    expect(body.entries[0]).toMatchObject({ principal: OPERATOR, outcome: 'succeeded', traceId: REQUEST_TRACE });
    expect((await call('/admin/audit', { query: { count: '1' } })).body.entries).toHaveLength(1);
    expect((await call('/admin/audit', { query: { count: '501' } })).body.field).toBe('count');
    expectAdminSpanUnderInvocation('audit', 'GET /admin/audit');
  });

  it('purges everything only with CONFIRM_DELETE_ALL, records it after the purge, and keeps the earlier audit trail', async () => {
    await purgeDefault(confirm('before the reset'));
    await tracedJob();
    await deadJob();
    const refused = await call('/admin/purge', { method: 'POST', body: confirm() });
    expect([refused.status, refused.body.field]).toEqual([400, 'confirmation']);
    const { status, body } = await call('/admin/purge', {
      method: 'POST',
      body: { confirmation: 'CONFIRM_DELETE_ALL', reason: 'reset staging' },
    });
    expect([status, body.target, body.removed]).toEqual([200, 'all', 2]);
    expect((await rt.admin.stats()).queues).toEqual([]);
    const trail = await auditStream();
    expect(trail.map((e) => [e.target, e.reason])).toEqual([
      ['all', 'reset staging'],
      ['queue:default', 'before the reset'],
    ]);
    expect(trail[0]).toMatchObject({ count: '2' });
  });

  it.each([
    [{ caller: 'AIDAEXAMPLECALLER' }, 'AIDAEXAMPLECALLER'],
    [{ accountId: '210987654321' }, '210987654321'],
  ])('without a user ARN, records the principal from identity %j', async (identity, principal) => {
    await purgeDefault(confirm(), { identity: { userArn: null, ...identity } });
    expect((await auditStream())[0]).toMatchObject({ principal });
  });

  it.each([
    [{ principalId: 'ops-bot' }, 'ops-bot'],
    [{ claims: { sub: 'c0ffee00-1111-2222-3333-444455556666' } }, 'c0ffee00-1111-2222-3333-444455556666'],
  ])('records the principal of a Lambda or Cognito authorizer %j', async (authorizer, principal) => {
    await purgeDefault(confirm(), { identity: { userArn: null }, authorizer });
    expect((await auditStream())[0]).toMatchObject({ principal });
  });

  it('audits a purge that failed, and answers 500 saying nothing of the cause', async () => {
    const broken = Object.assign(Object.create(rt.admin) as Services['admin'], {
      purgeQueue: () => Promise.reject(new Error('ERR at /var/task/secret.lua')),
    });
    admin = createAdminHandler({ tracing: t.tracing, runtime: async () => ({ ...rt, admin: broken }) });
    const { status, body } = await purgeDefault(confirm());
    expect(logs.err().map((l) => l.level)).toContain('ERROR');
    expect([status, body]).toEqual([500, { error: 'internal', message: 'internal error' }]);
    const [entry] = await auditStream();
    expect(entry).toMatchObject({ operation: 'purge', target: 'queue:default', outcome: 'failed', error: 'Error', principal: OPERATOR });
    expect(entry).not.toHaveProperty('count');
    expect(t.span('admin.purge')?.status.code).toBe(2);
  });

  it('requeues dead letters by id, reports ids it did not find, and audits an absent reason as empty', async () => {
    const first = await deadJob();
    await deadJob();
    const { status, body } = await call('/admin/dlq/requeue', { method: 'POST', body: { ids: [first.id, UNKNOWN_ID] } });
    expect([status, body.requeued, body.missing]).toEqual([200, 1, [UNKNOWN_ID]]);
    expect((await rt.admin.info(first.id)).state).toBe('waiting');
    expect((await rt.admin.stats()).dead).toBe(1);
    expect((await auditStream())[0]).toMatchObject({
      operation: 'requeue',
      target: 'dlq:ids',
      reason: '',
      count: '1',
      outcome: 'succeeded',
    });
    expect(expectAdminSpanUnderInvocation('requeue', 'POST /admin/dlq/requeue').attributes).toMatchObject({
      'admin.requested': 2,
      'admin.count': 1,
    });
  });

  it("marks a requeue by id in the job's own trace, linked to the operator's request", async () => {
    const job = await deadJob();
    await call('/admin/dlq/requeue', { method: 'POST', body: { ids: [job.id], reason: 'downstream fixed' } });
    const request = expectAdminSpanUnderInvocation('requeue', 'POST /admin/dlq/requeue');
    const inJob = t.span('admin.requeue', job.traceId)!;
    expect(inJob.parentSpanContext?.spanId).toBe(job.spanId);
    expect(inJob.attributes).toMatchObject({ 'job.id': job.id, 'queue.name': 'mail' });
    expect(inJob.links.map((l) => l.context.spanId)).toEqual([request.spanContext().spanId]);
  });

  it('requeues every dead letter with all: true', async () => {
    await deadJob();
    await deadJob();
    const { body } = await call('/admin/dlq/requeue', { method: 'POST', body: { all: true, reason: 'downstream fixed' } });
    expect(body).toMatchObject({ requeued: 2, missing: [] });
    expect(await rt.admin.stats()).toMatchObject({ dead: 0, totals: { waiting: 2 } });
    expect((await auditStream())[0]).toMatchObject({ target: 'dlq:all', reason: 'downstream fixed', count: '2' });
  });

  it.each([
    ['neither ids nor all', {}, 'body'],
    ['both ids and all', { ids: [UNKNOWN_ID], all: true }, 'body'],
    ['all: false', { all: false }, 'all'],
    ['no ids', { ids: [] }, 'ids'],
    ['1001 ids', { ids: Array.from({ length: 1001 }, () => UNKNOWN_ID) }, 'ids'],
    ['an id that is not a job id', { ids: [UNKNOWN_ID, 'nope'] }, 'ids[1]'],
    ['a 1-character reason', { all: true, reason: 'x' }, 'reason'],
  ])('refuses a requeue with %s: 400 naming the field', async (_label, body, field) => {
    const { status, body: answer } = await call('/admin/dlq/requeue', { method: 'POST', body });
    expect([status, answer.field]).toEqual([400, field]);
  });
});

describe('admin function: routing', () => {
  it('refuses every route with 403 when API Gateway authenticated nobody, before touching anything', async () => {
    await tracedJob();
    const anonymous = { identity: { userArn: null } };
    for (const [resource, o] of [
      ['/admin/stats', {}],
      ['/admin/nothing', {}],
      ['/admin/queues/{queue}/purge', { method: 'POST', params: { queue: 'default' }, body: confirm() }],
    ] as const) {
      const { status, body } = await call(resource, { ...o, ...anonymous });
      expect([resource, status, body.error]).toEqual([resource, 403, 'forbidden']);
    }
    expect((await rt.admin.stats()).totals.waiting).toBe(1);
    expect(await auditStream()).toEqual([]);
  });

  it('answers 404 for an unknown route and 405 with Allow for a method the route does not take', async () => {
    expect((await call('/admin/nothing')).status).toBe(404);
    const wrong = await call('/admin/stats', { method: 'DELETE' });
    expect([wrong.status, wrong.headers?.Allow]).toEqual([405, 'GET']);
    expect((await call('/admin/purge')).headers?.Allow).toBe('POST');
  });

  it('answers 415 for a body not declared as JSON and 400 for broken JSON', async () => {
    const form = await call('/admin/dlq/purge', {
      method: 'POST',
      raw: 'confirmation=CONFIRM_DELETE',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    });
    expect(form.status).toBe(415);
    const broken = await call('/admin/dlq/purge', { method: 'POST', raw: '{"confirmation":' });
    expect([broken.status, broken.body.error, broken.body.field]).toEqual([400, 'invalid_json', 'body']);
  });

  it.each([
    ['queues/../purge', '/admin/queues/../purge'],
    ['queues/%2e%2e/purge', '/admin/queues/%2e%2e/purge'],
    ['queues/./default/peek', '/admin/queues/./default/peek'],
    ['queues/.%2E/purge', '/admin/queues/.%2E/purge'],
  ])('refuses a path with dot segments (%s) instead of resolving it to another route', async (proxy, path) => {
    await tracedJob();
    const event = apiGatewayEvent({
      method: 'POST',
      resource: '/admin/{proxy+}',
      path,
      pathParameters: { proxy },
      userArn: OPERATOR,
      body: JSON.stringify({ confirmation: 'CONFIRM_DELETE_ALL', reason: 'an accident' }),
    });
    const response = await admin(event, lambdaContext({ functionName: 'tq-admin' }));
    expect(response.statusCode).toBe(400);
    expect(JSON.parse(response.body)).toMatchObject({ error: 'invalid_path', field: 'path' });
    expect((await rt.admin.stats()).totals.waiting).toBe(1);
    expect(await auditStream()).toEqual([]);
  });

  it('serves the same routes behind a greedy {proxy+} resource', async () => {
    await tracedJob();
    const event = apiGatewayEvent({
      method: 'GET',
      resource: '/admin/{proxy+}',
      path: '/admin/queues/default/peek',
      pathParameters: { proxy: 'queues/default/peek' },
      userArn: OPERATOR,
    });
    const response = await admin(event, lambdaContext());
    expect(JSON.parse(response.body).jobs).toHaveLength(1);
  });
});

describe('admin function: queue controls and job schedulers', () => {
  it('pauses and resumes a queue with a reason, audited, shown in stats, in admin.pause and admin.resume spans', async () => {
    await tracedJob();
    const paused = await call('/admin/queues/{queue}/pause', {
      method: 'POST',
      params: { queue: 'default' },
      body: { reason: 'bad deploy of the mailer' },
    });
    expect(paused.status).toBe(200);
    expect(paused.body).toMatchObject({ queue: 'default', changed: true, paused: { reason: 'bad deploy of the mailer', by: OPERATOR } });
    expect(paused.body.auditId).toEqual(expect.any(String));
    expectAdminSpanUnderInvocation('pause', 'POST /admin/queues/{queue}/pause');
    const stats = await call('/admin/stats');
    expect(stats.body.queues[0]).toMatchObject({ name: 'default', waiting: 1, heldBack: 'paused', paused: { by: OPERATOR } });
    expect(await rt.queue.dequeue()).toEqual([]);
    const noReason = await call('/admin/queues/{queue}/resume', { method: 'POST', params: { queue: 'default' }, body: {} });
    expect([noReason.status, noReason.body.field]).toEqual([400, 'reason']);
    const resumed = await call('/admin/queues/{queue}/resume', {
      method: 'POST',
      params: { queue: 'default' },
      body: { reason: 'mailer fixed' },
    });
    expect(resumed.body).toMatchObject({ changed: true, paused: null });
    expect(await rt.queue.dequeue()).toHaveLength(1);
    expect((await auditStream()).map((r) => [r.operation, r.target, r.reason, r.principal])).toEqual([
      ['resume', 'queue:default', 'mailer fixed', OPERATOR],
      ['pause', 'queue:default', 'bad deploy of the mailer', OPERATOR],
    ]);
  });

  it('sets and lifts a queue’s limits, naming the field at fault', async () => {
    const set = await call('/admin/queues/{queue}/limits', {
      method: 'PUT',
      params: { queue: 'mail' },
      body: { concurrency: 5, rate: { max: 100, perMs: 60_000 }, reason: 'the mail provider allows 100 a minute' },
    });
    expect(set.status).toBe(200);
    expect(set.body.limits).toEqual({ concurrency: 5, rate: { max: 100, perMs: 60_000 } });
    expect((await call('/admin/stats')).body.queues.find((q: { name: string }) => q.name === 'mail').limits).toEqual(set.body.limits);
    for (const [body, field] of [
      [{ concurrency: 0, reason: 'too low' }, 'concurrency'],
      [{ rate: { max: 5 }, reason: 'no window' }, 'rate.perMs'],
      [{ rate: { max: 5, perMs: 10, burst: 3 }, reason: 'a stray field' }, 'rate.burst'],
      [{ concurrency: 3 }, 'reason'],
    ] as const) {
      const refused = await call('/admin/queues/{queue}/limits', { method: 'PUT', params: { queue: 'mail' }, body });
      expect([refused.status, refused.body.field]).toEqual([400, field]);
    }
    const lifted = await call('/admin/queues/{queue}/limits', {
      method: 'PUT',
      params: { queue: 'mail' },
      body: { reason: 'provider upgraded' },
    });
    expect(lifted.body.limits).toEqual({ concurrency: null, rate: null });
    const [latest, first] = await auditStream();
    expect([latest!.operation, latest!.detail, first!.detail]).toEqual([
      'limits',
      '{"concurrency":null,"rate":null}',
      '{"concurrency":5,"rate":{"max":100,"perMs":60000}}',
    ]);
  });

  it('creates, reads, lists, replaces and deletes job schedulers, audited without their payload', async () => {
    const body = {
      cron: '0 6 * * 1-5',
      timezone: 'Europe/Berlin',
      job: { type: 'noop', payload: { token: 's3cr3t' } },
      reason: 'weekday digest',
    };
    const created = await call('/admin/schedulers/{name}', { method: 'PUT', params: { name: 'digest' }, body });
    expect(created.status).toBe(200);
    expect(created.body).toMatchObject({
      created: true,
      scheduler: { name: 'digest', cron: '0 6 * * 1-5', timezone: 'Europe/Berlin', fired: 0 },
    });
    expect(Date.parse(created.body.scheduler.nextAt)).not.toBeNaN();
    expectAdminSpanUnderInvocation('schedule', 'PUT /admin/schedulers/{name}');
    expect((await call('/admin/schedulers/{name}', { params: { name: 'digest' } })).body).toMatchObject({ name: 'digest' });
    const replaced = await call('/admin/schedulers/{name}', {
      method: 'PUT',
      params: { name: 'digest' },
      body: { everyMs: 3_600_000, job: { type: 'noop' }, reason: 'hourly now' },
    });
    expect(replaced.body.created).toBe(false);
    expect((await call('/admin/schedulers')).body.schedulers.map((s: { name: string; everyMs: number }) => [s.name, s.everyMs])).toEqual([
      ['digest', 3_600_000],
    ]);
    const deleted = await call('/admin/schedulers/{name}', {
      method: 'DELETE',
      params: { name: 'digest' },
      body: { reason: 'no longer needed' },
    });
    expect(deleted.body).toMatchObject({ deleted: true });
    expect((await call('/admin/schedulers/{name}', { params: { name: 'digest' } })).status).toBe(404);
    const records = await auditStream();
    expect(records.map((r) => [r.operation, r.target])).toEqual([
      ['unschedule', 'scheduler:digest'],
      ['schedule', 'scheduler:digest'],
      ['schedule', 'scheduler:digest'],
    ]);
    expect(JSON.stringify(records)).not.toContain('s3cr3t');
  });

  it('refuses a scheduler it could not run, naming the field', async () => {
    for (const [body, field] of [
      [{ cron: '* * * * * *', job: { type: 'noop' }, reason: 'six fields' }, 'cron'],
      [{ cron: '0 6 * * *', timezone: 'Nowhere/City', job: { type: 'noop' }, reason: 'bad zone' }, 'timezone'],
      [{ everyMs: 60_000, job: { type: 'slep' }, reason: 'typo in the type' }, 'job.type'],
      [{ everyMs: 60_000, job: { type: 'noop', priority: 'urgent' }, reason: 'bad priority' }, 'job.priority'],
      [{ everyMs: 60_000, reason: 'no job' }, 'job'],
    ] as const) {
      const refused = await call('/admin/schedulers/{name}', { method: 'PUT', params: { name: 'x' }, body });
      expect([refused.status, refused.body.field]).toEqual([400, field]);
    }
    expect((await call('/admin/schedulers')).body.schedulers).toEqual([]);
  });
});
