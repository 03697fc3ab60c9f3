import { AggregationTemporality, MetricReader } from '@opentelemetry/sdk-metrics';

/**
 * Collects only when asked. No timer: on Lambda a timer would keep the process alive or fire while the
 * sandbox is frozen. DELTA, because each flush must export what happened since the previous one.
 */
export class ManualDeltaReader extends MetricReader {
  constructor() {
    super({ aggregationTemporalitySelector: () => AggregationTemporality.DELTA });
  }

  protected override onForceFlush(): Promise<void> {
    return Promise.resolve();
  }

  protected override onShutdown(): Promise<void> {
    return Promise.resolve();
  }
}
