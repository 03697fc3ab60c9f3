import { ProtoReader, readFields, WireType } from './proto-reader';

export type AttributeValue = string | number | boolean | null | AttributeValue[] | { [key: string]: AttributeValue };

/** One span as received, ids as lowercase hex, times in epoch milliseconds (microsecond precision). */
export interface ReceivedSpan {
  readonly traceId: string;
  readonly spanId: string;
  readonly parentSpanId?: string;
  readonly traceState?: string;
  readonly name: string;
  readonly kind: SpanKindName;
  readonly startTimeMs: number;
  readonly endTimeMs: number;
  readonly attributes: Record<string, AttributeValue>;
  readonly events: readonly { readonly name: string; readonly timeMs: number; readonly attributes: Record<string, AttributeValue> }[];
  readonly links: readonly { readonly traceId: string; readonly spanId: string; readonly attributes: Record<string, AttributeValue> }[];
  readonly status: { readonly code: 'UNSET' | 'OK' | 'ERROR'; readonly message?: string };
  /** The resource's `service.name`, and the resource as a whole. */
  readonly service: string;
  readonly resource: Record<string, AttributeValue>;
  readonly scope: string;
}

const KINDS = ['UNSPECIFIED', 'INTERNAL', 'SERVER', 'CLIENT', 'PRODUCER', 'CONSUMER'] as const;
export type SpanKindName = (typeof KINDS)[number];
const STATUS = ['UNSET', 'OK', 'ERROR'] as const;

const hex = (bytes: Uint8Array) => Buffer.from(bytes).toString('hex');
/** Nanoseconds since the epoch → milliseconds, keeping microseconds. */
const ms = (nanos: bigint) => Number(nanos / 1000n) / 1000;
const isLen = (wire: number) => wire === WireType.len;

/**
 * Decodes an OTLP ExportTraceServiceRequest (opentelemetry/proto/collector/trace/v1) into flat spans.
 * Field numbers follow opentelemetry-proto's trace.proto and common.proto; unknown fields are skipped.
 */
export function decodeTraces(body: Uint8Array): ReceivedSpan[] {
  const spans: ReceivedSpan[] = [];
  readFields(new ProtoReader(body), (field, wire, r) => {
    if (field !== 1 || !isLen(wire)) return false;
    resourceSpans(r.message(), spans);
    return true;
  });
  return spans;
}

function resourceSpans(r: ProtoReader, out: ReceivedSpan[]): void {
  let resource: Record<string, AttributeValue> = {};
  const scopes: ProtoReader[] = [];
  readFields(r, (field, wire, m) => {
    if (!isLen(wire)) return false;
    if (field === 1) resource = keyValues(m.message(), 1);
    else if (field === 2) scopes.push(m.message());
    else return false;
    return true;
  });
  const service = typeof resource['service.name'] === 'string' ? resource['service.name'] : 'unknown_service';
  for (const scope of scopes) scopeSpans(scope, resource, service, out);
}

function scopeSpans(r: ProtoReader, resource: Record<string, AttributeValue>, service: string, out: ReceivedSpan[]): void {
  let scope = '';
  const spans: ProtoReader[] = [];
  readFields(r, (field, wire, m) => {
    if (!isLen(wire)) return false;
    if (field === 1) {
      readFields(m.message(), (f, w, s) => (f === 1 && isLen(w) ? ((scope = s.string()), true) : false));
    } else if (field === 2) {
      spans.push(m.message());
    } else {
      return false;
    }
    return true;
  });
  for (const s of spans) out.push(span(s, resource, service, scope));
}

