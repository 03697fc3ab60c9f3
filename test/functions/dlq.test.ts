import { SNSClient } from '@aws-sdk/client-sns';
import type { ReadableSpan } from '@opentelemetry/sdk-trace';
import { createDlqHandler } from '../../functions/dlq/app';
import { createEnqueueHandler } from '../../functions/enqueue/app';
import { createPollerHandler } from '../../functions/worker-poller/app';
import { startLambdaInvokeServer, type LambdaInvokeServer } from '../../tools/local/lambda';
import { awsClientOptions } from '../../shared/services';
import { apiGatewayEvent, lambdaContext, scheduledEvent } from '../support/lambda-events';
import { sleep } from '../support/redis';
import { testServices, type TestServices } from '../support/services';
import { startSnsServer } from '../support/sns-server';
import { captureLogs } from '../support/logs';

const TRACE_ID = '4bf92f3577b34da6a3ce929d0e0e4736';
const TOPIC = 'arn:aws:sns:eu-west-1:123456789012:tq-dead-letters';

let invoke: LambdaInvokeServer;
let sns: Awaited<ReturnType<typeof startSnsServer>>;
beforeAll(async () => {
  invoke = await startLambdaInvokeServer({ log: () => undefined });
  sns = await startSnsServer();
});
afterAll(async () => {
  await invoke.stop();
  await sns.stop();
});
let t: TestServices;
let logs: ReturnType<typeof captureLogs>;
beforeEach(() => {
  logs = captureLogs();
});
afterEach(async () => {
  logs.restore();
  sns.published.length = 0;
  await t.close();
});

function setup(env: Record<string, string> = {}) {
  t = testServices('consumer', {
    POLLER_IDLE_MS: '100',
    POLLER_WAIT_MS: '50',
    POLLER_JOB_TIMEOUT_MS: '2000',
    POLLER_SAFETY_MARGIN_MS: '100',
    POLLER_FANOUT_BACKLOG: '0',
    LAMBDA_ENDPOINT: invoke.url,
    DLQ_FUNCTION_NAME: 'tq-dlq',
    DLQ_SNS_TOPIC_ARN: TOPIC,
    SNS_ENDPOINT: sns.url,
    DLQ_MAX_REDRIVES: '1',
    DLQ_REDRIVE_DELAY_MS: '200',
    ...env,
  });
  const snsClient = new SNSClient(awsClientOptions('eu-west-1', sns.url));
  const dlq = createDlqHandler({ tracing: t.tracing, runtime: t.runtime, sns: () => snsClient });
  invoke.register({ name: 'tq-dlq', handler: dlq });
  return {
    dlq,
    enqueue: createEnqueueHandler({ tracing: t.tracing, runtime: t.runtime }),
    poller: createPollerHandler({ tracing: t.tracing, runtime: t.runtime, lambda: () => t.lambda() }),
  };
}

const enqueueEvent = (body: unknown) =>
  apiGatewayEvent({ body: JSON.stringify(body), headers: { traceparent: `00-${TRACE_ID}-00f067aa0ba902b7-01` } });
const inTrace = (name: string) => t.spans().filter((s: ReadableSpan) => s.name === name && s.spanContext().traceId === TRACE_ID);

