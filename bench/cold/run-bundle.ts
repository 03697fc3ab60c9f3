/**
 * Loads one function bundle in this fresh process and serves it one invocation, timing both from process
 * start (performance.now() counts from there, so module loading is included). argv: bundle path, event kind.
 */
import { randomUUID } from 'node:crypto';
import { createRequire } from 'node:module';

const [bundle, kind] = process.argv.slice(2) as [string, string];
/** A REST API proxy event: only what differs between the two HTTP functions is given. */
const proxyEvent = (
  method: string,
  path: string,
  headers: Record<string, string>,
  body: string | null,
  identity: Record<string, string>,
) => ({
  resource: path,
  path,
  httpMethod: method,
  headers,
  multiValueHeaders: {},
  queryStringParameters: null,
  multiValueQueryStringParameters: null,
  pathParameters: null,
  stageVariables: null,
  isBase64Encoded: false,
  body,
  requestContext: { requestId: randomUUID(), identity: { sourceIp: '127.0.0.1', ...identity } },
});
const events: Record<string, unknown> = {
  enqueue: proxyEvent('POST', '/jobs', { 'Content-Type': 'application/json' }, JSON.stringify({ type: 'noop' }), {}),
  admin: proxyEvent('GET', '/admin/stats', {}, null, { userArn: 'arn:aws:iam::123456789012:user/bench' }),
  'worker-poller': { 'detail-type': 'Scheduled Event', source: 'aws.events', detail: {} },
  dlq: { jobId: '01HZZZZZZZZZZZZZZZZZZZZZZZ' },
  bare: {},
};
const deadline = Date.now() + 60_000;
const context = {
  functionName: `bench-${kind}`,
  functionVersion: '$LATEST',
  invokedFunctionArn: `arn:aws:lambda:us-east-1:000000000000:function:bench-${kind}`,
  memoryLimitInMB: '512',
  awsRequestId: randomUUID(),
  logGroupName: '/aws/lambda/bench',
  logStreamName: 'bench',
  callbackWaitsForEmptyEventLoop: true,
  getRemainingTimeInMillis: () => deadline - Date.now(),
};

// Required, as Lambda's runtime loads a CommonJS bundle: synchronously, timed from process start. This
// file is itself bundled as CommonJS (no import.meta): resolve from its own path, argv[1].
const { handler } = createRequire(process.argv[1]!)(bundle) as { handler: (event: unknown, context: unknown) => Promise<unknown> };
const readyMs = performance.now();
void handler(events[kind], context).then(
  (response) => {
    process.stdout.write(
      `${JSON.stringify({ readyMs, firstResponseMs: performance.now(), ok: response !== undefined || kind === 'bare' })}\n`,
    );
    process.exit(0); // as Lambda freezes the sandbox: open sockets must not delay the measurement
  },
  (error: unknown) => {
    process.stderr.write(`${String(error)}\n`);
    process.exit(1);
  },
);
