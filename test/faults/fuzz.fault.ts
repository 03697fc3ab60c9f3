import { QueueAdmin } from '../../shared/queue';
import { decodeTraces } from '../../tools/local/otlp/traces';
import { adminTokenOf, rawRequest, startPipeline, type RunningPipeline } from '../support/local-pipeline';
import { prng, randomString } from '../support/random';
import { connect } from '../support/redis';

/**
 * Fuzzed HTTP input against every local endpoint: malformed bodies, prototype-named keys, wrong types,
 * oversized values, dot segments, bad trace headers. Every answer is a 4xx (a 400 from a function names
 * the field at fault), the server stays up, nothing is enqueued, and no answer holds a stack trace, a
 * source path or the admin token. Seeded: a failure repeats.
 */
const REQUESTS = 1200;
const rand = prng(0x5eed);
const pick = <T>(items: readonly T[]): T => items[Math.floor(rand() * items.length)]!;
const PRINTABLE = ' !"#$%&\'()*+,-./0123456789:;<=>?@ABCDEFGHIJKLMNOPQRSTUVWXYZ[\\]^_`abcdefghijklmnopqrstuvwxyz{|}~';

const badJobs: ReadonlyArray<() => unknown> = [
  () => ({}),
  () => ({ type: '' }),
  () => ({ type: randomString(rand, ' /\\\0é', 20) + ' ' }),
  () => ({ type: 123 }),
  () => ({ type: 'noop', priority: pick(['urgent', '', 7, null, ['high']]) }),
  () => ({ type: 'noop', queue: pick(['', 'a b', '../x', 'x'.repeat(200), 5]) }),
  () => ({ type: 'noop', maxAttempts: pick([0, -1, 1.5, '3', 10 ** 9, null]) }),
  () => ({ type: 'noop', timeoutMs: pick([0, -5, 'soon', 10 ** 12]) }),
  () => ({ type: 'noop', filesize: pick([-1, 'big', 1.2]) }),
  () => ({ type: 'noop', filepath: pick(['', 5, 'a\u0000b']) }),
  () => ({ type: 'noop', payload: 'x'.repeat(300 * 1024) }),
  () => ({ type: 'noop', [pick(['extra', 'trace', 'idempotencyKey', 'id', 'attempts'])]: 'x' }),
  () => JSON.parse('{"type":"noop","__proto__":{"polluted":true}}'),
  () => ({ type: 'noop', constructor: { prototype: {} } }),
  () => ({ type: 'noop', prototype: 1 }),
  () => [{ type: 'noop' }],
  () => pick([null, 1, 'noop', true]),
];

const badBatches: ReadonlyArray<() => unknown> = [
  () => ({ jobs: [] }),
  () => ({ jobs: pick([null, {}, 'jobs', 3]) }),
  () => ({ jobs: [{ type: 'noop' }, pick(badJobs)()] }),
  () => ({ jobs: Array.from({ length: 1001 }, () => ({ type: 'noop' })) }),
  () => ({ jobs: [{ type: 'noop' }], extra: true }),
  () => JSON.parse('{"jobs":[{"type":"noop"}],"__proto__":{"x":1}}'),
];

const rawBodies: ReadonlyArray<() => string> = [
  () => randomString(rand, PRINTABLE, 64),
  () => '{"type":"noop"',
  () => '{"type":"noop"}garbage',
  () => '['.repeat(5000) + ']'.repeat(5000),
  () => '\u0000\u0001\u0002',
  () => '',
];

const badTraceHeaders: ReadonlyArray<() => Record<string, string>> = [
  () => ({ traceparent: randomString(rand, PRINTABLE, 80) }),
  () => ({ traceparent: `ff-${'a'.repeat(32)}-${'b'.repeat(16)}-01` }),
  () => ({ traceparent: `00-${'0'.repeat(32)}-${'b'.repeat(16)}-01` }),
  () => ({ traceparent: `00-${'A'.repeat(32)}-${'B'.repeat(16)}-01`, tracestate: '=,=,,' + 'x'.repeat(600) }),
  () => ({ 'x-amzn-trace-id': `Root=${randomString(rand, PRINTABLE, 40)};Sampled=9` }),
  () => ({ b3: randomString(rand, '0123456789abcdef-', 60) }),
  () => ({ 'uber-trace-id': randomString(rand, '0123456789abcdef:%', 60) }),
  () => ({ baggage: randomString(rand, PRINTABLE, 200) }),
  () => ({ 'idempotency-key': pick(['', 'has space', 'x'.repeat(300), 'é']) }),
  () => ({}),
];

interface Shot {
  readonly what: string;
  readonly method: string;
  readonly path: string;
  readonly headers: Record<string, string>;
  readonly body?: string;
  /** A function's own validation answers: its 400s must name the field. */
  readonly fieldExpected: boolean;
}

