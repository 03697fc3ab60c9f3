import { context, trace, type Span } from '@opentelemetry/api';
import type { APIGatewayProxyEvent } from 'aws-lambda';
import { ExportResultCode } from '@opentelemetry/core';
import { InMemorySpanExporter, type ReadableSpan, type SpanExporter } from '@opentelemetry/sdk-trace';
import { traced } from '../../shared/middleware/tracing';
import { parseTracingConfig, type Env } from '../../shared/tracing/config';
import { initTracing, type Tracing } from '../../shared/tracing/tracing';
import { apiGatewayEvent, lambdaContext, scheduledEvent } from '../support/lambda-events';
import { sleep } from '../support/redis';

const TRACE_ID = '5759e988bd862e3fe1be46a994272793';
const PARENT = '53995c3f42cd8ad8';

function setup(env: Env = {}, exporter: SpanExporter = new InMemorySpanExporter()) {
  // A batch processor with a long delay: spans are in the exporter only if the middleware flushed them.
  const tracing = initTracing(parseTracingConfig({ TRACING_SAMPLING_STRATEGY: 'always', TRACING_BATCH_TIMEOUT_MS: '60000', ...env }), {
    exporter,
    register: false,
    log: () => undefined,
  });
  return { tracing, spans: () => (exporter as InMemorySpanExporter).getFinishedSpans() };
}

/** A handler that does traced work the way the functions do: a child span of whatever is active. */
function childSpanHandler(tracing: Tracing) {
  return async () => {
    const child = tracing.tracer.startSpan('work');
    await sleep(5);
    child.end();
    return { statusCode: 202, body: '{}' };
  };
}

const byName = (spans: ReadableSpan[], name: string) => spans.find((s) => s.name === name)!;

