import type { Attributes, Context } from '@opentelemetry/api';
import type { MetricData, MetricDescriptor, TimeWindow } from './data-model';
import { offerExemplar, type ExemplarHolder, type ReservoirFactory } from './exemplar-filter';
import { PointIndex, type AttributeKeys } from './point-index';
import type { ExemplarReservoir } from './reservoirs';

class CounterCell implements ExemplarHolder {
  value = 0;
  reservoir: ExemplarReservoir | undefined = undefined;

  constructor(readonly attributes: Attributes) {}
}

/** A monotonic integer counter, DELTA: one data point per attribute set counted in the current window. */
export class DeltaCounter {
  private readonly points: PointIndex<CounterCell>;

  constructor(
    private readonly descriptor: MetricDescriptor,
    keys: AttributeKeys,
    private readonly newReservoir: ReservoirFactory | undefined,
  ) {
    this.points = new PointIndex(keys);
  }

  /** v1…v3 are the values of the attribute keys, in order; an undefined one leaves its attribute out. */
  add(increment: number, ctx: Context | undefined, v1: string, v2?: string, v3?: string): void {
    // Monotonic and integer: anything else would corrupt the window's sum.
    if (!(Number.isSafeInteger(increment) && increment >= 0)) return;
    const cell = this.points.get(v1, v2, v3) ?? this.points.add(new CounterCell(this.points.attributes(v1, v2, v3)), v1, v2, v3);
    cell.value += increment;
    if (this.newReservoir) offerExemplar(cell, this.newReservoir, increment, ctx);
  }

  /** Hands over the window's data points, exemplars included, and starts the next window empty. */
  collect(window: TimeWindow): MetricData | undefined {
    const cells = this.points.take();
    if (cells.length === 0) return undefined;
    const points = cells.map((c) => ({ attributes: c.attributes, window, value: c.value, exemplars: c.reservoir?.collect() ?? [] }));
    return { type: 'monotonicSum', descriptor: this.descriptor, points };
  }
}
