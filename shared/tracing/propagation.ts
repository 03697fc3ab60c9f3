import { context as api, ROOT_CONTEXT, trace, type Context, type TextMapGetter, type TextMapPropagator } from '@opentelemetry/api';
import { CompositePropagator, W3CBaggagePropagator, W3CTraceContextPropagator } from '@opentelemetry/core';
import { AWSXRayPropagator } from '@opentelemetry/propagator-aws-xray';
import { B3InjectEncoding, B3Propagator } from '@opentelemetry/propagator-b3';
import { JaegerPropagator } from '@opentelemetry/propagator-jaeger';
import type { PropagationFormat } from './config';

/** A propagation carrier: header-style keys to string values (what a job stores as `trace`). */
export type Carrier = Record<string, string>;

const baggage = () => new W3CBaggagePropagator();

/**
 * The propagator of a format. Baggage travels with every format (Jaeger carries it as `uberctx-*`,
 * the others as the W3C `baggage` header), so nothing a producer put in baggage is lost in the job.
 */
export function createPropagator(format: PropagationFormat): TextMapPropagator {
  switch (format) {
    case 'w3c':
      return new CompositePropagator({ propagators: [new W3CTraceContextPropagator(), baggage()] });
    case 'xray':
      return new CompositePropagator({ propagators: [new AWSXRayPropagator(), baggage()] });
    case 'b3':
      return new CompositePropagator({ propagators: [new B3Propagator({ injectEncoding: B3InjectEncoding.SINGLE_HEADER }), baggage()] });
    case 'jaeger':
      return new JaegerPropagator();
  }
}

/** Header lookups that ignore case and multi-value arrays: API Gateway keeps headers as clients sent them. */
const headerGetter: TextMapGetter<Record<string, unknown>> = {
  keys: (carrier) => Object.keys(carrier),
  get(carrier, key) {
    const wanted = key.toLowerCase();
    for (const k of Object.keys(carrier)) {
      if (k.toLowerCase() !== wanted) continue;
      const v = carrier[k];
      if (typeof v === 'string') return v;
      if (Array.isArray(v) && v.every((x) => typeof x === 'string')) return v as string[];
    }
    return undefined;
  },
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
  for (const propagator of propagators) {
    try {
      const ctx = propagator.extract(base, carrier as Record<string, unknown>, headerGetter);
      if (trace.getSpanContext(ctx)) return ctx;
    } catch {
      // try the next format
    }
  }
  // No trace in the carrier; keep baggage if there is any.
  try {
    return baggage().extract(base, carrier as Record<string, unknown>, headerGetter);
  } catch {
    return base;
  }
}

/** Every format's propagator, the configured one first: the extraction order. */
export function extractionOrder(format: PropagationFormat): TextMapPropagator[] {
  const formats: PropagationFormat[] = [format, ...(['w3c', 'xray', 'b3', 'jaeger'] as const).filter((f) => f !== format)];
  return formats.map(createPropagator);
}
