import { ExportTraceServiceRequest } from './schema';

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

/** Why a body could not be read as an ExportTraceServiceRequest: the receiver answers 400 with it. */
export class OtlpDecodeError extends Error {
  override name = 'OtlpDecodeError';
}

/** Messages as protobufjs' toObject gives them: 64-bit integers as strings, bytes as base64. */
interface AnyValueObject {
  stringValue?: string;
  boolValue?: boolean;
  intValue?: string;
  doubleValue?: number;
  bytesValue?: string;
  arrayValue?: { values?: AnyValueObject[] };
  kvlistValue?: { values?: KeyValueObject[] };
}
interface KeyValueObject {
  key?: string;
  value?: AnyValueObject;
}
interface SpanObject {
  traceId?: string;
  spanId?: string;
  parentSpanId?: string;
  traceState?: string;
  name?: string;
  kind?: number;
  startTimeUnixNano?: string;
  endTimeUnixNano?: string;
  attributes?: KeyValueObject[];
  events?: { timeUnixNano?: string; name?: string; attributes?: KeyValueObject[] }[];
  links?: { traceId?: string; spanId?: string; attributes?: KeyValueObject[] }[];
  status?: { code?: number; message?: string };
}
interface RequestObject {
  resourceSpans?: { resource?: { attributes?: KeyValueObject[] }; scopeSpans?: { scope?: { name?: string }; spans?: SpanObject[] }[] }[];
}

const hex = (base64: string | undefined) => (base64 ? Buffer.from(base64, 'base64').toString('hex') : '');
/** Nanoseconds since the epoch → milliseconds, keeping microseconds. */
const ms = (nanos: string | undefined) => Number(BigInt(nanos ?? '0') / 1000n) / 1000;

/** AnyValue: int64 becomes a number (attribute integers are far below 2^53), bytes stay base64. */
function anyValue(v: AnyValueObject | undefined): AttributeValue {
  if (!v) return null;
  if (v.stringValue !== undefined) return v.stringValue;
  if (v.boolValue !== undefined) return v.boolValue;
  if (v.intValue !== undefined) return Number(v.intValue);
  if (v.doubleValue !== undefined) return v.doubleValue;
  if (v.arrayValue !== undefined) return (v.arrayValue.values ?? []).map(anyValue);
  if (v.kvlistValue !== undefined) return keyValues(v.kvlistValue.values);
  if (v.bytesValue !== undefined) return v.bytesValue;
  return null;
}

function keyValues(list: KeyValueObject[] | undefined): Record<string, AttributeValue> {
  const out: Record<string, AttributeValue> = {};
  for (const kv of list ?? []) out[kv.key ?? ''] = anyValue(kv.value);
  return out;
}

/**
 * Decodes an OTLP ExportTraceServiceRequest (opentelemetry/proto/collector/trace/v1) into flat spans, with
 * the schema in ./schema.ts; unknown fields are skipped. Throws OtlpDecodeError for a body that is not one.
 */
export function decodeTraces(body: Uint8Array): ReceivedSpan[] {
  let request: RequestObject;
  try {
    request = ExportTraceServiceRequest.toObject(ExportTraceServiceRequest.decode(body), {
      longs: String,
      bytes: String,
      defaults: false,
    }) as RequestObject;
  } catch (error) {
    throw new OtlpDecodeError(`not an OTLP ExportTraceServiceRequest: ${(error as Error).message}`);
  }
  const spans: ReceivedSpan[] = [];
  for (const rs of request.resourceSpans ?? []) {
    const resource = keyValues(rs.resource?.attributes);
    const service = typeof resource['service.name'] === 'string' ? resource['service.name'] : 'unknown_service';
    for (const ss of rs.scopeSpans ?? []) {
      for (const s of ss.spans ?? []) spans.push(toSpan(s, resource, service, ss.scope?.name ?? ''));
    }
  }
  return spans;
}

function toSpan(s: SpanObject, resource: Record<string, AttributeValue>, service: string, scope: string): ReceivedSpan {
  const parentSpanId = hex(s.parentSpanId);
  return {
    traceId: hex(s.traceId),
    spanId: hex(s.spanId),
    ...(parentSpanId ? { parentSpanId } : {}),
    ...(s.traceState ? { traceState: s.traceState } : {}),
    name: s.name ?? '',
    kind: KINDS[s.kind ?? 0] ?? 'UNSPECIFIED',
    startTimeMs: ms(s.startTimeUnixNano),
    endTimeMs: ms(s.endTimeUnixNano),
    attributes: keyValues(s.attributes),
    events: (s.events ?? []).map((e) => ({ name: e.name ?? '', timeMs: ms(e.timeUnixNano), attributes: keyValues(e.attributes) })),
    links: (s.links ?? []).map((l) => ({ traceId: hex(l.traceId), spanId: hex(l.spanId), attributes: keyValues(l.attributes) })),
    status: { code: STATUS[s.status?.code ?? 0] ?? 'UNSET', ...(s.status?.message ? { message: s.status.message } : {}) },
    service,
    resource,
    scope,
  };
}
