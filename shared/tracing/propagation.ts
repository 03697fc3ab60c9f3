import { context as api, ROOT_CONTEXT, trace, type Context, type TextMapGetter, type TextMapPropagator } from '@opentelemetry/api';
import { CompositePropagator, W3CBaggagePropagator, W3CTraceContextPropagator } from '@opentelemetry/core';
import { B3InjectEncoding, B3Propagator } from '@opentelemetry/propagator-b3';
import { PROPAGATION_FORMATS, type PropagationFormat } from './config';
import { JaegerPropagator, UBER_BAGGAGE_PREFIX, UBER_TRACE_ID } from './jaeger-propagator';
import { XRayW3CPropagator } from './xray-w3c-propagator';

/** A propagation carrier: header-style keys to string values (what a job stores as `trace`). */
export type Carrier = Record<string, string>;

const baggage = () => new W3CBaggagePropagator();
const BAGGAGE = baggage();

/**
 * The propagator of a format. Baggage travels with every format (Jaeger carries it as `uberctx-*`,
 * the others as the W3C `baggage` header), so nothing a producer put in baggage is lost in the job; `xray`
 * carries the W3C trace headers too, so tracestate is not lost either.
 */
export function createPropagator(format: PropagationFormat): TextMapPropagator {
  switch (format) {
    case 'w3c':
      return new CompositePropagator({ propagators: [new W3CTraceContextPropagator(), baggage()] });
    case 'xray':
      return new CompositePropagator({ propagators: [new XRayW3CPropagator(), baggage()] });
    case 'b3':
      return new CompositePropagator({ propagators: [new B3Propagator({ injectEncoding: B3InjectEncoding.SINGLE_HEADER }), baggage()] });
    case 'jaeger':
      return new JaegerPropagator();
  }
}

/**
 * A carrier's string values by lower-cased name, built once per extraction: API Gateway keeps headers as
 * clients sent them, and each propagator asks for several names.
 */
function lowerCased(carrier: Record<string, unknown>): Map<string, string | string[]> {
  const view = new Map<string, string | string[]>();
  for (const [k, v] of Object.entries(carrier)) {
    if (typeof v === 'string' || (Array.isArray(v) && v.every((x) => typeof x === 'string')))
      view.set(k.toLowerCase(), v as string | string[]);
  }
  return view;
}

/** Whether a header name is any format's: most requests carry none, and then no propagator need look. */
function isTraceHeader(name: string): boolean {
  const key = name.toLowerCase();
  return (
    key === 'traceparent' ||
    key === 'x-amzn-trace-id' ||
    key === 'b3' ||
    key === 'x-b3-traceid' ||
    key === UBER_TRACE_ID ||
    key === 'baggage' ||
    key.startsWith(UBER_BAGGAGE_PREFIX)
  );
}

function hasTraceHeader(carrier: Record<string, unknown>): boolean {
  for (const name in carrier) if (isTraceHeader(name)) return true;
  return false;
}

const headerGetter: TextMapGetter<Map<string, string | string[]>> = {
  keys: (view) => [...view.keys()],
  get: (view, key) => view.get(key.toLowerCase()),
};

/** Writes the context's trace (and baggage) into a fresh carrier. */
export function injectCarrier(propagator: TextMapPropagator, ctx: Context = api.active()): Carrier {
  const carrier: Carrier = {};
  try {
    propagator.inject(ctx, carrier, { set: (c, k, v) => void (c[k] = String(v)) });
  } catch {
    // A propagator must never break the caller; an empty carrier just starts a new trace downstream.
  }
  return carrier;
}

/**
 * The context a carrier describes: its remote span (with tracestate and the sampled flag) and baggage.
 * Tries the configured propagator first, then the other formats, so jobs written by a differently
 * configured producer still join their trace. Garbage never throws: it yields `base` (a new root).
 */
export function extractContext(propagators: readonly TextMapPropagator[], carrier: unknown, base: Context = ROOT_CONTEXT): Context {
  if (!carrier || typeof carrier !== 'object' || Array.isArray(carrier)) return base;
  // Checked on the carrier itself, before the lower-cased copy is made for the propagators.
  if (!hasTraceHeader(carrier as Record<string, unknown>)) return base;
  const view = lowerCased(carrier as Record<string, unknown>);
  for (const propagator of propagators) {
    try {
      const ctx = propagator.extract(base, view, headerGetter);
      if (trace.getSpanContext(ctx)) return ctx;
    } catch {
      // try the next format
    }
  }
  // No trace in the carrier; keep baggage if there is any.
  try {
    return BAGGAGE.extract(base, view, headerGetter);
  } catch {
    return base;
  }
}

/** Every format's propagator, the configured one first: the extraction order. */
export function extractionOrder(format: PropagationFormat): TextMapPropagator[] {
  const formats: PropagationFormat[] = [format, ...PROPAGATION_FORMATS.filter((f) => f !== format)];
  return formats.map(createPropagator);
}
