import { Sha256 } from '@smithy/core/checksum';
import { SignatureV4 } from '@smithy/signature-v4';
import { QueueAdmin } from '../../shared/queue';
import { LOCAL_INVOKE_KEY_ID } from '../../tools/local/pipeline/names';
import { adminTokenOf, rawRequest, startPipeline, type RunningPipeline } from '../support/local-pipeline';
import { connect } from '../support/redis';

/**
 * The admin surface: every admin operation, by every local route to it (the gateway's /admin/*, and the
 * Invoke API straight to the admin function), without the token, with a wrong one, from a foreign
 * Origin or Host — each refused, and nothing in Redis changes.
 */
const OPERATIONS: ReadonlyArray<{ method: string; path: string; body?: unknown }> = [
  { method: 'GET', path: '/admin/stats' },
  { method: 'GET', path: '/admin/queues/default/peek' },
  { method: 'GET', path: '/admin/jobs/01HZZZZZZZZZZZZZZZZZZZZZZZ' },
  { method: 'GET', path: '/admin/dlq' },
  { method: 'GET', path: '/admin/audit' },
  { method: 'POST', path: '/admin/queues/default/purge', body: { confirmation: 'CONFIRM_PURGE_default', reason: 'fault suite' } },
  { method: 'POST', path: '/admin/dlq/purge', body: { confirmation: 'CONFIRM_PURGE_DLQ', reason: 'fault suite' } },
  { method: 'POST', path: '/admin/purge', body: { confirmation: 'CONFIRM_DELETE_ALL', reason: 'fault suite' } },
  { method: 'POST', path: '/admin/dlq/requeue', body: { all: true, reason: 'fault suite' } },
];

let p: RunningPipeline;
beforeAll(async () => {
  p = await startPipeline();
}, 60_000);
afterAll(() => p?.stop('SIGKILL'));

/** A proxy event for the admin function, as the gateway would build it, with a made-up operator. */
const proxyEvent = (op: (typeof OPERATIONS)[number]) =>
  JSON.stringify({
    resource: '/admin/{proxy+}',
    path: op.path,
    httpMethod: op.method,
    headers: { 'content-type': 'application/json' },
    pathParameters: { proxy: op.path.slice('/admin/'.length) },
    body: op.body === undefined ? null : JSON.stringify(op.body),
    requestContext: { requestId: 'forged', identity: { userArn: 'arn:aws:iam::000000000000:user/intruder', sourceIp: '127.0.0.1' } },
  });

async function signedInvoke(body: string, secret: string, extra: Record<string, string>, keyId = LOCAL_INVOKE_KEY_ID) {
  const url = new URL(p.url);
  const signer = new SignatureV4({
    service: 'lambda',
    region: 'us-east-1',
    credentials: { accessKeyId: keyId, secretAccessKey: secret },
    sha256: Sha256,
  });
  const path = '/2015-03-31/functions/tq-local-admin/invocations';
  const headers = { host: url.host, 'content-type': 'application/json', ...extra };
  const signed = await signer.sign({
    method: 'POST',
    protocol: 'http:',
    hostname: url.hostname,
    port: Number(url.port),
    path,
    headers,
    body,
  });
  return rawRequest(p.url, { method: 'POST', path, body, headers: signed.headers as Record<string, string> });
}

describe('fault suite: the admin surface', () => {
  it('refuses every admin operation by every route without the right credentials, from the right place, and changes nothing', async () => {
    const redis = connect();
    const admin = new QueueAdmin(redis, { namespace: p.namespace });
    // Something to lose: waiting jobs (purges would take them) and the audit stream (requeues would add to it).
    for (let i = 0; i < 5; i++) {
      const res = await fetch(`${p.url}/jobs`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: '{"type":"sleep","queue":"parked","payload":{"ms":1}}',
      });
      expect(res.status).toBe(202);
    }
    const snapshot = async () =>
      JSON.stringify([(await admin.stats()).totals, (await admin.stats()).dead, await redis.xlen(admin.keys.audit)]);
    const before = await snapshot();
    const token = adminTokenOf(p);
    const host = new URL(p.url).host;
    const port = new URL(p.url).port;
    const refusals: Array<[string, number]> = [];
    for (const op of OPERATIONS) {
      const body = op.body === undefined ? undefined : JSON.stringify(op.body);
      const json: Record<string, string> = body === undefined ? {} : { 'content-type': 'application/json' };
      const gateway: Record<string, Record<string, string>> = {
        'no token': { host, ...json },
        'wrong token': { host, authorization: 'Bearer not-the-token', ...json },
        'foreign Origin': { host, authorization: `Bearer ${token}`, origin: 'http://evil.example', ...json },
        'foreign Host': { host: `evil.example:${port}`, authorization: `Bearer ${token}`, ...json },
      };
      for (const [how, headers] of Object.entries(gateway)) {
        const res = await rawRequest(p.url, { method: op.method, path: op.path, headers, ...(body !== undefined ? { body } : {}) });
        refusals.push([`gateway ${op.method} ${op.path} ${how}`, res.status]);
      }
      const event = proxyEvent(op);
      const invoke: Array<[string, () => Promise<{ status: number }>]> = [
        [
          'unsigned',
          () =>
            rawRequest(p.url, {
              method: 'POST',
              path: '/2015-03-31/functions/tq-local-admin/invocations',
              body: event,
              headers: { host, 'content-type': 'text/plain' },
            }),
        ],
        ['another key', () => signedInvoke(event, token, {}, 'AKIDEXAMPLE')],
        ['wrong secret', () => signedInvoke(event, 'guess', {})],
        ['foreign Origin', () => signedInvoke(event, token, { origin: 'http://evil.example' })],
      ];
      for (const [how, send] of invoke) refusals.push([`invoke ${op.method} ${op.path} ${how}`, (await send()).status]);
    }
    expect(refusals.filter(([, status]) => status !== 401 && status !== 403)).toEqual([]);
    expect(await snapshot()).toBe(before);
    // The right credentials from the right place do get through (so the refusals above were not for something else).
    const allowed = await rawRequest(p.url, { path: '/admin/stats', headers: { host, authorization: `Bearer ${token}` } });
    expect(allowed.status).toBe(200);
    console.log(JSON.stringify({ fault: 'admin_surface', requests: refusals.length, refused: refusals.length, changed: 0 }));
    await admin.purgeAll();
    redis.disconnect();
  }, 60_000);
});
