import type { Resource } from '@opentelemetry/resources';
import { INSTRUMENTATION_SCOPE } from '../names';
import type { ResourceData } from './data-model';
import { createInstruments } from './instruments';
import { logOnce } from '../log-once';
import { OtlpHttpMetricExporter } from './otlp-http-exporter';
import type { QueueMetrics, QueueMetricsOptions } from './types';

const defaults = {
  exportTimeoutMs: 2000,
  log: (message: string) => console.warn(message),
};

const scope = { name: INSTRUMENTATION_SCOPE };

const messageOf = (err: unknown): string => (err instanceof Error ? err.message : String(err));

/** The resource as exported; detectors may still be filling it in, and reading it early gets a partial one. */
async function resourceData(resource: Resource): Promise<ResourceData> {
  if (resource.asyncAttributesPending) await resource.waitForAsyncAttributes?.();
  return { attributes: resource.attributes, ...(resource.schemaUrl ? { schemaUrl: resource.schemaUrl } : {}) };
}

/**
 * Queue metrics that leave the process only on flush(): our instruments aggregate (DELTA) and keep
 * exemplars from sampled spans, our exporter sends both as OTLP/HTTP protobuf.
 */
export function createQueueMetrics(options: QueueMetricsOptions): QueueMetrics {
  const report = logOnce(options.log ?? defaults.log);
  const { recorders, collector } = createInstruments(options.exemplars);
  const exporter = new OtlpHttpMetricExporter({
    url: options.url,
    headers: { ...options.headers },
    timeoutMs: options.exportTimeoutMs ?? defaults.exportTimeoutMs,
    log: options.log ?? defaults.log,
  });
  let closing: Promise<void> | undefined;

  async function collectAndExport(): Promise<void> {
    try {
      // Before any await: the window ends when flush() is called, not when the resource is ready.
      const metrics = collector.collect();
      // Nothing happened since the last flush: skip the round trip rather than send an empty request.
      if (metrics.length === 0) return;
      await exporter.export({ resource: await resourceData(options.resource), scope, metrics });
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
        await exporter.shutdown();
      })()),
  });
}
