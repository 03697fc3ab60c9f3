import {
  context,
  defaultTextMapGetter,
  defaultTextMapSetter,
  propagation,
  ROOT_CONTEXT,
  trace,
  TraceFlags,
  type Context,
} from '@opentelemetry/api';
import { suppressTracing } from '@opentelemetry/core';
import { JaegerPropagator, UBER_TRACE_ID } from '../../shared/tracing/jaeger-propagator';

// Examples from Jaeger's "Propagation Format" documentation (jaegertracing.io, client libraries).
const jaeger = new JaegerPropagator();
const extract = (carrier: Record<string, string | string[]>, base: Context = ROOT_CONTEXT) =>
  jaeger.extract(base, carrier, defaultTextMapGetter);
const spanContextOf = (carrier: Record<string, string | string[]>) => trace.getSpanContext(extract(carrier));
const baggageOf = (ctx: Context) => Object.fromEntries((propagation.getBaggage(ctx)?.getAllEntries() ?? []).map(([k, e]) => [k, e.value]));
function inject(ctx: Context): Record<string, string> {
  const carrier: Record<string, string> = {};
  jaeger.inject(ctx, carrier, defaultTextMapSetter);
  return carrier;
}

describe('Jaeger propagation: uber-trace-id', () => {
  it('reads {trace-id}:{span-id}:{parent-span-id}:{flags} as the remote parent', () => {
    expect(spanContextOf({ [UBER_TRACE_ID]: '000000000000000000000000deadbeef:00000000deadbef0:00000000:01' })).toEqual({
      traceId: '000000000000000000000000deadbeef',
      spanId: '00000000deadbef0',
      traceFlags: TraceFlags.SAMPLED,
      isRemote: true,
    });
  });

  it('zero-pads shorter ids on the left, as receivers must', () => {
    expect(spanContextOf({ [UBER_TRACE_ID]: 'deadbeef:bef0:0:1' })).toMatchObject({
      traceId: '000000000000000000000000deadbeef',
      spanId: '000000000000bef0',
    });
    // A 64-bit trace id, as older Jaeger clients send.
    expect(spanContextOf({ [UBER_TRACE_ID]: '5eb1a09b7c9a31c5:5eb1a09b7c9a31c5:0:1' })?.traceId).toBe('00000000000000005eb1a09b7c9a31c5');
  });

  it('accepts flags as one or two hex digits: bit 1 sampled, bit 2 debug (implies sampled), other bits ignored', () => {
    const flags = (f: string) => spanContextOf({ [UBER_TRACE_ID]: `abc:def:0:${f}` })?.traceFlags;
    expect(flags('1')).toBe(TraceFlags.SAMPLED);
    expect(flags('01')).toBe(TraceFlags.SAMPLED);
    expect(flags('0')).toBe(TraceFlags.NONE);
    expect(flags('00')).toBe(TraceFlags.NONE);
    expect(flags('2')).toBe(TraceFlags.SAMPLED); // debug without sampled: still sampled
    expect(flags('03')).toBe(TraceFlags.SAMPLED);
    expect(flags('8')).toBe(TraceFlags.NONE); // firehose alone: not sampled
    expect(flags('9')).toBe(TraceFlags.SAMPLED);
  });

  it('reads a URL-encoded header value', () => {
    expect(spanContextOf({ [UBER_TRACE_ID]: 'abc%3Adef%3A0%3A1' })).toMatchObject({
      traceId: `${'0'.repeat(29)}abc`,
      spanId: `${'0'.repeat(13)}def`,
    });
  });

  it.each([
    ['a zero trace id', '0:def:0:1'],
    ['a zero span id', 'abc:0:0:1'],
    ['a trace id over 128 bits', `${'a'.repeat(33)}:def:0:1`],
    ['a span id over 64 bits', `abc:${'d'.repeat(17)}:0:1`],
    ['non-hex ids', 'xyz:def:0:1'],
    ['a non-hex parent id', 'abc:def:zz:1'],
    ['flags that are not one byte of hex', 'abc:def:0:100'],
    ['non-hex flags', 'abc:def:0:x'],
    ['three fields', 'abc:def:1'],
    ['five fields', 'abc:def:0:1:1'],
    ['an empty field', 'abc::0:1'],
    ['a broken escape', 'abc%3:def:0:1'],
  ])('ignores %s and keeps the context it was given', (_what, header) => {
    const base = ROOT_CONTEXT.setValue(Symbol.for('kept'), 1);
    const ctx = extract({ [UBER_TRACE_ID]: header }, base);
    expect(ctx).toBe(base);
  });

  it('trusts none of several uber-trace-id values', () => {
    expect(spanContextOf({ [UBER_TRACE_ID]: ['abc:def:0:1', 'abd:def:0:1'] })).toBeUndefined();
    expect(spanContextOf({ [UBER_TRACE_ID]: ['abc:def:0:1'] })?.traceId).toBe(`${'0'.repeat(29)}abc`);
  });

  it('writes the active span with a zero parent and two-digit flags, keeping a debug mark it received', () => {
    const sampled = trace.setSpanContext(ROOT_CONTEXT, { traceId: 'a'.repeat(32), spanId: 'b'.repeat(16), traceFlags: TraceFlags.SAMPLED });
    expect(inject(sampled)).toEqual({ [UBER_TRACE_ID]: `${'a'.repeat(32)}:${'b'.repeat(16)}:0:01` });
    const unsampled = trace.setSpanContext(ROOT_CONTEXT, { traceId: 'a'.repeat(32), spanId: 'b'.repeat(16), traceFlags: TraceFlags.NONE });
    expect(inject(unsampled)[UBER_TRACE_ID]).toMatch(/:0:00$/);
    // A debug trace stays debug at the next hop, below a span of our own.
    const debug = extract({ [UBER_TRACE_ID]: 'abc:def:0:3' });
    const child = trace.setSpanContext(debug, { traceId: `${'0'.repeat(29)}abc`, spanId: 'c'.repeat(16), traceFlags: TraceFlags.SAMPLED });
    expect(inject(child)[UBER_TRACE_ID]).toBe(`${'0'.repeat(29)}abc:${'c'.repeat(16)}:0:03`);
  });

  it('writes nothing when tracing is suppressed or no span is active', () => {
    const ctx = trace.setSpanContext(ROOT_CONTEXT, { traceId: 'a'.repeat(32), spanId: 'b'.repeat(16), traceFlags: TraceFlags.SAMPLED });
    expect(inject(suppressTracing(ctx))).toEqual({});
    expect(inject(ROOT_CONTEXT)).toEqual({});
  });

  it('names only uber-trace-id among its fields (baggage header names depend on the keys)', () => {
    expect(jaeger.fields()).toEqual([UBER_TRACE_ID]);
  });
});

