import type { Exemplar } from './data-model';

/** Holds the exemplars of one (metric, attribute set) between two exports. */
export interface ExemplarReservoir {
  offer(exemplar: Exemplar): void;
  collect(): Exemplar[];
}

/** The explicit bucket `value` falls in: upper bounds are inclusive, as OTLP's explicit_bounds define. */
export function bucketIndex(boundaries: readonly number[], value: number): number {
  let lo = 0;
  let hi = boundaries.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((boundaries[mid] as number) < value) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * The spec's AlignedHistogramBucketExemplarReservoir: one slot per bucket, the latest measurement wins,
 * so every bucket that saw a sampled measurement can point at a trace that explains it.
 */
export class AlignedHistogramReservoir implements ExemplarReservoir {
  private readonly slots: (Exemplar | undefined)[];

  constructor(private readonly boundaries: readonly number[]) {
    this.slots = new Array<Exemplar | undefined>(boundaries.length + 1);
  }

  offer(exemplar: Exemplar): void {
    this.slots[bucketIndex(this.boundaries, exemplar.value)] = exemplar;
  }

  collect(): Exemplar[] {
    return this.slots.filter((e): e is Exemplar => e !== undefined);
  }
}

/**
 * The spec's SimpleFixedSizeExemplarReservoir (reservoir sampling). Chosen over "latest" for counters
 * because a burst of errors at the end of a flush window would otherwise hide every earlier trace;
 * this keeps a uniform sample of the window in fixed memory.
 */
export class FixedSizeReservoir implements ExemplarReservoir {
  private readonly kept: Exemplar[] = [];
  private seen = 0;

  constructor(
    private readonly size: number,
    private readonly random: () => number = Math.random,
  ) {}

  offer(exemplar: Exemplar): void {
    this.seen++;
    if (this.kept.length < this.size) {
      this.kept.push(exemplar);
      return;
    }
    const slot = Math.floor(this.random() * this.seen);
    if (slot < this.size) this.kept[slot] = exemplar;
  }

  collect(): Exemplar[] {
    return [...this.kept];
  }
}
