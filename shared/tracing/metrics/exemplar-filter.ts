import { context, isSpanContextValid, trace, TraceFlags, type Context } from '@opentelemetry/api';
import { hrTime } from '@opentelemetry/core';
import type { ExemplarReservoir } from './reservoirs';

/** Makes a data point's reservoir on its first sampled measurement; absent when exemplars are off. */
export type ReservoirFactory = () => ExemplarReservoir;

/** A data point that may hold exemplars; its reservoir leaves with it at collection. */
export interface ExemplarHolder {
  reservoir: ExemplarReservoir | undefined;
}

/**
 * The spec's trace-based filter: keeps the measurement only if `ctx` (else the active context) carries
 * a valid, sampled span. Called only with exemplars on, so with them off nothing reads the context.
 */
export function offerExemplar(point: ExemplarHolder, newReservoir: ReservoirFactory, value: number, ctx: Context | undefined): void {
  const span = trace.getSpanContext(ctx ?? context.active());
  if (!span || (span.traceFlags & TraceFlags.SAMPLED) === 0 || !isSpanContextValid(span)) return;
  point.reservoir ??= newReservoir();
  point.reservoir.offer({ value, time: hrTime(), traceId: span.traceId, spanId: span.spanId });
}
