import type { Attributes, HrTime } from '@opentelemetry/api';

/**
 * What one collection hands the encoder: only the parts of OTLP's metrics data model this module
 * produces (opentelemetry/proto/metrics/v1/metrics.proto). Every sum and histogram is DELTA.
 */

export interface ResourceData {
  readonly attributes: Attributes;
  readonly schemaUrl?: string;
}

export interface InstrumentationScope {
  readonly name: string;
  readonly version?: string;
  readonly schemaUrl?: string;
}

export interface MetricDescriptor {
  readonly name: string;
  readonly description: string;
  readonly unit: string;
}

/** One measurement taken inside a sampled span, as it will be exported. */
export interface Exemplar {
  readonly value: number;
  readonly time: HrTime;
  /** Lowercase hex, 32 and 16 characters, straight from the span context. */
  readonly traceId: string;
  readonly spanId: string;
  /** Measurement attributes the data point dropped; we drop none, so this stays empty today. */
  readonly filteredAttributes?: Attributes;
}

/** The collection window a data point covers: from the previous collection (or creation) to this one. */
export interface TimeWindow {
  readonly start: HrTime;
  readonly end: HrTime;
}

interface DataPoint {
  readonly attributes: Attributes;
  readonly window: TimeWindow;
  readonly exemplars: readonly Exemplar[];
}

export interface NumberDataPoint extends DataPoint {
  readonly value: number;
}

export interface HistogramDataPoint extends DataPoint {
  readonly count: number;
  readonly sum: number;
  readonly min: number;
  readonly max: number;
  /** Upper bounds, inclusive; `bucketCounts` has one more entry, for values above the last bound. */
  readonly boundaries: readonly number[];
  readonly bucketCounts: readonly number[];
}

/** An integer gauge, a monotonic integer sum, or a histogram of doubles: all this module records. */
export type MetricData =
  | { readonly type: 'gauge'; readonly descriptor: MetricDescriptor; readonly points: readonly NumberDataPoint[] }
  | { readonly type: 'monotonicSum'; readonly descriptor: MetricDescriptor; readonly points: readonly NumberDataPoint[] }
  | { readonly type: 'histogram'; readonly descriptor: MetricDescriptor; readonly points: readonly HistogramDataPoint[] };

export interface MetricsBatch {
  readonly resource: ResourceData;
  readonly scope: InstrumentationScope;
  readonly metrics: readonly MetricData[];
}