describe('Jaeger propagation: uberctx-* baggage', () => {
  it('reads one header per key, URL-decoded, with or without a trace header', () => {
    const ctx = extract({ 'uberctx-key1': 'value1', 'uberctx-key2': 'value2' });
    expect(baggageOf(ctx)).toEqual({ key1: 'value1', key2: 'value2' });
    expect(baggageOf(extract({ 'uberctx-key1': 'value%201%20%2F%20blah' }))).toEqual({ key1: 'value 1 / blah' });
    const both = extract({ [UBER_TRACE_ID]: 'abc:def:0:1', 'UberCtx-Key1': 'v' });
    expect(baggageOf(both)).toEqual({ key1: 'v' });
    expect(trace.getSpanContext(both)?.spanId).toBe(`${'0'.repeat(13)}def`);
  });

  it('skips a value that does not decode and a header with no key', () => {
    expect(baggageOf(extract({ 'uberctx-bad': '%E0%A4%A', 'uberctx-': 'x', 'uberctx-good': 'ok' }))).toEqual({ good: 'ok' });
  });

  it('adds to baggage already in the context', () => {
    const base = propagation.setBaggage(ROOT_CONTEXT, propagation.createBaggage({ tenant: { value: 'acme' } }));
    expect(baggageOf(extract({ 'uberctx-key1': 'value1' }, base))).toEqual({ tenant: 'acme', key1: 'value1' });
  });

  it('writes each baggage entry as a URL-encoded uberctx- header', () => {
    const ctx = propagation.setBaggage(
      context.active(),
      propagation.createBaggage({ key1: { value: 'value 1 / blah' }, key2: { value: 'value2' } }),
    );
    expect(inject(ctx)).toEqual({ 'uberctx-key1': 'value%201%20%2F%20blah', 'uberctx-key2': 'value2' });
    // What it writes, it reads back.
    expect(baggageOf(extract(inject(ctx)))).toEqual({ key1: 'value 1 / blah', key2: 'value2' });
  });
});
