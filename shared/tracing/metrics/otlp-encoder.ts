import { ValueType, type Attributes, type AttributeValue, type HrTime } from '@opentelemetry/api';
import { AggregationTemporality, DataPointType, type DataPoint, type Histogram } from '@opentelemetry/sdk-metrics';
import type { MetricData, ResourceMetrics, ScopeMetrics } from '@opentelemetry/sdk-metrics';
import type { ExemplarLookup } from './exemplar-store';
import type { Exemplar } from './reservoirs';

/**
 * ExportMetricsServiceRequest as OTLP protobuf, written by hand because the SDK's serializer never writes
 * exemplars. Field numbers follow opentelemetry/proto/metrics/v1/metrics.proto; only what the SDK's
 * explicit-bucket histograms, sums and gauges produce is encoded.
 */

/** Wire types. */
const VARINT = 0, I64 = 1, LEN = 2;

class ProtoWriter {
  private buf = Buffer.allocUnsafe(128);
  private pos = 0;

  /** uint32/uint64/int64 as a varint; negative int64 takes the full ten bytes, as protobuf requires. */
  varint(field: number, value: number | bigint): void {
    this.tag(field, VARINT);
    this.rawVarint(value);
  }

  /** fixed64 and sfixed64 alike: eight little-endian bytes, two's complement when negative. */
  fixed64(field: number, value: number | bigint): void {
    this.tag(field, I64);
    this.raw64(value);
  }

  double(field: number, value: number): void {
    this.tag(field, I64);
    this.rawDouble(value);
  }

  bytes(field: number, data: Uint8Array): void {
    this.tag(field, LEN);
    this.rawVarint(data.length);
    this.reserve(data.length);
    this.buf.set(data, this.pos);
    this.pos += data.length;
  }

  string(field: number, value: string): void {
    this.bytes(field, Buffer.from(value, 'utf8'));
  }

  /** A nested message: built in its own writer, then written length-delimited. */
  message(field: number, build: (w: ProtoWriter) => void): void {
    const inner = new ProtoWriter();
    build(inner);
    this.bytes(field, inner.finish());
  }

  packedFixed64(field: number, values: readonly number[]): void {
    if (values.length > 0) this.message(field, (w) => values.forEach((v) => w.raw64(v)));
  }

  packedDouble(field: number, values: readonly number[]): void {
    if (values.length > 0) this.message(field, (w) => values.forEach((v) => w.rawDouble(v)));
  }

  finish(): Uint8Array {
    return this.buf.subarray(0, this.pos);
  }

  private tag(field: number, wireType: number): void {
    this.rawVarint((field << 3) | wireType);
  }

  private rawVarint(value: number | bigint): void {
    let v = BigInt.asUintN(64, BigInt(value));
    this.reserve(10);
    while (v > 0x7fn) {
      this.buf[this.pos++] = Number(v & 0x7fn) | 0x80;
      v >>= 7n;
    }
    this.buf[this.pos++] = Number(v);
  }

  private raw64(value: number | bigint): void {
    this.reserve(8);
    this.buf.writeBigUInt64LE(BigInt.asUintN(64, BigInt(value)), this.pos);
    this.pos += 8;
  }

  private rawDouble(value: number): void {
    this.reserve(8);
    this.buf.writeDoubleLE(value, this.pos);
    this.pos += 8;
  }

  private reserve(n: number): void {
    if (this.pos + n <= this.buf.length) return;
    const grown = Buffer.allocUnsafe(Math.max(this.buf.length * 2, this.pos + n));
    this.buf.copy(grown, 0, 0, this.pos);
    this.buf = grown;
  }
}

const nanos = (t: HrTime): bigint => BigInt(t[0]) * 1_000_000_000n + BigInt(t[1]);

function anyValue(w: ProtoWriter, value: AttributeValue | null | undefined): void {
  if (typeof value === 'string') w.string(1, value);
  else if (typeof value === 'boolean') w.varint(2, value ? 1 : 0);
  else if (typeof value === 'number' && Number.isSafeInteger(value)) w.varint(3, value);
  else if (typeof value === 'number') w.double(4, value);
  else if (Array.isArray(value)) w.message(5, (arr) => value.forEach((v) => arr.message(1, (a) => anyValue(a, v))));
}

/** repeated KeyValue under `field`; keys whose value is undefined are skipped as the SDK does. */
function attributes(w: ProtoWriter, field: number, attrs: Attributes | undefined): void {
  for (const [key, value] of Object.entries(attrs ?? {})) {
    if (value === undefined) continue;
    w.message(field, (kv) => {
      kv.string(1, key);
      kv.message(2, (v) => anyValue(v, value));
    });
  }
}

