import {
  createContextKey,
  isValidSpanId,
  isValidTraceId,
  propagation,
  trace,
  TraceFlags,
  type Context,
  type TextMapGetter,
  type TextMapPropagator,
  type TextMapSetter,
} from '@opentelemetry/api';
import { isTracingSuppressed } from '@opentelemetry/core';

/**
 * Jaeger's native propagation format, as its client-library documentation specifies it
 * (jaegertracing.io, "Propagation Format"). Our own because `@opentelemetry/propagator-jaeger` is
 * deprecated upstream and has no release for SDK 3; it also read any malformed flags as "sampled" and
 * accepted non-hex ids, which this one refuses.
 *
 *   uber-trace-id: {trace-id}:{span-id}:{parent-span-id}:{flags}
 *   uberctx-{baggage-key}: {url-encoded value}
 *
 * Like every propagator here it never throws: a malformed header leaves the context unchanged.
 */
export const UBER_TRACE_ID = 'uber-trace-id';
export const UBER_BAGGAGE_PREFIX = 'uberctx-';

const SAMPLED = 0x01;
const DEBUG = 0x02;
/** Whether the incoming trace was marked debug, so the flag travels on to the next hop. */
const DEBUG_KEY = createContextKey('traced-queue.jaeger-debug');

const HEX_ID = /^[0-9a-f]+$/i;
const FLAGS = /^[0-9a-f]{1,2}$/i;

/** `value` zero-padded on the left to `width` hex digits, or undefined when it is not 1..width hex digits. */
function paddedHex(value: string, width: number): string | undefined {
  if (value.length === 0 || value.length > width || !HEX_ID.test(value)) return undefined;
  return value.toLowerCase().padStart(width, '0');
}

/** One header value: the only one given, or none when a carrier holds several (which one would be the caller's?). */
function single(value: string | string[] | undefined): string | undefined {
  if (Array.isArray(value)) return value.length === 1 ? value[0] : undefined;
  return value;
}

function decode(value: string): string | undefined {
  try {
    return decodeURIComponent(value);
  } catch {
    return undefined;
  }
}

interface Parsed {
  readonly traceId: string;
  readonly spanId: string;
  readonly flags: number;
}

function parseTraceHeader(header: string): Parsed | undefined {
  // Some clients URL-encode the whole value (`%3A` for `:`).
  const decoded = decode(header.trim());
  const parts = decoded?.split(':');
  if (!parts || parts.length !== 4) return undefined;
  const [rawTrace, rawSpan, rawParent, rawFlags] = parts as [string, string, string, string];
  const traceId = paddedHex(rawTrace, 32);
  const spanId = paddedHex(rawSpan, 16);
  // The parent span id is deprecated and ignored, but it must still be a 64-bit hex value.
  if (!traceId || !spanId || !paddedHex(rawParent, 16) || !FLAGS.test(rawFlags)) return undefined;
  if (!isValidTraceId(traceId) || !isValidSpanId(spanId)) return undefined; // all zeros
  return { traceId, spanId, flags: parseInt(rawFlags, 16) };
}

export class JaegerPropagator implements TextMapPropagator {
  inject(context: Context, carrier: unknown, setter: TextMapSetter): void {
    if (isTracingSuppressed(context)) return;
    const spanContext = trace.getSpanContext(context);
    if (spanContext && isValidTraceId(spanContext.traceId) && isValidSpanId(spanContext.spanId)) {
      const sampled = spanContext.traceFlags & TraceFlags.SAMPLED;
      const flags = sampled ? (context.getValue(DEBUG_KEY) === true ? SAMPLED | DEBUG : SAMPLED) : 0;
      setter.set(carrier, UBER_TRACE_ID, `${spanContext.traceId}:${spanContext.spanId}:0:0${flags}`);
    }
    for (const [key, entry] of propagation.getBaggage(context)?.getAllEntries() ?? []) {
      setter.set(carrier, UBER_BAGGAGE_PREFIX + key, encodeURIComponent(entry.value));
    }
  }

  extract(context: Context, carrier: unknown, getter: TextMapGetter): Context {
    let ctx = context;
    const header = single(getter.get(carrier, UBER_TRACE_ID));
    const parsed = header === undefined ? undefined : parseTraceHeader(header);
    if (parsed) {
      // "Debug flag should only be set when the sampled flag is set": debug implies sampled.
      const debug = (parsed.flags & DEBUG) !== 0;
      const sampled = debug || (parsed.flags & SAMPLED) !== 0;
      ctx = trace.setSpanContext(ctx, {
        traceId: parsed.traceId,
        spanId: parsed.spanId,
        traceFlags: sampled ? TraceFlags.SAMPLED : TraceFlags.NONE,
        isRemote: true,
      });
      if (debug) ctx = ctx.setValue(DEBUG_KEY, true);
    }
    return this.extractBaggage(ctx, carrier, getter);
  }

  fields(): string[] {
    // Baggage headers are named per key, so they cannot be listed (as in every Jaeger propagator).
    return [UBER_TRACE_ID];
  }

  private extractBaggage(context: Context, carrier: unknown, getter: TextMapGetter): Context {
    let baggage = propagation.getBaggage(context);
    let found = false;
    for (const name of getter.keys(carrier)) {
      if (name.length <= UBER_BAGGAGE_PREFIX.length || name.slice(0, UBER_BAGGAGE_PREFIX.length).toLowerCase() !== UBER_BAGGAGE_PREFIX)
        continue;
      const raw = single(getter.get(carrier, name));
      const value = raw === undefined ? undefined : decode(raw);
      if (value === undefined) continue;
      baggage = (baggage ?? propagation.createBaggage()).setEntry(name.slice(UBER_BAGGAGE_PREFIX.length).toLowerCase(), { value });
      found = true;
    }
    return found && baggage ? propagation.setBaggage(context, baggage) : context;
  }
}
