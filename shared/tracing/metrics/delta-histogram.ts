import type { Attributes, Context } from '@opentelemetry/api';
import type { MetricData, MetricDescriptor, TimeWindow } from './data-model';
import { offerExemplar, type ExemplarHolder, type ReservoirFactory } from './exemplar-filter';
import { PointIndex, type AttributeKeys } from './point-index';
import { bucketIndex, type ExemplarReservoir } from './reservoirs';

class HistogramCell implements ExemplarHolder {
  count = 0;
  sum = 0;
  min = Infinity;
  max = -Infinity;
  readonly bucketCounts: number[];
  reservoir: ExemplarReservoir | undefined = undefined;

  constructor(
    readonly attributes: Attributes,
    buckets: number,
  ) {
    this.bucketCounts = new Array<number>(buckets).fill(0);
  }
}

/** An explicit-bucket histogram, DELTA: one data point per attribute set measured in the current window. */
export class DeltaHistogram {
  private readonly points: PointIndex<HistogramCell>;

  constructor(
    private readonly descriptor: MetricDescriptor,
    private readonly boundaries: readonly number[],
    keys: AttributeKeys,
    private readonly newReservoir: ReservoirFactory | undefined,
  ) {
    this.points = new PointIndex(keys);
  }

  /** `value` must be finite and non-negative; v1…v3 are the values of the attribute keys, in order. */
  record(value: number, ctx: Context | undefined, v1: string, v2?: string, v3?: string): void {
    const cell =
      this.points.get(v1, v2, v3) ??
      this.points.add(new HistogramCell(this.points.attributes(v1, v2, v3), this.boundaries.length + 1), v1, v2, v3);
    cell.count++;
    cell.sum += value;
    if (value < cell.min) cell.min = value;
    if (value > cell.max) cell.max = value;
    (cell.bucketCounts[bucketIndex(this.boundaries, value)] as number)++;
    if (this.newReservoir) offerExemplar(cell, this.newReservoir, value, ctx);
  }

  /** Hands over the window's data points, exemplars included, and starts the next window empty. */
  collect(window: TimeWindow): MetricData | undefined {
    const cells = this.points.take();
    if (cells.length === 0) return undefined;
    const points = cells.map((c) => ({
      attributes: c.attributes,
      window,
      count: c.count,
      sum: c.sum,
      min: c.min,
      max: c.max,
      boundaries: this.boundaries,
      bucketCounts: c.bucketCounts,
      exemplars: c.reservoir?.collect() ?? [],
    }));
    return { type: 'histogram', descriptor: this.descriptor, points };
  }
}
