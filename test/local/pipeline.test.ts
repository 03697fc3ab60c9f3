import { existsSync, readFileSync } from 'node:fs';
import { InvokeCommand, LambdaClient, ResourceNotFoundException } from '@aws-sdk/client-lambda';
import type { SpanNode, TraceTree } from '../../tools/local/traces/tree';
import { QueueAdmin } from '../../shared/queue';
import { connect } from '../support/redis';
import { LOCAL_INVOKE_KEY_ID } from '../../tools/local/pipeline/names';
import { adminTokenOf, eventually, rawRequest, runCli, FAST_RETRIES, startPipeline, type RunningPipeline } from '../support/local-pipeline';

vi.setConfig({ testTimeout: 60_000, hookTimeout: 60_000 });

let p: RunningPipeline;

beforeAll(async () => {
  p = await startPipeline({ ...FAST_RETRIES, POLLER_IDLE_MS: '500' });
});

afterAll(async () => {
  await p?.stop('SIGKILL');
});

const flatten = (nodes: readonly SpanNode[]): SpanNode[] => nodes.flatMap((n) => [n, ...flatten(n.children)]);

async function enqueue(body: unknown, headers: Record<string, string> = {}) {
  const res = await fetch(`${p.url}/jobs`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });
  expect(res.status).toBe(202);
  return (await res.json()) as { id: string; traceId: string; traceUrl?: string };
}

/** The trace once `ready` holds for its spans. */
function traceWhen(traceId: string, ready: (spans: SpanNode[]) => boolean): Promise<{ tree: TraceTree; spans: SpanNode[] }> {
  return eventually(
    async () => {
      const res = await fetch(`${p.url}/traces/${traceId}`);
      if (res.status !== 200) return undefined;
      const tree = (await res.json()) as TraceTree;
      const spans = flatten(tree.spans);
      return ready(spans) ? { tree, spans } : undefined;
    },
    20_000,
    `trace ${traceId}`,
  );
}

const cli = (...args: string[]) => runCli(p, ...args);

