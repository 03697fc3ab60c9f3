import { readFileSync } from 'node:fs';
import { load } from 'js-yaml';
import { COLLECTOR_CONFIG } from '../../infra/queue-function';
import { DEFAULT_ENDPOINT } from '../../shared/tracing/config';

interface Pipeline {
  receivers: string[];
  processors: string[];
  exporters: string[];
}
interface CollectorConfig {
  receivers: Record<string, { protocols: { http?: { endpoint: string } } }>;
  processors: Record<string, unknown>;
  exporters: Record<string, { traces_endpoint?: string; metrics_endpoint?: string; auth?: { authenticator: string } }>;
  extensions: Record<string, { service: string; region: string }>;
  service: { extensions: string[]; pipelines: Record<string, Pipeline> };
}

const config = load(readFileSync(COLLECTOR_CONFIG, 'utf8')) as CollectorConfig;

describe('collector configuration', () => {
  it('receives OTLP/HTTP on localhost:4318, where the functions send by default', () => {
    expect(config.receivers.otlp!.protocols.http!.endpoint).toBe('localhost:4318');
    expect(new URL(DEFAULT_ENDPOINT).host).toBe('localhost:4318');
  });

  it('has a traces and a metrics pipeline, each batching and then decoupling (last) before export', () => {
    expect(Object.keys(config.service.pipelines).sort()).toEqual(['metrics', 'traces']);
    for (const pipeline of Object.values(config.service.pipelines)) {
      expect(pipeline.receivers).toEqual(['otlp']);
      expect(pipeline.processors).toContain('batch');
      expect(pipeline.processors.at(-1)).toBe('decouple');
    }
  });

  it('defines every component a pipeline names, and enables every extension an exporter uses', () => {
    for (const pipeline of Object.values(config.service.pipelines)) {
      for (const r of pipeline.receivers) expect(config.receivers).toHaveProperty([r]);
      for (const p of pipeline.processors) expect(config.processors).toHaveProperty([p]);
      for (const e of pipeline.exporters) expect(config.exporters).toHaveProperty([e]);
    }
    for (const exporter of Object.values(config.exporters)) {
      const auth = exporter.auth!.authenticator;
      expect(config.extensions).toHaveProperty([auth]);
      expect(config.service.extensions).toContain(auth);
    }
  });

  it("sends traces to X-Ray and metrics to CloudWatch over HTTPS, signed for the right service in the function's region", () => {
    const traces = config.exporters[config.service.pipelines.traces!.exporters[0]!]!;
    expect(traces.traces_endpoint).toBe('https://xray.${env:AWS_REGION}.amazonaws.com/v1/traces');
    expect(config.extensions[traces.auth!.authenticator]).toEqual({ region: '${env:AWS_REGION}', service: 'xray' });
    const metrics = config.exporters[config.service.pipelines.metrics!.exporters[0]!]!;
    expect(metrics.metrics_endpoint).toBe('https://monitoring.${env:AWS_REGION}.amazonaws.com/v1/metrics');
    expect(config.extensions[metrics.auth!.authenticator]).toEqual({ region: '${env:AWS_REGION}', service: 'monitoring' });
  });
});