describe('dlq function', () => {
  it('records a dead-lettered job in its trace, publishes a summary, and redrives it once after the delay', async () => {
    const { enqueue, poller } = setup();
    const accepted = JSON.parse(
      (await enqueue(enqueueEvent({ type: 'fail', maxAttempts: 1, payload: { message: 'disk full', failTimes: 1 } }), lambdaContext()))
        .body,
    ) as { id: string };
    expect(await poller(scheduledEvent(), lambdaContext())).toMatchObject({ deadLettered: 1 });
    await invoke.idle();

    // The dlq invocation continues the job's trace, and the failure is an event on it.
    const [invocation] = inTrace('tq-dlq');
    expect(invocation!.attributes).toMatchObject({ 'job.id': accepted.id, 'dlq.category': 'error' });
    expect(invocation!.events.find((e) => e.name === 'job.dead_lettered')!.attributes).toMatchObject({
      reason: 'attempts_exhausted',
      attempts: 1,
    });
    expect(sns.published).toHaveLength(1);
    expect(sns.published[0]).toMatchObject({ topicArn: TOPIC, subject: `Job ${accepted.id} dead-lettered (error)` });
    expect(JSON.parse(sns.published[0]!.message)).toMatchObject({
      jobId: accepted.id,
      category: 'error',
      lastError: 'disk full',
      traceId: TRACE_ID,
    });
    expect(logs.out()).toContainEqual(
      expect.objectContaining({
        level: 'INFO',
        message: 'job dead-lettered',
        jobId: accepted.id,
        category: 'error',
        published: true,
        redriven: true,
        traceId: TRACE_ID,
      }),
    );

    // The redrive is a span in the job's trace, and the job is back after the delay.
    const [redrive] = inTrace('dlq.redrive');
    expect(redrive!.attributes).toMatchObject({ 'job.id': accepted.id, 'dlq.redrive.count': 1 });
    const rt = await t.runtime();
    expect(await rt.admin.info(accepted.id)).toMatchObject({ state: 'delayed', requeues: 1 });
    await sleep(250);
    expect(await poller(scheduledEvent(), lambdaContext())).toMatchObject({ succeeded: 1 });
    expect(await rt.admin.info(accepted.id)).toMatchObject({ state: 'completed' });
    expect(inTrace('job.process')).toHaveLength(2); // both attempts, one trace
  });

  it('redrives at most the configured number of times', async () => {
    const { enqueue, poller } = setup({ DLQ_REDRIVE_DELAY_MS: '0' });
    const { id } = JSON.parse((await enqueue(enqueueEvent({ type: 'fail', maxAttempts: 1 }), lambdaContext())).body) as { id: string };
    await poller(scheduledEvent(), lambdaContext());
    await invoke.idle();
    await poller(scheduledEvent(), lambdaContext()); // the redriven attempt fails again
    await invoke.idle();
    const rt = await t.runtime();
    expect(await rt.admin.info(id)).toMatchObject({ state: 'dead', requeues: 1 });
    expect(inTrace('dlq.redrive')).toHaveLength(1);
    expect(sns.published).toHaveLength(2);
  });

  it('sweeps dead letters nobody handled, on its schedule, once they are due', async () => {
    const { enqueue, poller, dlq } = setup({ DLQ_FUNCTION_NAME: '', DLQ_REDRIVE_DELAY_MS: '700' });
    const { id } = JSON.parse(
      (await enqueue(enqueueEvent({ type: 'fail', maxAttempts: 1, payload: { failTimes: 1 } }), lambdaContext())).body,
    ) as { id: string };
    await poller(scheduledEvent(), lambdaContext());
    expect(await dlq(scheduledEvent(), lambdaContext({ functionName: 'sweep' }))).toEqual({ examined: 0, redriven: 0 }); // not due yet
    await sleep(750);
    expect(await dlq(scheduledEvent(), lambdaContext({ functionName: 'sweep' }))).toEqual({ examined: 1, redriven: 1 });
    const rt = await t.runtime();
    expect((await rt.admin.info(id)).state).toBe('waiting');
    const [redrive] = inTrace('dlq.redrive');
    expect(redrive).toBeDefined(); // in the job's own trace, though the sweep started its own
    expect(
      t
        .spans()
        .filter((s) => s.name === 'sweep')
        .some((s) => s.links.some((l) => l.context.traceId === TRACE_ID)),
    ).toBe(true);
  });

  it('keeps redriving later dead letters when a whole sweep batch of exhausted ones sits at the head', async () => {
    const { dlq } = setup({ DLQ_FUNCTION_NAME: '', DLQ_REDRIVE_DELAY_MS: '0', DLQ_MAX_REDRIVES: '1', DLQ_SWEEP_BATCH: '2' });
    const rt = await t.runtime();
    const dead = async () => {
      const { id } = await rt.queue.enqueue({ type: 'noop', maxAttempts: 1 });
      const [job] = await rt.queue.dequeue({});
      await rt.queue.nack(job!, 'boom');
      return id;
    };
    const exhausted = [await dead(), await dead(), await dead()];
    for (const id of exhausted) await rt.redis.hset(rt.queue.keys.job(id), 'r', 1); // redriven once already
    const later = [await dead(), await dead(), await dead()];
    expect(await dlq(scheduledEvent(), lambdaContext({ functionName: 'sweep' }))).toEqual({ examined: 2, redriven: 2 });
    expect(await dlq(scheduledEvent(), lambdaContext({ functionName: 'sweep' }))).toEqual({ examined: 1, redriven: 1 });
    for (const id of later) expect((await rt.admin.info(id)).state).toBe('waiting');
    for (const id of exhausted) expect((await rt.admin.info(id)).state).toBe('dead');
  });

  it('does nothing for a job that is no longer dead-lettered', async () => {
    const { dlq } = setup();
    const rt = await t.runtime();
    const { id } = await rt.queue.enqueue({ type: 'noop' });
    expect(await dlq({ jobId: id }, lambdaContext())).toMatchObject({ jobId: id, category: null, published: false, redriveAt: null });
    expect(await dlq({ jobId: '01HZZZZZZZZZZZZZZZZZZZZZZZ' }, lambdaContext())).toMatchObject({ category: null });
    expect(logs.out()).toContainEqual(
      expect.objectContaining({ message: 'dead-lettered job no longer exists (purged?)', jobId: '01HZZZZZZZZZZZZZZZZZZZZZZZ' }),
    );
    expect(sns.published).toEqual([]);
  });

  it('refuses an event that is not a dead-letter notice', async () => {
    const { dlq } = setup();
    await expect(dlq({ jobId: 'not an id' }, lambdaContext())).rejects.toThrow('jobId');
  });
});
