import type { MetricsBatch } from './data-model';
import { ExportRequestError } from '../otlp-http/errors';
import { OtlpHttpClient } from '../otlp-http/client';
import { logOnce, type OnceLogger } from '../log-once';
import { encodeMetricsRequest } from './otlp-encoder';

export interface OtlpHttpMetricExporterOptions {
  readonly url: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly timeoutMs: number;
  readonly log: (message: string) => void;
}

/** OTLP/HTTP protobuf with exemplars. Never throws: a failure becomes `false` and one log line per kind. */
export class OtlpHttpMetricExporter {
  private readonly url: URL;
  /** Logged instead of the URL: user info and query strings may carry credentials. */
  private readonly endpoint: string;
  private readonly client: OtlpHttpClient;
  private readonly report: OnceLogger;
  private readonly pending = new Set<Promise<boolean>>();
  private closed = false;

  constructor(private readonly options: OtlpHttpMetricExporterOptions) {
    this.url = new URL(options.url);
    this.endpoint = `${this.url.origin}${this.url.pathname}`;
    this.client = new OtlpHttpClient(this.url, options.headers);
    this.report = logOnce(options.log);
  }

  /** Resolves true once the collector accepted the batch; false when it did not, or after shutdown. */
  export(batch: MetricsBatch): Promise<boolean> {
    if (this.closed) return Promise.resolve(false);
    const sending = this.send(batch);
    this.pending.add(sending);
    void sending.finally(() => this.pending.delete(sending));
    return sending;
  }

  /** Lets exports in flight finish, then releases the keep-alive sockets. */
  async shutdown(): Promise<void> {
    this.closed = true;
    await Promise.all(this.pending);
    this.client.close();
  }

  private async send(batch: MetricsBatch): Promise<boolean> {
    try {
      const body = encodeMetricsRequest(batch);
      await this.client.post(body, this.options.timeoutMs);
      return true;
    } catch (err) {
      const error = ExportRequestError.from(err);
      this.report(error.kind, `metrics export to ${this.endpoint} failed (${error.kind}): ${this.redact(error.message)}`);
      return false;
    }
  }

  /** Header values may be secrets; none of Node's messages should hold one, but make sure. */
  private redact(message: string): string {
    return Object.values(this.options.headers).reduce((m, v) => (v ? m.split(v).join('[redacted]') : m), message);
  }
}
