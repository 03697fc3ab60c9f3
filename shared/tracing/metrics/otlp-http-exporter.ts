import type http from 'node:http';
import { ExportResultCode, type ExportResult } from '@opentelemetry/core';
import { AggregationTemporality, type PushMetricExporter, type ResourceMetrics } from '@opentelemetry/sdk-metrics';
import { ExportRequestError } from './errors';
import type { ExemplarLookup } from './exemplar-store';
import { agentFor, postProtobuf } from './http-post';
import { logOnce, type OnceLogger } from './log-once';
import { encodeMetricsRequest } from './otlp-encoder';

export interface OtlpHttpMetricExporterOptions {
  readonly url: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly timeoutMs: number;
  readonly log: (message: string) => void;
  /** Takes the exemplars gathered since the previous export; they leave with this one or not at all. */
  readonly drainExemplars: () => ExemplarLookup;
}

/** OTLP/HTTP protobuf with exemplars. Never throws: failures become FAILED results and one log line per kind. */
export class OtlpHttpMetricExporter implements PushMetricExporter {
  private readonly url: URL;
  /** Logged instead of the URL: user info and query strings may carry credentials. */
  private readonly endpoint: string;
  private readonly agent: http.Agent;
  private readonly report: OnceLogger;
  private readonly pending = new Set<Promise<void>>();
  private closed = false;

  constructor(private readonly options: OtlpHttpMetricExporterOptions) {
    this.url = new URL(options.url);
    this.endpoint = `${this.url.origin}${this.url.pathname}`;
    this.agent = agentFor(this.url);
    this.report = logOnce(options.log);
  }

  export(metrics: ResourceMetrics, resultCallback: (result: ExportResult) => void): void {
    if (this.closed) {
      resultCallback({ code: ExportResultCode.FAILED, error: new Error('metrics exporter is shut down') });
      return;
    }
    // Drained before anything can fail, so a failed export does not resend its exemplars next time (delta).
    const exemplars = this.options.drainExemplars();
    // A throwing callback must not become an unhandled rejection, which would end the Lambda process.
    const sending = this.send(metrics, exemplars)
      .then(resultCallback)
      .catch(() => undefined);
    this.pending.add(sending);
    void sending.finally(() => this.pending.delete(sending));
  }

  async forceFlush(): Promise<void> {
    await Promise.all(this.pending);
  }

  async shutdown(): Promise<void> {
    this.closed = true;
    await this.forceFlush();
    this.agent.destroy();
  }

  selectAggregationTemporality(): AggregationTemporality {
    return AggregationTemporality.DELTA;
  }

  private async send(metrics: ResourceMetrics, exemplars: ExemplarLookup): Promise<ExportResult> {
    try {
      const body = encodeMetricsRequest(metrics, exemplars);
      await postProtobuf(this.url, body, { headers: this.options.headers, timeoutMs: this.options.timeoutMs, agent: this.agent });
      return { code: ExportResultCode.SUCCESS };
    } catch (err) {
      const error = ExportRequestError.from(err);
      this.report(error.kind, `metrics export to ${this.endpoint} failed (${error.kind}): ${this.redact(error.message)}`);
      return { code: ExportResultCode.FAILED, error };
    }
  }

  /** Header values may be secrets; none of Node's messages should hold one, but make sure. */
  private redact(message: string): string {
    return Object.values(this.options.headers).reduce((m, v) => (v ? m.split(v).join('[redacted]') : m), message);
  }
}