function shot(host: string, token: string): Shot {
  const json = { host, 'content-type': 'application/json' };
  const admin = { host, authorization: `Bearer ${token}`, 'content-type': 'application/json' };
  switch (Math.floor(rand() * 9)) {
    case 0:
    case 1:
      return {
        what: 'bad job',
        method: 'POST',
        path: '/jobs',
        headers: { ...json, ...pick(badTraceHeaders)() },
        body: JSON.stringify(pick(badJobs)()),
        fieldExpected: true,
      };
    case 2:
      return {
        what: 'bad batch',
        method: 'POST',
        path: '/jobs/batch',
        headers: { ...json, ...pick(badTraceHeaders)() },
        body: JSON.stringify(pick(badBatches)()),
        fieldExpected: true,
      };
    case 3:
      return {
        what: 'raw body',
        method: 'POST',
        path: pick(['/jobs', '/jobs/batch']),
        headers: json,
        body: pick(rawBodies)(),
        fieldExpected: false,
      };
    case 4:
      return {
        what: 'admin bad input',
        method: 'POST',
        path: pick(['/admin/queues/default/purge', '/admin/dlq/purge', '/admin/purge', '/admin/dlq/requeue']),
        headers: admin,
        body: pick([
          JSON.stringify(pick(badJobs)()),
          JSON.stringify({ confirmation: 'yes', reason: '' }),
          JSON.stringify({ ids: ['not-an-id'] }),
          pick(rawBodies)(),
        ]),
        fieldExpected: false,
      };
    case 5:
      return {
        what: 'admin bad path',
        method: pick(['GET', 'POST', 'DELETE', 'PUT']),
        path: pick([
          `/admin/jobs/${randomString(rand, 'abc%./', 30)}`,
          `/admin/queues/${randomString(rand, 'ab%2e.', 12)} x/peek`,
          '/admin/queues/%2e%2e/purge',
          '/admin/x/../../admin/purge',
          `/admin/queues/default/peek?n=${pick(['-1', 'many', '1e9', ''])}`,
          `/admin/${randomString(rand, 'abcxyz/', 20)}`,
        ]),
        headers: admin,
        body: pick(['', '{}', pick(rawBodies)()]),
        fieldExpected: false,
      };
    case 6:
      return {
        what: 'otlp garbage',
        method: 'POST',
        path: '/v1/traces',
        headers: { host, 'content-type': 'application/x-protobuf' },
        body: pick(rawBodies)(),
        fieldExpected: false,
      };
    case 7:
      return {
        what: 'invoke unsigned',
        method: 'POST',
        path: `/2015-03-31/functions/${pick(['tq-local-admin', 'tq-local-enqueue', '../x', 'nope', '%2e%2e'])}/invocations`,
        headers: json,
        body: pick(rawBodies)(),
        fieldExpected: false,
      };
    default:
      return {
        what: 'other path',
        method: pick(['GET', 'POST', 'PATCH']),
        path: pick([
          `/traces/${randomString(rand, 'xyz%.', 20)}`,
          `/${randomString(rand, 'abc/%.', 30)}`,
          '/jobs/../admin/purge',
          '/jobs/%00',
          `/jobs/${'a'.repeat(3000)}`,
        ]),
        headers: json,
        body: '',
        fieldExpected: false,
      };
  }
}

const decodes = (body: string) => {
  try {
    return decodeTraces(Buffer.from(body)).length === 0;
  } catch {
    return false;
  }
};

let p: RunningPipeline;
beforeAll(async () => {
  p = await startPipeline({ LOCAL_POLLER_EVERY_MS: '600000' });
}, 60_000);
afterAll(() => p?.stop('SIGKILL'));

describe('fault suite: fuzzed HTTP input', () => {
  it(`answers ${REQUESTS} malformed requests with 4xx, stays up, enqueues nothing and leaks nothing`, async () => {
    const token = adminTokenOf(p);
    const host = new URL(p.url).host;
    // Spaces escaped: Node's client will not send them raw (everything else goes as generated).
    const shots = Array.from({ length: REQUESTS }, () => shot(host, token)).map((s) => ({ ...s, path: s.path.replace(/ /g, '%20') }));
    const wrong: string[] = [];
    const byStatus: Record<number, number> = {};
    for (let i = 0; i < shots.length; i += 8) {
      await Promise.all(
        shots.slice(i, i + 8).map(async (s) => {
          const res = await rawRequest(p.url, {
            method: s.method,
            path: s.path,
            headers: s.headers,
            ...(s.body !== undefined ? { body: s.body } : {}),
          });
          byStatus[res.status] = (byStatus[res.status] ?? 0) + 1;
          const where = `${s.what}: ${s.method} ${s.path.slice(0, 80)} -> ${res.status} ${res.body.slice(0, 200)}`;
          // An OTLP body that decodes (an empty one, or bytes that read as unknown fields, which OTLP says to skip) is a valid, empty export.
          const validOtlp = s.path === '/v1/traces' && res.status === 200 && decodes(s.body ?? '');
          if ((res.status < 400 || res.status >= 500) && !validOtlp) wrong.push(where);
          if (/\n\s+at |\/work\/|\.ts:\d|node_modules/.test(res.body) || res.body.includes(token)) wrong.push(`leak: ${where}`);
          if (s.fieldExpected && res.status === 400 && !(JSON.parse(res.body) as { field?: unknown }).field)
            wrong.push(`no field: ${where}`);
        }),
      );
    }
    expect(wrong).toEqual([]);
    const redis = connect();
    const admin = new QueueAdmin(redis, { namespace: p.namespace });
    const stats = await admin.stats();
    expect(stats.totals).toEqual({ waiting: 0, active: 0, delayed: 0 });
    expect(stats.queues.reduce((n, q) => n + (q.counters.enqueued ?? 0), 0)).toBe(0);
    expect(Object.getPrototypeOf({}).polluted).toBeUndefined();
    // Still up, and still taking good work.
    const ok = await fetch(`${p.url}/jobs`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"type":"noop"}' });
    expect(ok.status).toBe(202);
    console.log(JSON.stringify({ fault: 'fuzz', requests: REQUESTS, by_status: byStatus, jobs_enqueued: 0, leaks: 0 }));
    await admin.purgeAll();
    redis.disconnect();
  }, 120_000);
});
