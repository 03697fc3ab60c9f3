import { isSpanContextValid, trace, TraceFlags, type Attributes, type Context } from '@opentelemetry/api';
import { hrTime } from '@opentelemetry/core';
import type { Exemplar, ExemplarReservoir } from './reservoirs';

/** Finds the exemplars drained for one data point, by metric name and attribute set. */
export type ExemplarLookup = (metricName: string, attributes: Attributes) => readonly Exemplar[];

export const noExemplars: ExemplarLookup = () => [];

/** Same attribute set, same key, whatever the key order: the SDK's data points match our offers. */
function reservoirKey(metricName: string, attributes: Attributes): string {
  const keys = Object.keys(attributes).sort();
  return `${metricName}\u0000${JSON.stringify(keys.map((k) => [k, attributes[k]]))}`;
}

/** Reservoirs keyed by (metric name, attribute set), filled from sampled spans and emptied per export. */
export class ExemplarStore {
  private readonly factories = new Map<string, () => ExemplarReservoir>();
  private reservoirs = new Map<string, ExemplarReservoir>();

  /** Declares which reservoir a metric uses; metrics never registered get no exemplars. */
  register(metricName: string, factory: () => ExemplarReservoir): void {
    this.factories.set(metricName, factory);
  }

  /** Keeps the measurement only if `ctx` carries a valid, sampled span. */
  offer(metricName: string, value: number, attributes: Attributes, ctx: Context): void {
    const span = trace.getSpanContext(ctx);
    if (!span || (span.traceFlags & TraceFlags.SAMPLED) === 0 || !isSpanContextValid(span)) return;
    const factory = this.factories.get(metricName);
    if (!factory) return;
    const key = reservoirKey(metricName, attributes);
    let reservoir = this.reservoirs.get(key);
    if (!reservoir) {
      reservoir = factory();
      this.reservoirs.set(key, reservoir);
    }
    reservoir.offer({ value, time: hrTime(), traceId: span.traceId, spanId: span.spanId });
  }

  /** Hands over everything offered so far and starts afresh, so no exemplar is exported twice. */
  drain(): ExemplarLookup {
    if (this.reservoirs.size === 0) return noExemplars;
    const taken = this.reservoirs;
    this.reservoirs = new Map();
    return (metricName, attributes) => taken.get(reservoirKey(metricName, attributes))?.collect() ?? [];
  }
}