function span(r: ProtoReader, resource: Record<string, AttributeValue>, service: string, scope: string): ReceivedSpan {
  let traceId = '';
  let spanId = '';
  let parentSpanId = '';
  let traceState = '';
  let name = '';
  let kind = 0;
  let start = 0n;
  let end = 0n;
  const attributes: Record<string, AttributeValue> = {};
  const events: ReceivedSpan['events'][number][] = [];
  const links: ReceivedSpan['links'][number][] = [];
  let status: ReceivedSpan['status'] = { code: 'UNSET' };
  readFields(r, (field, wire, m) => {
    switch (field) {
      case 1:
        if (!isLen(wire)) return false;
        traceId = hex(m.bytes());
        return true;
      case 2:
        if (!isLen(wire)) return false;
        spanId = hex(m.bytes());
        return true;
      case 3:
        if (!isLen(wire)) return false;
        traceState = m.string();
        return true;
      case 4:
        if (!isLen(wire)) return false;
        parentSpanId = hex(m.bytes());
        return true;
      case 5:
        if (!isLen(wire)) return false;
        name = m.string();
        return true;
      case 6:
        if (wire !== WireType.varint) return false;
        kind = Number(m.varint());
        return true;
      case 7:
        if (wire !== WireType.fixed64) return false;
        start = m.fixed64();
        return true;
      case 8:
        if (wire !== WireType.fixed64) return false;
        end = m.fixed64();
        return true;
      case 9:
        if (!isLen(wire)) return false;
        Object.assign(attributes, keyValue(m.message()));
        return true;
      case 11:
        if (!isLen(wire)) return false;
        events.push(event(m.message()));
        return true;
      case 13:
        if (!isLen(wire)) return false;
        links.push(link(m.message()));
        return true;
      case 15:
        if (!isLen(wire)) return false;
        status = spanStatus(m.message());
        return true;
      default:
        return false;
    }
  });
  return {
    traceId,
    spanId,
    ...(parentSpanId ? { parentSpanId } : {}),
    ...(traceState ? { traceState } : {}),
    name,
    kind: KINDS[kind] ?? 'UNSPECIFIED',
    startTimeMs: ms(start),
    endTimeMs: ms(end),
    attributes,
    events,
    links,
    status,
    service,
    resource,
    scope,
  };
}

function event(r: ProtoReader): ReceivedSpan['events'][number] {
  let timeMs = 0;
  let name = '';
  const attributes: Record<string, AttributeValue> = {};
  readFields(r, (field, wire, m) => {
    if (field === 1 && wire === WireType.fixed64) timeMs = ms(m.fixed64());
    else if (field === 2 && isLen(wire)) name = m.string();
    else if (field === 3 && isLen(wire)) Object.assign(attributes, keyValue(m.message()));
    else return false;
    return true;
  });
  return { name, timeMs, attributes };
}

function link(r: ProtoReader): ReceivedSpan['links'][number] {
  let traceId = '';
  let spanId = '';
  const attributes: Record<string, AttributeValue> = {};
  readFields(r, (field, wire, m) => {
    if (!isLen(wire)) return false;
    if (field === 1) traceId = hex(m.bytes());
    else if (field === 2) spanId = hex(m.bytes());
    else if (field === 4) Object.assign(attributes, keyValue(m.message()));
    else return false;
    return true;
  });
  return { traceId, spanId, attributes };
}

function spanStatus(r: ProtoReader): ReceivedSpan['status'] {
  let message = '';
  let code = 0;
  readFields(r, (field, wire, m) => {
    if (field === 2 && isLen(wire)) message = m.string();
    else if (field === 3 && wire === WireType.varint) code = Number(m.varint());
    else return false;
    return true;
  });
  return { code: STATUS[code] ?? 'UNSET', ...(message ? { message } : {}) };
}

/** The repeated KeyValue field `field` of a message (Resource.attributes, KeyValueList.values). */
function keyValues(r: ProtoReader, field: number): Record<string, AttributeValue> {
  const out: Record<string, AttributeValue> = {};
  readFields(r, (f, wire, m) => (f === field && isLen(wire) ? (Object.assign(out, keyValue(m.message())), true) : false));
  return out;
}

function keyValue(r: ProtoReader): Record<string, AttributeValue> {
  let key = '';
  let value: AttributeValue = null;
  readFields(r, (field, wire, m) => {
    if (field === 1 && isLen(wire)) key = m.string();
    else if (field === 2 && isLen(wire)) value = anyValue(m.message());
    else return false;
    return true;
  });
  return { [key]: value };
}

/** AnyValue: int64 becomes a number (attribute integers are far below 2^53), bytes become base64. */
function anyValue(r: ProtoReader): AttributeValue {
  let value: AttributeValue = null;
  readFields(r, (field, wire, m) => {
    if (field === 1 && isLen(wire)) value = m.string();
    else if (field === 2 && wire === WireType.varint) value = m.bool();
    else if (field === 3 && wire === WireType.varint) value = Number(m.int64());
    else if (field === 4 && wire === WireType.fixed64) value = m.double();
    else if (field === 5 && isLen(wire)) {
      const values: AttributeValue[] = [];
      readFields(m.message(), (f, w, a) => (f === 1 && isLen(w) ? (values.push(anyValue(a.message())), true) : false));
      value = values;
    } else if (field === 6 && isLen(wire)) value = keyValues(m.message(), 1);
    else if (field === 7 && isLen(wire)) value = Buffer.from(m.bytes()).toString('base64');
    else return false;
    return true;
  });
  return value;
}
