import type http from 'node:http';
import { OtlpReceiver, type DecodedMetric, type MetricsKeyValue, type MetricsRequest } from '../../support/otlp';

export type { DecodedMetric as Metric, HistogramPoint, MetricsRequest } from '../../support/otlp';

export interface CapturedRequest {
  headers: http.IncomingHttpHeaders;
  body: MetricsRequest;
}

export type Behaviour = 'ok' | 'never-answer' | { status: number };

export interface Receiver {
  url: string;
  readonly requests: CapturedRequest[];
  /** What the next requests get; answers 200 until told otherwise. */
  behave(behaviour: Behaviour): void;
  close(): Promise<void>;
}

/** The shared test collector (test/support/otlp.ts), seen from the metrics tests: decoded metrics requests. */
export async function startReceiver(): Promise<Receiver> {
  const receiver = new OtlpReceiver();
  const base = await receiver.start();
  return {
    url: `${base}/v1/metrics`,
    get requests() {
      return receiver.metricsRequests();
    },
    behave: (next) => (receiver.mode = next === 'never-answer' ? 'hang' : next),
    close: () => receiver.stop(),
  };
}

/** A URL nobody listens on: a port we held a moment ago and released. */
export async function deadUrl(): Promise<string> {
  const receiver = await startReceiver();
  await receiver.close();
  return receiver.url;
}

export const b64ToHex = (b64: string): string => Buffer.from(b64, 'base64').toString('hex');

export function metricsOf(request: CapturedRequest | undefined): DecodedMetric[] {
  return request?.body.resourceMetrics.flatMap((rm) => rm.scopeMetrics.flatMap((sm) => sm.metrics)) ?? [];
}

export function metricNamed(request: CapturedRequest | undefined, name: string): DecodedMetric | undefined {
  return metricsOf(request).find((m) => m.name === name);
}

/** Attributes as a plain record, for readable expectations. */
export function attrs(kvs: MetricsKeyValue[] | undefined): Record<string, string | undefined> {
  return Object.fromEntries((kvs ?? []).map((kv) => [kv.key, kv.value.stringValue ?? kv.value.intValue]));
}
