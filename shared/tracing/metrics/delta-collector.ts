import type { HrTime } from '@opentelemetry/api';
import { hrTime } from '@opentelemetry/core';
import type { MetricData, TimeWindow } from './data-model';

export interface DeltaInstrument {
  /** Drains the instrument: its data points for `window`, or undefined when nothing was measured. */
  collect(window: TimeWindow): MetricData | undefined;
}

/**
 * Collects only when asked: no timer, which on Lambda would keep the process alive or fire while the
 * sandbox is frozen. Each window starts exactly where the previous one ended, so windows never overlap.
 */
export class DeltaCollector {
  private windowStart: HrTime = hrTime();

  constructor(private readonly instruments: readonly DeltaInstrument[]) {}

  /**
   * Synchronous on purpose: no measurement can land between draining a count and draining its
   * exemplars, so both always leave in the same export.
   */
  collect(): MetricData[] {
    const window = { start: this.windowStart, end: hrTime() };
    this.windowStart = window.end;
    const metrics: MetricData[] = [];
    for (const instrument of this.instruments) {
      const data = instrument.collect(window);
      if (data) metrics.push(data);
    }
    return metrics;
  }
}