describe('Middleware: tracing', () => {
  it('restores the parent from a traceparent header and makes the invocation span active for the handler', async () => {
    const { tracing, spans } = setup();
    const handler = traced(childSpanHandler(tracing), { tracing });
    const response = await handler(apiGatewayEvent({ headers: { traceparent: `00-${TRACE_ID}-${PARENT}-01` } }), lambdaContext());
    expect(response).toMatchObject({ statusCode: 202 });
    // Flushed before the response was returned: the batch processor alone would wait a minute.
    const invocation = byName(spans(), 'POST /jobs');
    const work = byName(spans(), 'work');
    expect(invocation.spanContext().traceId).toBe(TRACE_ID);
    expect(invocation.parentSpanContext?.spanId).toBe(PARENT);
    expect(work.parentSpanContext?.spanId).toBe(invocation.spanContext().spanId);
    expect(invocation.attributes).toMatchObject({
      'http.request.method': 'POST',
      'http.route': '/jobs',
      'http.response.status_code': 202,
      'faas.trigger': 'http',
    });
  });

  it('reads an X-Amzn-Trace-Id header when the format is X-Ray', async () => {
    const { tracing, spans } = setup({ TRACING_PROPAGATION_FORMAT: 'xray' });
    const handler = traced(childSpanHandler(tracing), { tracing });
    await handler(
      apiGatewayEvent({ headers: { 'X-Amzn-Trace-Id': `Root=1-5759e988-bd862e3fe1be46a994272793;Parent=${PARENT};Sampled=1` } }),
      lambdaContext(),
    );
    expect(byName(spans(), 'POST /jobs').parentSpanContext).toMatchObject({ traceId: TRACE_ID, spanId: PARENT });
  });

  /** A request as API Gateway delivers repeated headers: all values in multiValueHeaders, the last in headers. */
  const repeated = (name: string, values: string[]): APIGatewayProxyEvent => {
    const event = apiGatewayEvent({ headers: { [name]: values.at(-1)! } });
    return { ...event, multiValueHeaders: { ...event.multiValueHeaders, [name]: values } };
  };

  it('joins repeated tracestate headers into one list, as W3C Trace Context combines them', async () => {
    const { tracing, spans } = setup();
    const handler = traced(childSpanHandler(tracing), { tracing });
    const event = repeated('tracestate', ['congo=t61rcWkgMzE', 'rojo=00f067aa0ba902b7', '']);
    event.multiValueHeaders.traceparent = [`00-${TRACE_ID}-${PARENT}-01`];
    event.headers.traceparent = `00-${TRACE_ID}-${PARENT}-01`;
    await handler(event, lambdaContext());
    const state = byName(spans(), 'POST /jobs').parentSpanContext?.traceState;
    expect([state?.get('congo'), state?.get('rojo')]).toEqual(['t61rcWkgMzE', '00f067aa0ba902b7']);
  });

  it('restarts the trace when a request carries two traceparent headers, continuing neither', async () => {
    const { tracing, spans } = setup();
    const handler = traced(childSpanHandler(tracing), { tracing });
    const other = 'a'.repeat(32);
    await handler(repeated('traceparent', [`00-${TRACE_ID}-${PARENT}-01`, `00-${other}-${PARENT}-01`]), lambdaContext());
    const invocation = byName(spans(), 'POST /jobs');
    expect(invocation.parentSpanContext).toBeUndefined();
    expect([TRACE_ID, other]).not.toContain(invocation.spanContext().traceId);
  });

  it('gives every hop under an unsampled parent a span id of its own, so no two jobs carry the same parent-id', async () => {
    const { tracing, spans } = setup();
    const carriers: Array<Record<string, string>> = [];
    const handler = traced(
      async () => {
        for (let i = 0; i < 2; i++) {
          const span = tracing.startSpan('queue.enqueue');
          carriers.push(tracing.inject(trace.setSpan(context.active(), span)));
          span.end();
        }
        return { statusCode: 202, body: '{}' };
      },
      { tracing },
    );
    await handler(apiGatewayEvent({ headers: { traceparent: `00-${TRACE_ID}-${PARENT}-00` } }), lambdaContext());
    expect(spans()).toEqual([]);
    const ids = carriers.map((c) => /^00-([0-9a-f]{32})-([0-9a-f]{16})-00$/.exec(c.traceparent!)!.slice(1));
    expect(ids.map(([traceId]) => traceId)).toEqual([TRACE_ID, TRACE_ID]);
    const spanIds = ids.map(([, spanId]) => spanId);
    expect(new Set([...spanIds, PARENT]).size).toBe(3);
  });

  it('restores the parent from the carrier of a job it is invoked with', async () => {
    const { tracing, spans } = setup();
    const handler = traced(childSpanHandler(tracing), { tracing });
    await handler({ job: { id: 'J', trace: { traceparent: `00-${TRACE_ID}-${PARENT}-01` } } }, lambdaContext({ functionName: 'tq-dlq' }));
    const invocation = byName(spans(), 'tq-dlq');
    expect(invocation.parentSpanContext?.spanId).toBe(PARENT);
    expect(invocation.attributes['faas.trigger']).toBe('pubsub');
  });

  it("follows Lambda's trace header when it says Sampled=1 and ignores it when it says Sampled=0", async () => {
    const { tracing, spans } = setup();
    const handler = traced(childSpanHandler(tracing), { tracing });
    const withHeader = async (name: string, header: string) => {
      process.env._X_AMZN_TRACE_ID = header; // as Lambda's runtime sets it before each invocation
      try {
        await handler(scheduledEvent(), lambdaContext({ functionName: name }));
      } finally {
        delete process.env._X_AMZN_TRACE_ID;
      }
    };
    await withHeader('sampled', `Root=1-5759e988-bd862e3fe1be46a994272793;Parent=${PARENT};Sampled=1`);
    await withHeader('unsampled', `Root=1-5759e988-bd862e3fe1be46a994272793;Parent=${PARENT};Sampled=0`);
    expect(byName(spans(), 'sampled').parentSpanContext?.traceId).toBe(TRACE_ID);
    // Active tracing off still yields Sampled=0: following it would drop every trace. A new root instead.
    const fresh = byName(spans(), 'unsampled');
    expect(fresh.parentSpanContext).toBeUndefined();
    expect(fresh.spanContext().traceId).not.toBe(TRACE_ID);
    expect(fresh.attributes['faas.trigger']).toBe('timer');
  });

  it('produces no spans at all below an unsampled request', async () => {
    const { tracing, spans } = setup();
    const handler = traced(childSpanHandler(tracing), { tracing });
    await handler(apiGatewayEvent({ headers: { traceparent: `00-${TRACE_ID}-${PARENT}-00` } }), lambdaContext());
    expect(spans()).toEqual([]);
  });

  it('records a thrown error on the invocation span and still rethrows it', async () => {
    const { tracing, spans } = setup();
    const handler = traced(
      async () => {
        throw new Error('boom');
      },
      { tracing },
    );
    await expect(handler(scheduledEvent(), lambdaContext({ functionName: 'failing' }))).rejects.toThrow('boom');
    const span = byName(spans(), 'failing');
    expect(span.status).toMatchObject({ code: 2, message: 'boom' });
    expect(span.events.map((e) => e.name)).toContain('exception');
  });

  it('marks only the first invocation of the environment as a cold start', async () => {
    const { tracing, spans } = setup();
    vi.resetModules(); // a new environment: module state starts over
    const fresh = await import('../../shared/middleware/tracing');
    const handler = fresh.traced(childSpanHandler(tracing), { tracing });
    await handler(scheduledEvent(), lambdaContext({ functionName: 'first' }));
    await handler(scheduledEvent(), lambdaContext({ functionName: 'second' }));
    expect(byName(spans(), 'first').attributes['faas.coldstart']).toBe(true);
    expect(byName(spans(), 'second').attributes['faas.coldstart']).toBe(false);
  });

  it('still ends and flushes its span when another middleware answers early', async () => {
    const { tracing, spans } = setup();
    const handler = traced(childSpanHandler(tracing), { tracing }).use({
      before: async () => ({ statusCode: 400, body: '{"error":"bad"}' }), // e.g. a validator refusing the request
    });
    const response = await handler(apiGatewayEvent(), lambdaContext());
    expect(response).toMatchObject({ statusCode: 400 });
    const invocation = byName(spans(), 'POST /jobs');
    expect(invocation.ended).toBe(true);
    expect(invocation.attributes['http.response.status_code']).toBe(400);
    expect(spans().find((s) => s.name === 'work')).toBeUndefined();
  });

  it('keeps overlapping invocations apart', async () => {
    const { tracing, spans } = setup();
    const seen: Record<string, string | undefined> = {};
    const handler = traced(
      async (event: { tag: string; trace: Record<string, string> }) => {
        await sleep(event.tag === 'a' ? 30 : 5); // interleave: b finishes while a still runs
        const child: Span = tracing.tracer.startSpan(`work-${event.tag}`);
        seen[event.tag] = trace.getActiveSpan()?.spanContext().traceId;
        child.end();
        return event.tag;
      },
      { tracing },
    );
    const traceA = 'a'.repeat(32);
    const traceB = 'b'.repeat(32);
    await Promise.all([
      handler({ tag: 'a', trace: { traceparent: `00-${traceA}-${PARENT}-01` } }, lambdaContext({ functionName: 'fa' })),
      handler({ tag: 'b', trace: { traceparent: `00-${traceB}-${PARENT}-01` } }, lambdaContext({ functionName: 'fb' })),
    ]);
    expect(seen).toEqual({ a: traceA, b: traceB });
    expect(byName(spans(), 'work-a').parentSpanContext?.spanId).toBe(byName(spans(), 'fa').spanContext().spanId);
    expect(byName(spans(), 'work-b').parentSpanContext?.spanId).toBe(byName(spans(), 'fb').spanContext().spanId);
    expect(trace.getActiveSpan()).toBeUndefined(); // nothing leaked into the caller's context
  });

  it("waits only for its own spans: an unsampled invocation returns without waiting for another's slow export", async () => {
    const memory = new InMemorySpanExporter();
    const slow: SpanExporter = {
      export: (batch, done) => setTimeout(() => memory.export(batch, done), 300),
      shutdown: async () => undefined,
    };
    const { tracing } = setup({ TRACING_FLUSH_TIMEOUT_MS: '5000' }, slow);
    // The sampled invocation ends a span early and runs on: the unsampled one finishes in between.
    const handler = traced(
      async (event: APIGatewayProxyEvent) => {
        tracing.tracer.startSpan('work').end();
        if (event.headers.traceparent?.endsWith('-01')) await sleep(60);
        return { statusCode: 202, body: '{}' };
      },
      { tracing },
    );
    const call = (flags: string) => {
      const started = Date.now();
      const event = apiGatewayEvent({ headers: { traceparent: `00-${TRACE_ID}-${PARENT}-${flags}` } });
      return handler(event, lambdaContext()).then(() => Date.now() - started);
    };
    const [sampledMs, unsampledMs] = await Promise.all([call('01'), sleep(20).then(() => call('00'))]);
    expect(sampledMs).toBeGreaterThanOrEqual(300 + 60); // its own spans were exported before it returned
    expect(
      memory
        .getFinishedSpans()
        .map((s) => s.name)
        .sort(),
    ).toEqual(['POST /jobs', 'work']);
    expect(unsampledMs).toBeLessThan(200);
  });

  it('never lets a stuck exporter hold the response past the time the invocation has left', async () => {
    const stuck: SpanExporter = { export: () => undefined, shutdown: async () => undefined };
    // The processor's own export timeout (2 s) is longer than the test's bound: only the time left can end the wait.
    const { tracing } = setup({ TRACING_FLUSH_TIMEOUT_MS: '5000', TRACING_EXPORT_TIMEOUT_MS: '2000' }, stuck);
    const handler = traced(childSpanHandler(tracing), { tracing });
    const started = Date.now();
    await handler(apiGatewayEvent(), lambdaContext({ remainingMs: 300 }));
    expect(Date.now() - started).toBeLessThan(1000);
    await tracing.shutdown(); // the processor gives up on the stuck export after its own timeout
  });

  it('leaves a failing export out of the response', async () => {
    const failing: SpanExporter = {
      export: (_s, cb) => cb({ code: ExportResultCode.FAILED, error: new Error('collector down') }),
      shutdown: async () => undefined,
    };
    const { tracing } = setup({}, failing);
    const handler = traced(childSpanHandler(tracing), { tracing });
    await expect(handler(apiGatewayEvent(), lambdaContext())).resolves.toMatchObject({ statusCode: 202 });
  });
});