function exemplar(w: ProtoWriter, e: Exemplar, valueType: ValueType): void {
  w.fixed64(2, nanos(e.time));
  if (valueType === ValueType.INT) w.fixed64(6, BigInt(Math.round(e.value)));
  else w.double(3, e.value);
  w.bytes(4, Buffer.from(e.spanId, 'hex'));
  w.bytes(5, Buffer.from(e.traceId, 'hex'));
  attributes(w, 7, e.filteredAttributes);
}

function numberPoint(w: ProtoWriter, p: DataPoint<number>, valueType: ValueType, ex: readonly Exemplar[]): void {
  w.fixed64(2, nanos(p.startTime));
  w.fixed64(3, nanos(p.endTime));
  if (valueType === ValueType.INT) w.fixed64(6, BigInt(Math.round(p.value)));
  else w.double(4, p.value);
  ex.forEach((e) => w.message(5, (m) => exemplar(m, e, valueType)));
  attributes(w, 7, p.attributes);
}

function histogramPoint(w: ProtoWriter, p: DataPoint<Histogram>, ex: readonly Exemplar[]): void {
  const h = p.value;
  w.fixed64(2, nanos(p.startTime));
  w.fixed64(3, nanos(p.endTime));
  w.fixed64(4, h.count);
  if (h.sum !== undefined) w.double(5, h.sum);
  w.packedFixed64(6, h.buckets.counts);
  w.packedDouble(7, h.buckets.boundaries);
  ex.forEach((e) => w.message(8, (m) => exemplar(m, e, ValueType.DOUBLE)));
  attributes(w, 9, p.attributes);
  if (h.min !== undefined) w.double(11, h.min);
  if (h.max !== undefined) w.double(12, h.max);
}

const temporality = (t: AggregationTemporality): number => (t === AggregationTemporality.DELTA ? 1 : 2);

function metric(w: ProtoWriter, m: MetricData, lookup: ExemplarLookup): void {
  const { name, description, unit, valueType } = m.descriptor;
  w.string(1, name);
  if (description) w.string(2, description);
  if (unit) w.string(3, unit);
  const ex = (attrs: Attributes) => lookup(name, attrs);
  if (m.dataPointType === DataPointType.GAUGE) {
    w.message(5, (g) => m.dataPoints.forEach((p) => g.message(1, (d) => numberPoint(d, p, valueType, ex(p.attributes)))));
  } else if (m.dataPointType === DataPointType.SUM) {
    w.message(7, (s) => {
      m.dataPoints.forEach((p) => s.message(1, (d) => numberPoint(d, p, valueType, ex(p.attributes))));
      s.varint(2, temporality(m.aggregationTemporality));
      s.varint(3, m.isMonotonic ? 1 : 0);
    });
  } else if (m.dataPointType === DataPointType.HISTOGRAM) {
    w.message(9, (h) => {
      m.dataPoints.forEach((p) => h.message(1, (d) => histogramPoint(d, p, ex(p.attributes))));
      h.varint(2, temporality(m.aggregationTemporality));
    });
  }
}

function scopeMetrics(w: ProtoWriter, sm: ScopeMetrics, lookup: ExemplarLookup): void {
  w.message(1, (s) => {
    s.string(1, sm.scope.name);
    if (sm.scope.version) s.string(2, sm.scope.version);
  });
  // Exponential histograms are never configured here; a Metric without its data would be invalid.
  sm.metrics
    .filter((m) => m.dataPointType !== DataPointType.EXPONENTIAL_HISTOGRAM)
    .forEach((m) => w.message(2, (x) => metric(x, m, lookup)));
  if (sm.scope.schemaUrl) w.string(3, sm.scope.schemaUrl);
}

/** Encodes one collection plus the exemplars drained for it, matched to data points by name and attributes. */
export function encodeMetricsRequest(metrics: ResourceMetrics, lookup: ExemplarLookup): Uint8Array {
  const request = new ProtoWriter();
  request.message(1, (rm) => {
    rm.message(1, (r) => attributes(r, 1, metrics.resource.attributes));
    metrics.scopeMetrics.forEach((sm) => rm.message(2, (s) => scopeMetrics(s, sm, lookup)));
    if (metrics.resource.schemaUrl) rm.string(3, metrics.resource.schemaUrl);
  });
  return request.finish();
}
