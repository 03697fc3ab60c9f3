import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ExportMetricsServiceRequest } from '../../tools/local/otlp/schema';
import { decodeTraces, type ReceivedSpan } from '../../tools/local/otlp/traces';

export interface ReceivedRequest {
  readonly path: string;
  readonly headers: IncomingHttpHeaders;
  readonly body: Buffer;
}

/** A decoded ExportMetricsServiceRequest, as protobufjs' toObject gives it: 64-bit ints as strings, bytes as base64. */
export interface MetricsKeyValue {
  key: string;
  value: { stringValue?: string; intValue?: string; boolValue?: boolean };
}
export interface MetricsExemplar {
  timeUnixNano: string;
  asDouble?: number;
  asInt?: string;
  traceId: string;
  spanId: string;
}
export interface NumberPoint {
  attributes?: MetricsKeyValue[];
  asDouble?: number;
  asInt?: string;
  exemplars?: MetricsExemplar[];
}
export interface HistogramPoint {
  attributes?: MetricsKeyValue[];
  count: string;
  sum: number;
  min: number;
  max: number;
  bucketCounts: string[];
  explicitBounds: number[];
  exemplars?: MetricsExemplar[];
}
export interface DecodedMetric {
  name: string;
  unit?: string;
  gauge?: { dataPoints: NumberPoint[] };
  sum?: { dataPoints: NumberPoint[]; aggregationTemporality: number; isMonotonic?: boolean };
  histogram?: { dataPoints: HistogramPoint[]; aggregationTemporality: number };
}
export interface MetricsRequest {
  resourceMetrics: { resource: { attributes: MetricsKeyValue[] }; scopeMetrics: { scope: { name: string }; metrics: DecodedMetric[] }[] }[];
}

export function decodeMetricsRequest(body: Uint8Array): MetricsRequest {
  const type = ExportMetricsServiceRequest;
  return type.toObject(type.decode(body), { longs: String, bytes: String }) as MetricsRequest;
}

/** How the receiver answers: 200, never, or a given HTTP status. */
export type ReceiverMode = 'ok' | 'hang' | 'fail' | { status: number };

/** A local OTLP/HTTP collector stand-in: records every request; can answer, fail (503) or never answer. */
export class OtlpReceiver {
  readonly requests: ReceivedRequest[] = [];
  mode: ReceiverMode = 'ok';
  private server: Server | undefined;
  private readonly hanging = new Set<() => void>();

  async start(): Promise<string> {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        this.requests.push({ path: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks) });
        if (this.mode === 'hang') {
          this.hanging.add(() => res.destroy());
          return;
        }
        const status = this.mode === 'ok' ? 200 : this.mode === 'fail' ? 503 : this.mode.status;
        res.writeHead(status, { 'content-type': 'application/x-protobuf' }).end();
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.server!.address() as AddressInfo).port}`;
  }

  /** Every span received on /v1/traces so far, decoded as the local pipeline's receiver decodes them. */
  spans(): ReceivedSpan[] {
    return this.requests.filter((r) => r.path === '/v1/traces').flatMap((r) => decodeTraces(r.body));
  }

  /** Every metrics export received so far, decoded. */
  metricsRequests(): Array<{ headers: IncomingHttpHeaders; body: MetricsRequest }> {
    return this.requests.filter((r) => r.path === '/v1/metrics').map((r) => ({ headers: r.headers, body: decodeMetricsRequest(r.body) }));
  }

  async stop(): Promise<void> {
    for (const end of this.hanging) end();
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }
}
