import type { Exemplar, HistogramDataPoint, MetricData, MetricsBatch, NumberDataPoint, TimeWindow } from './data-model';
import { attributes, encodedResource } from '../otlp-http/common-encoder';
import { ProtoWriter } from '../otlp-http/proto-writer';

/**
 * ExportMetricsServiceRequest as OTLP protobuf, written by hand because the SDK's serializer never writes
 * exemplars. Field numbers follow opentelemetry/proto/metrics/v1/metrics.proto.
 */

const AGGREGATION_TEMPORALITY_DELTA = 1;

/** Integer metrics carry integer values, exemplars included: as_int (sfixed64) instead of as_double. */
function exemplar(w: ProtoWriter, e: Exemplar, asInt: boolean): void {
  w.fixed64Time(2, e.time);
  if (asInt) w.fixed64(6, BigInt(Math.round(e.value)));
  else w.double(3, e.value);
  w.hexBytes(4, e.spanId);
  w.hexBytes(5, e.traceId);
  attributes(w, 7, e.filteredAttributes);
}

function times(w: ProtoWriter, window: TimeWindow): void {
  w.fixed64Time(2, window.start);
  w.fixed64Time(3, window.end);
}

/** NumberDataPoint; every gauge and sum here counts things, so the value is always as_int. */
function intPoint(w: ProtoWriter, p: NumberDataPoint): void {
  times(w, p.window);
  w.fixed64(6, BigInt(Math.round(p.value)));
  p.exemplars.forEach((e) => w.message(5, (m) => exemplar(m, e, true)));
  attributes(w, 7, p.attributes);
}

function histogramPoint(w: ProtoWriter, p: HistogramDataPoint): void {
  times(w, p.window);
  w.fixed64(4, p.count);
  w.double(5, p.sum);
  w.packedFixed64(6, p.bucketCounts);
  w.packedDouble(7, p.boundaries);
  p.exemplars.forEach((e) => w.message(8, (m) => exemplar(m, e, false)));
  attributes(w, 9, p.attributes);
  w.double(11, p.min);
  w.double(12, p.max);
}

function metric(w: ProtoWriter, m: MetricData): void {
  const { name, description, unit } = m.descriptor;
  w.string(1, name);
  if (description) w.string(2, description);
  if (unit) w.string(3, unit);
  if (m.type === 'gauge') {
    w.message(5, (g) => m.points.forEach((p) => g.message(1, (d) => intPoint(d, p))));
  } else if (m.type === 'monotonicSum') {
    w.message(7, (s) => {
      m.points.forEach((p) => s.message(1, (d) => intPoint(d, p)));
      s.varint(2, AGGREGATION_TEMPORALITY_DELTA);
      s.varint(3, 1);
    });
  } else {
    w.message(9, (h) => {
      m.points.forEach((p) => h.message(1, (d) => histogramPoint(d, p)));
      h.varint(2, AGGREGATION_TEMPORALITY_DELTA);
    });
  }
}

/** Encodes one collection: its data points carry their own exemplars, drained with them. */
export function encodeMetricsRequest(batch: MetricsBatch): Uint8Array {
  const request = new ProtoWriter();
  request.message(1, (rm) => {
    rm.bytes(1, encodedResource(batch.resource));
    rm.message(2, (sm) => {
      sm.message(1, (s) => {
        s.string(1, batch.scope.name);
        if (batch.scope.version) s.string(2, batch.scope.version);
      });
      batch.metrics.forEach((m) => sm.message(2, (x) => metric(x, m)));
      if (batch.scope.schemaUrl) sm.string(3, batch.scope.schemaUrl);
    });
    if (batch.resource.schemaUrl) rm.string(3, batch.resource.schemaUrl);
  });
  return request.finish();
}