describe('npm start: the local pipeline', () => {
  it('turns a job sent with a traceparent into one trace with its enqueue, dequeue and process spans', async () => {
    const traceId = '4bf92f3577b34da6a3ce929d0e0e4736';
    const job = await enqueue({ type: 'sleep', payload: { ms: 20 } }, { traceparent: `00-${traceId}-00f067aa0ba902b7-01` });
    expect(job.traceId).toBe(traceId);
    expect(job.traceUrl).toBe(`${p.url}/traces/${traceId}`);

    const { tree, spans } = await traceWhen(traceId, (s) => s.some((x) => x.name === 'job.process'));
    const [root] = tree.spans;
    expect(tree.spans).toHaveLength(1); // one tree: everything hangs below the request
    expect(root).toMatchObject({
      name: 'POST /jobs',
      kind: 'SERVER',
      service: 'tq-local-enqueue',
      parentSpanId: '00f067aa0ba902b7',
      missingParent: true,
    });
    const enqueueSpan = root!.children.find((c) => c.name === 'queue.enqueue')!;
    expect(enqueueSpan.attributes['job.id']).toBe(job.id);
    const below = enqueueSpan.children.map((c) => c.name);
    expect(below).toEqual(expect.arrayContaining(['queue.dequeue', 'job.process']));
    const processSpan = spans.find((s) => s.name === 'job.process')!;
    expect(processSpan.service).toBe('tq-local-worker-poller');
    expect(processSpan.events.map((e) => e.name)).toContain('job.processing.completed');
    expect(tree.jobIds).toEqual([job.id]);
  });

  it('retries a failing job and runs the dlq function in the same trace', async () => {
    const job = await enqueue({ type: 'fail', maxAttempts: 2, payload: { message: 'upstream down' } });
    // Each function exports its spans on its own schedule (the poller's when its batch is due): wait for all.
    const { spans } = await traceWhen(
      job.traceId,
      (s) =>
        s.some((x) => x.service === 'tq-local-dlq') &&
        s.filter((x) => x.name === 'job.process').length === 2 &&
        s.some((x) => x.name === 'invoke tq-local-dlq'),
    );
    const attempts = spans.filter((s) => s.name === 'job.process');
    expect(attempts).toHaveLength(2);
    expect(attempts.every((a) => a.status.code === 'ERROR' && a.status.message === 'upstream down')).toBe(true);
    expect(attempts[0]!.events.map((e) => e.name)).toContain('job.retrying');
    expect(attempts[1]!.events.map((e) => e.name)).toContain('job.dead_lettered');
    // The poller invoked the dlq function through the Lambda API; the dlq invocation restored the job's trace.
    const dlq = spans.find((s) => s.service === 'tq-local-dlq' && s.parentSpanId)!;
    const invoke = spans.find((s) => s.spanId === dlq.parentSpanId)!;
    expect(invoke.service).toBe('tq-local-worker-poller');
    expect(attempts[1]!.children.map((c) => c.spanId)).toContain(invoke.spanId);
    expect(dlq.events.map((e) => e.name)).toContain('job.dead_lettered');
  });

  it('serves the Invoke API to the real Lambda client: the example target answers, an unknown function is not found', async () => {
    // Signed with the pipeline's key pair: the admin token is its secret.
    const lambda = new LambdaClient({
      endpoint: p.url,
      region: 'us-east-1',
      credentials: { accessKeyId: LOCAL_INVOKE_KEY_ID, secretAccessKey: adminTokenOf(p) },
    });
    const out = await lambda.send(
      new InvokeCommand({ FunctionName: 'tq-local-echo', Payload: JSON.stringify({ job: { id: 'x', type: 'echo', payload: { n: 1 } } }) }),
    );
    expect(out.StatusCode).toBe(200);
    expect(out.FunctionError).toBeUndefined();
    expect(JSON.parse(Buffer.from(out.Payload!).toString())).toEqual({ echoed: { id: 'x', type: 'echo', payload: { n: 1 } } });
    await expect(lambda.send(new InvokeCommand({ FunctionName: 'tq-local-nope' }))).rejects.toBeInstanceOf(ResourceNotFoundException);
    lambda.destroy();
  });

  it('runs echo jobs in the example Lambda target, inside the job trace', async () => {
    const job = await enqueue({ type: 'echo', payload: { hello: 'world' } });
    const { spans } = await traceWhen(
      job.traceId,
      (s) => s.some((x) => x.service === 'tq-local-echo') && s.some((x) => x.name === 'invoke tq-local-echo'),
    );
    const target = spans.find((s) => s.service === 'tq-local-echo')!;
    expect(spans.find((s) => s.spanId === target.parentSpanId)?.name).toBe('invoke tq-local-echo');
  });

  it('never opens the admin routes: no token or a wrong one is refused', async () => {
    const none = await fetch(`${p.url}/admin/stats`);
    expect(none.status).toBe(403);
    const wrong = await fetch(`${p.url}/admin/stats`, { headers: { authorization: 'Bearer nope' } });
    expect(wrong.status).toBe(403);
    expect(await wrong.json()).toEqual({ message: 'The security token included in the request is invalid.' });
  });

  it('lets nobody without the token invoke a function: not a page posting text/plain, not another key', async () => {
    const queue = `inv-${Date.now().toString(36)}`;
    await enqueue({ type: 'sleep', queue, payload: { ms: 1 } });
    // What a web page open on this machine can send without a preflight: an admin purge with a made-up identity.
    const forged = JSON.stringify({
      resource: '/admin/{proxy+}',
      path: '/admin/purge',
      httpMethod: 'POST',
      headers: { 'content-type': 'application/json' },
      pathParameters: { proxy: 'purge' },
      body: JSON.stringify({ confirmation: 'CONFIRM_DELETE_ALL', reason: 'made up' }),
      requestContext: { requestId: 'x', identity: { userArn: 'arn:aws:iam::000000000000:user/made-up', sourceIp: '127.0.0.1' } },
    });
    const unsigned = await rawRequest(p.url, {
      method: 'POST',
      path: '/2015-03-31/functions/tq-local-admin/invocations',
      body: forged,
      headers: { host: new URL(p.url).host, 'content-type': 'text/plain' },
    });
    expect(unsigned.status).toBe(403);
    expect(JSON.parse(unsigned.body)).toMatchObject({ message: 'Missing Authentication Token' });
    const otherKey = new LambdaClient({
      endpoint: p.url,
      region: 'us-east-1',
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
      maxAttempts: 1,
    });
    await expect(otherKey.send(new InvokeCommand({ FunctionName: 'tq-local-admin', Payload: forged }))).rejects.toMatchObject({
      name: 'UnrecognizedClientException',
    });
    const wrongSecret = new LambdaClient({
      endpoint: p.url,
      region: 'us-east-1',
      credentials: { accessKeyId: LOCAL_INVOKE_KEY_ID, secretAccessKey: 'guess' },
      maxAttempts: 1,
    });
    await expect(wrongSecret.send(new InvokeCommand({ FunctionName: 'tq-local-admin', Payload: forged }))).rejects.toMatchObject({
      name: 'InvalidSignatureException',
    });
    otherKey.destroy();
    wrongSecret.destroy();
    // Nothing was purged, and nothing audited under the made-up principal.
    const redis = connect();
    const admin = new QueueAdmin(redis, { namespace: p.namespace });
    const stats = await admin.stats();
    expect(stats.totals.waiting).toBeGreaterThanOrEqual(1);
    expect(JSON.stringify(await redis.xrevrange(admin.keys.audit, '+', '-'))).not.toContain('made-up');
    redis.disconnect();
  });

  it('answers only requests addressed to it: another Host (DNS rebinding) or a foreign Origin gets 403', async () => {
    const port = new URL(p.url).port;
    const body = JSON.stringify({ type: 'noop' });
    const json = { 'content-type': 'application/json' };
    for (const host of [`evil.example:${port}`, `127.0.0.1:1`, `127.0.0.1.nip.io:${port}`]) {
      const res = await rawRequest(p.url, { method: 'POST', path: '/jobs', body, headers: { ...json, host } });
      expect([host, res.status]).toEqual([host, 403]);
    }
    for (const path of ['/traces', '/v1/traces', '/2015-03-31/functions/tq-local-echo/invocations']) {
      expect((await rawRequest(p.url, { method: 'POST', path, headers: { host: `rebound.example:${port}` } })).status).toBe(403);
    }
    for (const origin of ['http://evil.example', 'null', `https://127.0.0.1:${port}`, `http://127.0.0.1:${Number(port) + 1}`]) {
      const res = await rawRequest(p.url, { method: 'POST', path: '/jobs', body, headers: { ...json, host: `127.0.0.1:${port}`, origin } });
      expect([origin, res.status]).toEqual([origin, 403]);
    }
    // Its own origin, under either loopback name, and no Origin at all (curl, the SDK) are served.
    for (const headers of [
      { host: `127.0.0.1:${port}`, origin: `http://127.0.0.1:${port}` },
      { host: `localhost:${port}`, origin: `http://localhost:${port}` },
      { host: `localhost:${port}` },
    ] as Record<string, string>[]) {
      expect((await rawRequest(p.url, { method: 'POST', path: '/jobs', body, headers: { ...json, ...headers } })).status).toBe(202);
    }
  });

  it('routes on the path as received: dot segments, plain or encoded, are refused, never resolved', async () => {
    const queue = `dots-${Date.now().toString(36)}`;
    await enqueue({ type: 'sleep', queue, payload: { ms: 1 } });
    const token = adminTokenOf(p);
    const host = new URL(p.url).host;
    const purgeAll = JSON.stringify({ confirmation: 'CONFIRM_DELETE_ALL', reason: 'an accident' });
    for (const path of [
      '/admin/queues/%2e%2e/purge',
      '/admin/queues/../purge',
      '/admin/queues/%2E./purge',
      '/admin/x/../../admin/purge',
      '/jobs/../admin/purge',
    ]) {
      const res = await rawRequest(p.url, {
        method: 'POST',
        path,
        body: purgeAll,
        headers: { host, authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      });
      expect([path, res.status]).toEqual([path, 400]);
      expect(JSON.parse(res.body)).toMatchObject({ field: 'path' });
    }
    // A target that reads as another host (`//host/…`), or does not parse at all, is a path here: 4xx, never 500.
    for (const path of ['//evil.example/jobs', '//caa.a.%bb%%/b']) {
      const res = await rawRequest(p.url, { path, headers: { host } });
      expect([path, res.status >= 400 && res.status < 500]).toEqual([path, true]);
    }
    const redis = connect();
    expect((await new QueueAdmin(redis, { namespace: p.namespace }).stats()).totals.waiting).toBeGreaterThanOrEqual(1);
    redis.disconnect();
  });

  it('answers bad input with the field at fault, through the gateway as deployed', async () => {
    const res = await fetch(`${p.url}/jobs`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ type: 'noop', priority: 'urgent' }),
    });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { field?: string }).field).toBe('priority');
    expect((await fetch(`${p.url}/nowhere`)).status).toBe(404);
    const bad = await fetch(`${p.url}/traces/not-a-trace-id`);
    expect(bad.status).toBe(400);
  });

  it('refuses OTLP bodies it cannot read, naming why', async () => {
    const json = await fetch(`${p.url}/v1/traces`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
    expect(json.status).toBe(415);
    const garbage = await fetch(`${p.url}/v1/traces`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-protobuf' },
      body: new Uint8Array([0x0a, 0xff, 0x01]),
    });
    expect(garbage.status).toBe(400);
    expect(((await garbage.json()) as { message: string }).message).toMatch(/^not an OTLP ExportTraceServiceRequest: /);
  });

  it("refuses a second pipeline on the same state file in one line, leaving the first one's state alone", async () => {
    const before = readFileSync(p.stateFile, 'utf8');
    const second = await startPipeline({ LOCAL_STATE_FILE: p.stateFile }).then(
      (q) => q.stop('SIGKILL').then(() => 'started'),
      (error: Error) => error.message,
    );
    expect(second).toMatch(/npm start failed: another local pipeline \(pid \d+\) is running at http:\/\/127\.0\.0\.1:\d+ and owns /);
    expect(second).not.toMatch(/\n\s+at /); // one line, no stack
    expect(readFileSync(p.stateFile, 'utf8')).toBe(before);
  });

  it('gives the CLI parseable --json for stats, peek, info, dlq, trace and audit, and refuses an unconfirmed purge', async () => {
    const job = await enqueue({ type: 'fail', maxAttempts: 1, payload: { message: 'bad input', retryable: false } });
    await traceWhen(job.traceId, (s) => s.some((x) => x.service === 'tq-local-dlq'));

    const stats = await cli('stats', '--json');
    expect(stats.code).toBe(0);
    expect(JSON.parse(stats.stdout)).toMatchObject({ queues: expect.any(Array), dead: expect.any(Number) });

    const peek = await cli('peek', 'default', '-n', '5', '--json');
    expect(JSON.parse(peek.stdout)).toMatchObject({ queue: 'default', jobs: expect.any(Array) });

    const info = JSON.parse((await cli('info', job.id, '--json', '--platform', 'win32')).stdout);
    expect(info).toMatchObject({
      state: 'dead',
      job: { id: job.id, trace: { traceId: job.traceId, url: `${p.url}/traces/${job.traceId}` } },
    });
    expect(info.job.trace.actions.find((a: { type: string }) => a.type === 'open').command).toContain('Start-Process');

    const dlq = JSON.parse((await cli('dlq', '--json')).stdout) as { jobs: { job: { id: string } }[] };
    expect(dlq.jobs.map((j) => j.job.id)).toContain(job.id);

    const trace = JSON.parse((await cli('trace', job.id, '--json')).stdout);
    expect(trace.trace.traceId).toBe(job.traceId);
    expect(trace.tree.traceId).toBe(job.traceId);

    const unconfirmed = await cli('purge', 'dlq', '--reason', 'clean up');
    expect(unconfirmed.code).toBe(2);
    expect(unconfirmed.stderr).toMatch(/--yes/);

    const requeued = JSON.parse((await cli('requeue', job.id, '--reason', 'fixed upstream', '--json')).stdout);
    expect(requeued.requeued).toBe(1);
    const audit = JSON.parse((await cli('audit', '--json')).stdout) as { entries: { operation: string; principal: string }[] };
    expect(audit.entries[0]).toMatchObject({ operation: 'requeue', principal: 'arn:aws:iam::000000000000:user/local-admin' });

    const badQueue = await cli('peek', 'no such queue', '--json');
    expect(badQueue.code).toBe(1);
    expect(JSON.parse(badQueue.stdout).error).toMatchObject({ status: 400, field: 'queue' });
  });
});

