import { MeterProvider, type ResourceMetrics } from '@opentelemetry/sdk-metrics';
import { INSTRUMENTATION_SCOPE } from '../names';
import { ExemplarStore, noExemplars } from './exemplar-store';
import { createRecorders } from './instruments';
import { logOnce } from './log-once';
import { ManualDeltaReader } from './manual-reader';
import { OtlpHttpMetricExporter } from './otlp-http-exporter';
import type { QueueMetrics, QueueMetricsOptions } from './types';

const defaults = {
  exportTimeoutMs: 2000,
  log: (message: string) => console.warn(message),
};

const hasDataPoints = (metrics: ResourceMetrics): boolean =>
  metrics.scopeMetrics.some((scope) => scope.metrics.some((metric) => metric.dataPoints.length > 0));

const messageOf = (err: unknown): string => (err instanceof Error ? err.message : String(err));

/**
 * Queue metrics that leave the process only on flush(): the SDK aggregates (DELTA), our store keeps
 * exemplars from sampled spans, our exporter sends both as OTLP/HTTP protobuf.
 */
export function createQueueMetrics(options: QueueMetricsOptions): QueueMetrics {
  const exportTimeoutMs = options.exportTimeoutMs ?? defaults.exportTimeoutMs;
  const log = options.log ?? defaults.log;
  const report = logOnce(log);
  const store = options.exemplars ? new ExemplarStore() : undefined;
  const reader = new ManualDeltaReader();
  const provider = new MeterProvider({ resource: options.resource, readers: [reader] });
  const exporter = new OtlpHttpMetricExporter({
    url: options.url,
    headers: { ...options.headers },
    timeoutMs: exportTimeoutMs,
    log,
    drainExemplars: () => store?.drain() ?? noExemplars,
  });
  const recorders = createRecorders(provider.getMeter(INSTRUMENTATION_SCOPE), store);
  let closing: Promise<void> | undefined;

  async function collectAndExport(): Promise<void> {
    try {
      const { resourceMetrics, errors } = await reader.collect({ timeoutMillis: exportTimeoutMs });
      if (errors.length > 0) report('collect', `metrics collection failed: ${messageOf(errors[0])}`);
      // Nothing happened since the last flush: skip the round trip rather than send an empty request.
      if (!hasDataPoints(resourceMetrics)) return;
      if (resourceMetrics.resource.asyncAttributesPending) await resourceMetrics.resource.waitForAsyncAttributes?.();
      // The exporter drains the exemplars now, just after the SDK's snapshot: one landing in between is
      // counted in the next window but sent with this one, which a sample can afford.
      await new Promise<void>((resolve) => exporter.export(resourceMetrics, () => resolve()));
    } catch (err) {
      report('flush', `metrics flush failed: ${messageOf(err)}`);
    }
  }

  return Object.freeze({
    ...recorders,
    flush: () => closing ?? collectAndExport(),
    shutdown: () =>
      (closing ??= (async () => {
        await collectAndExport();
        await provider.shutdown().catch(() => undefined);
        await exporter.shutdown();
      })()),
  });
}
