import type { Attributes } from '@opentelemetry/api';
import type { MetricData, MetricDescriptor, TimeWindow } from './data-model';
import { PointIndex, type AttributeKeys } from './point-index';

/**
 * Reports each value set since the previous collection, then forgets it: a Lambda sandbox can sit frozen
 * for minutes, and re-reporting an old value under a new timestamp would draw a line that never was.
 */
export class LastValueGauge {
  private readonly points: PointIndex<{ readonly attributes: Attributes; value: number }>;

  constructor(
    private readonly descriptor: MetricDescriptor,
    keys: AttributeKeys,
  ) {
    this.points = new PointIndex(keys);
  }

  set(value: number, v1: string, v2?: string, v3?: string): void {
    if (!Number.isFinite(value)) return;
    const known = this.points.get(v1, v2, v3);
    if (known) known.value = value;
    else this.points.add({ attributes: this.points.attributes(v1, v2, v3), value }, v1, v2, v3);
  }

  collect(window: TimeWindow): MetricData | undefined {
    const latest = this.points.take();
    if (latest.length === 0) return undefined;
    const points = latest.map(({ attributes, value }) => ({ attributes, window, value, exemplars: [] }));
    return { type: 'gauge', descriptor: this.descriptor, points };
  }
}
