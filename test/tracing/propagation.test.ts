import { propagation, ROOT_CONTEXT, trace, TraceFlags, type Context } from '@opentelemetry/api';
import { createPropagator, extractContext, extractionOrder, injectCarrier } from '../../shared/tracing/propagation';
import type { PropagationFormat } from '../../shared/tracing/config';

const TRACE_ID = '5759e988bd862e3fe1be46a994272793';
const SPAN_ID = '53995c3f42cd8ad8';

function remoteContext(flags: TraceFlags, traceState?: string): Context {
  const base = trace.setSpanContext(ROOT_CONTEXT, {
    traceId: TRACE_ID,
    spanId: SPAN_ID,
    traceFlags: flags,
    isRemote: true,
    ...(traceState ? { traceState: createTraceState(traceState) } : {}),
  });
  const bag = propagation.createBaggage({ tenant: { value: 'acme' }, 'user.tier': { value: 'gold' } });
  return propagation.setBaggage(base, bag);
}

function createTraceState(raw: string) {
  // Round-trip through the W3C propagator to get the SDK's TraceState implementation.
  const ctx = createPropagator('w3c').extract(
    ROOT_CONTEXT,
    { traceparent: `00-${TRACE_ID}-${SPAN_ID}-01`, tracestate: raw },
    { get: (c, k) => (c as Record<string, string>)[k], keys: (c) => Object.keys(c as object) },
  );
  return trace.getSpanContext(ctx)!.traceState!;
}

describe.each<PropagationFormat>(['w3c', 'xray', 'b3', 'jaeger'])('%s propagation', (format) => {
  const readers = extractionOrder(format);

  it('round-trips the trace id, span id, sampled flag and baggage through a job carrier', () => {
    for (const flags of [TraceFlags.SAMPLED, TraceFlags.NONE]) {
      const carrier = injectCarrier(createPropagator(format), remoteContext(flags));
      expect(Object.values(carrier).every((v) => typeof v === 'string')).toBe(true);
      const ctx = extractContext(readers, carrier);
      expect(trace.getSpanContext(ctx)).toMatchObject({ traceId: TRACE_ID, spanId: SPAN_ID, traceFlags: flags, isRemote: true });
      expect(propagation.getBaggage(ctx)?.getEntry('tenant')?.value).toBe('acme');
    }
  });

  it('falls back to a new root on garbage, never throwing', () => {
    const garbage: unknown[] = [
      null,
      undefined,
      42,
      'traceparent',
      [],
      { traceparent: 'nonsense' },
      { 'x-amzn-trace-id': 'Root=1-zz' },
      { b3: '-' },
      { 'uber-trace-id': '::::' },
      { traceparent: `00-${'0'.repeat(32)}-${SPAN_ID}-01` },
      { traceparent: ['a', 'b'] },
      { traceparent: { nested: true } },
    ];
    for (const carrier of garbage) expect(trace.getSpanContext(extractContext(readers, carrier))).toBeUndefined();
  });
});

describe('propagation details', () => {
  it('keeps tracestate through a W3C carrier', () => {
    const carrier = injectCarrier(createPropagator('w3c'), remoteContext(TraceFlags.SAMPLED, 'vendor=abc,other=1'));
    expect(carrier.tracestate).toBe('vendor=abc,other=1');
    expect(trace.getSpanContext(extractContext(extractionOrder('w3c'), carrier))?.traceState?.serialize()).toBe('vendor=abc,other=1');
  });

  it('writes X-Ray headers in the 1-xxxxxxxx form with the sampled flag', () => {
    const carrier = injectCarrier(createPropagator('xray'), remoteContext(TraceFlags.SAMPLED));
    expect(carrier['x-amzn-trace-id']).toBe(`Root=1-5759e988-bd862e3fe1be46a994272793;Parent=${SPAN_ID};Sampled=1`);
  });

  it('with the xray format, carries the W3C headers beside X-Ray, so tracestate survives the queue', () => {
    const carrier = injectCarrier(createPropagator('xray'), remoteContext(TraceFlags.SAMPLED, 'vendor=abc,other=1'));
    expect(carrier).toMatchObject({
      'x-amzn-trace-id': `Root=1-5759e988-bd862e3fe1be46a994272793;Parent=${SPAN_ID};Sampled=1`,
      traceparent: `00-${TRACE_ID}-${SPAN_ID}-01`,
      tracestate: 'vendor=abc,other=1',
    });
    const ctx = trace.getSpanContext(extractContext(extractionOrder('xray'), carrier));
    expect(ctx).toMatchObject({ traceId: TRACE_ID, spanId: SPAN_ID, traceFlags: TraceFlags.SAMPLED });
    expect(ctx?.traceState?.serialize()).toBe('vendor=abc,other=1');
  });

  it("with the xray format, continues the X-Ray trace of a request and keeps its W3C caller's tracestate", () => {
    const headers = {
      'X-Amzn-Trace-Id': `Root=1-5759e988-bd862e3fe1be46a994272793;Parent=${SPAN_ID};Sampled=1`,
      traceparent: `00-${'a'.repeat(32)}-${'b'.repeat(16)}-01`,
      tracestate: 'congo=t61rcWkgMzE',
    };
    const ctx = trace.getSpanContext(extractContext(extractionOrder('xray'), headers));
    expect(ctx).toMatchObject({ traceId: TRACE_ID, spanId: SPAN_ID });
    expect(ctx?.traceState?.get('congo')).toBe('t61rcWkgMzE');
    // No X-Ray header: the W3C headers stand in.
    const w3cOnly = trace.getSpanContext(extractContext(extractionOrder('xray'), { traceparent: headers.traceparent }));
    expect(w3cOnly).toMatchObject({ traceId: 'a'.repeat(32), spanId: 'b'.repeat(16) });
  });

  it('reads API Gateway headers whatever their case', () => {
    const headers = {
      'X-Amzn-Trace-Id': `Root=1-5759e988-bd862e3fe1be46a994272793;Parent=${SPAN_ID};Sampled=1`,
      Traceparent: 'ignored-by-xray',
    };
    expect(trace.getSpanContext(extractContext(extractionOrder('xray'), headers))?.traceId).toBe(TRACE_ID);
    expect(trace.getSpanContext(extractContext(extractionOrder('w3c'), { TraceParent: `00-${TRACE_ID}-${SPAN_ID}-01` }))?.spanId).toBe(
      SPAN_ID,
    );
  });

  it('joins a job written in another format than the one configured', () => {
    const fromXRayProducer = injectCarrier(createPropagator('xray'), remoteContext(TraceFlags.SAMPLED));
    expect(trace.getSpanContext(extractContext(extractionOrder('w3c'), fromXRayProducer))?.traceId).toBe(TRACE_ID);
  });

  it('keeps baggage even when the carrier has no trace', () => {
    const ctx = extractContext(extractionOrder('w3c'), { baggage: 'tenant=acme' });
    expect(trace.getSpanContext(ctx)).toBeUndefined();
    expect(propagation.getBaggage(ctx)?.getEntry('tenant')?.value).toBe('acme');
  });

  it('injects nothing from a context without a span', () => {
    expect(injectCarrier(createPropagator('w3c'), ROOT_CONTEXT)).toEqual({});
  });
});
