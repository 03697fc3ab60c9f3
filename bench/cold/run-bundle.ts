/**
 * Loads one function bundle in this fresh process and serves it one invocation, timing both from process
 * start (performance.now() counts from there, so module loading is included). argv: bundle path, event kind.
 */
import { createRequire } from 'node:module';
import { apiGatewayEvent, lambdaContext } from '../../test/support/lambda-events';

const [bundle, kind] = process.argv.slice(2) as [string, string];
const events: Record<string, unknown> = {
  enqueue: apiGatewayEvent({ body: JSON.stringify({ type: 'noop' }) }),
  admin: apiGatewayEvent({ method: 'GET', path: '/admin/stats', userArn: 'arn:aws:iam::123456789012:user/bench' }),
  'worker-poller': { 'detail-type': 'Scheduled Event', source: 'aws.events', detail: {} },
  dlq: { jobId: '01HZZZZZZZZZZZZZZZZZZZZZZZ' },
  bare: {},
};
const context = lambdaContext({ functionName: `bench-${kind}`, remainingMs: 60_000 });

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