describe('npm start: Ctrl-C', () => {
  it('stops cleanly: the running job finishes, the state file goes, the process exits 0', async () => {
    const q = await startPipeline({ LOCAL_STOP_TIMEOUT_MS: '10000' });
    const redis = connect();
    try {
      const res = await fetch(`${q.url}/jobs`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ type: 'sleep', payload: { ms: 1500 } }),
      });
      const { id } = (await res.json()) as { id: string };
      const admin = new QueueAdmin(redis, { namespace: q.namespace });
      await eventually(async () => ((await admin.info(id)).state === 'active' ? true : undefined), 10_000, 'the job to start');
      expect(existsSync(q.stateFile)).toBe(true);
      expect(await q.stop('SIGINT')).toBe(0);
      expect((await admin.info(id)).state).toBe('completed');
      expect(existsSync(q.stateFile)).toBe(false);
      expect(q.output()).toMatch(/SIGINT: stopping[\s\S]*stopped/);
      await admin.purgeAll();
    } finally {
      redis.disconnect();
      await q.stop('SIGKILL');
    }
  });

  it('with a throwaway redis-server, a Ctrl-C to the whole terminal group stops everything, quietly, in seconds', async () => {
    // Nothing answers at this URL, so the pipeline starts its own redis-server.
    const q = await startPipeline({ REDIS_URL: 'redis://127.0.0.1:1', LOCAL_STOP_TIMEOUT_MS: '5000' }, { group: true });
    try {
      const server = Number(/throwaway redis-server at redis:\/\/127\.0\.0\.1:(\d+)/.exec(q.output())?.[1]);
      expect(server).toBeGreaterThan(0);
      const res = await fetch(`${q.url}/jobs`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: '{"type":"noop"}',
      });
      expect(res.status).toBe(202);
      const started = performance.now();
      expect(await q.stop('SIGINT')).toBe(0);
      expect(performance.now() - started).toBeLessThan(10_000);
      expect(existsSync(q.stateFile)).toBe(false);
      expect(q.output()).not.toContain('Unhandled error event');
      // The server outlived its clients (the signal did not reach it), then went with the pipeline.
      expect(q.output()).not.toContain('redis connection lost');
      await expect(fetch(`http://127.0.0.1:${server}`)).rejects.toThrow();
    } finally {
      await q.stop('SIGKILL');
    }
  }, 40_000);
});
