import { InvokeStore, InvokeStoreBase } from '@aws/lambda-invoke-store';
import { InMemorySpanExporter } from '@opentelemetry/sdk-trace';
import { traced } from '../../shared/middleware/tracing';
import { parseTracingConfig } from '../../shared/tracing/config';
import { initTracing } from '../../shared/tracing/tracing';
import { lambdaContext, scheduledEvent } from '../support/lambda-events';
import { sleep } from '../support/redis';

/*
 * Lambda's runtime with several invocations in flight in one process (AWS_LAMBDA_MAX_CONCURRENCY): each
 * invocation's X-Ray header is in the invoke store, run per invocation; `_X_AMZN_TRACE_ID` holds at most
 * one of them. The store here is the real package, in its multi-concurrency mode, published on
 * globalThis.awslambda as the runtime publishes it (this file runs in a process of its own).
 */
const xray = (traceId: string, parent: string) => `Root=1-${traceId.slice(0, 8)}-${traceId.slice(8)};Parent=${parent};Sampled=1`;
const TRACE_A = 'a'.repeat(32);
const TRACE_B = 'b'.repeat(32);
const TRACE_ENV = 'e'.repeat(32);

let store: InvokeStoreBase;
const savedHeader = process.env._X_AMZN_TRACE_ID;
beforeAll(async () => {
  store = await InvokeStore.getInstanceAsync(true);
  process.env._X_AMZN_TRACE_ID = xray(TRACE_ENV, '1'.repeat(16)); // stale: some other invocation's
});
afterAll(() => {
  if (savedHeader === undefined) delete process.env._X_AMZN_TRACE_ID;
  else process.env._X_AMZN_TRACE_ID = savedHeader;
});

function setup() {
  const exporter = new InMemorySpanExporter();
  const tracing = initTracing(parseTracingConfig({ TRACING_SAMPLING_STRATEGY: 'always' }), {
    exporter,
    register: false,
    log: () => undefined,
  });
  return { tracing, spans: () => exporter.getFinishedSpans() };
}

/** As the runtime serves one invocation: inside the store, with its request id and trace header. */
function invoke<T>(traceHeader: string | undefined, fn: () => Promise<T>): Promise<T> {
  const keys = InvokeStoreBase.PROTECTED_KEYS;
  return store.run({ [keys.REQUEST_ID]: crypto.randomUUID(), ...(traceHeader ? { [keys.X_RAY_TRACE_ID]: traceHeader } : {}) }, fn);
}

describe("Middleware: Lambda's invoke store", () => {
  it('takes each overlapping invocation’s parent from the store, not from _X_AMZN_TRACE_ID', async () => {
    const { tracing, spans } = setup();
    const handler = traced(
      async (event: { wait: number }) => {
        await sleep(event.wait); // a outlives b: both are in flight at once
        return event.wait;
      },
      { tracing },
    );
    await Promise.all([
      invoke(xray(TRACE_A, '2'.repeat(16)), () => handler({ wait: 30 }, lambdaContext({ functionName: 'fa' }))),
      invoke(xray(TRACE_B, '3'.repeat(16)), () => handler({ wait: 5 }, lambdaContext({ functionName: 'fb' }))),
    ]);
    const parentOf = (name: string) => spans().find((s) => s.name === name)?.parentSpanContext;
    expect(parentOf('fa')).toMatchObject({ traceId: TRACE_A, spanId: '2'.repeat(16) });
    expect(parentOf('fb')).toMatchObject({ traceId: TRACE_B, spanId: '3'.repeat(16) });
  });

  it('starts a new root when the store has no header for the invocation, rather than borrow a stale one', async () => {
    const { tracing, spans } = setup();
    const handler = traced(async () => 'ok', { tracing });
    await invoke(undefined, () => handler(scheduledEvent(), lambdaContext({ functionName: 'untraced' })));
    const span = spans().find((s) => s.name === 'untraced')!;
    expect(span.parentSpanContext).toBeUndefined();
    expect(span.spanContext().traceId).not.toBe(TRACE_ENV);
  });

  it('falls back to _X_AMZN_TRACE_ID outside any invocation of the store', async () => {
    const { tracing, spans } = setup();
    const handler = traced(async () => 'ok', { tracing });
    await handler(scheduledEvent(), lambdaContext({ functionName: 'classic' }));
    expect(spans().find((s) => s.name === 'classic')!.parentSpanContext?.traceId).toBe(TRACE_ENV);
  });
});
