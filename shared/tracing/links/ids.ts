/** W3C and X-Ray trace ids: recognise, convert, normalise. */
import { InvalidTraceIdError } from './errors';

const W3C_TRACE_ID = /^[0-9a-f]{32}$/;
const SPAN_ID = /^[0-9a-f]{16}$/;
// Version 1, then the first 8 hex (epoch seconds), then the other 24.
const XRAY_TRACE_ID = /^1-([0-9a-f]{8})-([0-9a-f]{24})$/;

/** A W3C trace id exactly as traceparent writes it: 32 lowercase hex, not all zeros. */
export function isTraceId(s: unknown): s is string {
  return typeof s === 'string' && W3C_TRACE_ID.test(s) && !isAllZeros(s);
}

/** An X-Ray trace id `1-xxxxxxxx-xxxxxxxxxxxxxxxxxxxxxxxx` whose W3C form is valid. */
export function isXRayTraceId(s: unknown): s is string {
  if (typeof s !== 'string') return false;
  const m = XRAY_TRACE_ID.exec(s);
  return m !== null && isTraceId(`${m[1]}${m[2]}`);
}

/** A W3C span id: 16 lowercase hex, not all zeros. */
export function isSpanId(s: unknown): s is string {
  return typeof s === 'string' && SPAN_ID.test(s) && !isAllZeros(s);
}

/**
 * Either form in, the W3C form out. Surrounding whitespace and upper-case hex are forgiven because ids
 * are pasted by people; anything else throws `InvalidTraceIdError`.
 */
export function normalizeTraceId(s: unknown): string {
  if (typeof s !== 'string') throw new InvalidTraceIdError(s);
  const trimmed = s.trim();
  // Lower-case only plain ASCII: some Unicode letters lower-case into ASCII (U+212A KELVIN SIGN -> "k").
  if (!/^[0-9A-Fa-f-]{32,35}$/.test(trimmed)) throw new InvalidTraceIdError(s);
  const candidate = trimmed.toLowerCase();
  if (isTraceId(candidate)) return candidate;
  const m = XRAY_TRACE_ID.exec(candidate);
  const joined = m ? `${m[1]}${m[2]}` : '';
  if (isTraceId(joined)) return joined;
  throw new InvalidTraceIdError(s);
}

/** The X-Ray form of a trace id given in either form. */
export function toXRayTraceId(traceId: string): string {
  const id = normalizeTraceId(traceId);
  return `1-${id.slice(0, 8)}-${id.slice(8)}`;
}

/** The W3C form of a trace id given in either form. */
export function fromXRayTraceId(xrayId: string): string {
  return normalizeTraceId(xrayId);
}

function isAllZeros(hex: string): boolean {
  return /^0+$/.test(hex);
}
