import { ExportResultCode, type ExportResult } from '@opentelemetry/core';
import type { ReadableSpan, SpanExporter } from '@opentelemetry/sdk-trace';
import { ExportHttpStatusError } from './errors';
import { OtlpHttpClient } from './client';
import { encodeTraceRequest } from './span-encoder';

export interface OtlpHttpSpanExporterOptions {
  readonly url: string;
  readonly headers: Readonly<Record<string, string>>;
  /** The most one export may take, a retry included. */
  readonly timeoutMs: number;
}

/** Answers that say "try again shortly": the collector is up but busy or restarting. */
const RETRYABLE_STATUS = new Set([429, 502, 503, 504]);
const RETRY_AFTER_MS = 100;

/**
 * OTLP/HTTP protobuf span exporter (our own encoder and transport: see encodeTraceRequest, OtlpHttpClient). Ours because the SDK's
 * exporter treats a refused connection as retryable and backs off (1 s, then 1.5 s …) until its timeout:
 * with the collector layer down, every flush would wait out its whole budget. Here a connection that is
 * refused, reset or unresolvable fails at once, a busy collector (429, 502–504) gets one more try if the
 * timeout leaves room for it, and nothing takes longer than `timeoutMs`. Failures are results, never
 * throws: GuardedSpanExporter reports them.
 */
export class OtlpHttpSpanExporter implements SpanExporter {
  private readonly client: OtlpHttpClient;
  private readonly pending = new Set<Promise<void>>();
  private closed = false;

  constructor(private readonly options: OtlpHttpSpanExporterOptions) {
    this.client = new OtlpHttpClient(new URL(options.url), options.headers);
    this.client.preconnect();
  }

  export(spans: ReadableSpan[], resultCallback: (result: ExportResult) => void): void {
    if (this.closed) return resultCallback({ code: ExportResultCode.FAILED, error: new Error('the exporter was shut down') });
    let body: Uint8Array;
    try {
      body = encodeTraceRequest(spans);
    } catch (error) {
      return resultCallback({ code: ExportResultCode.FAILED, error: error as Error });
    }
    const sending = this.send(body).then(
      () => resultCallback({ code: ExportResultCode.SUCCESS }),
      (error: unknown) => resultCallback({ code: ExportResultCode.FAILED, error: error as Error }),
    );
    this.pending.add(sending);
    void sending.finally(() => this.pending.delete(sending));
  }

  /** Exports in flight finish (each is bounded by the timeout). */
  async forceFlush(): Promise<void> {
    await Promise.all(this.pending);
  }

  async shutdown(): Promise<void> {
    this.closed = true;
    await this.forceFlush();
    this.client.close();
  }

  private async send(body: Uint8Array): Promise<void> {
    const deadline = Date.now() + this.options.timeoutMs;
    const post = () => this.client.post(body, Math.max(1, deadline - Date.now()));
    try {
      await post();
    } catch (error) {
      const retry =
        error instanceof ExportHttpStatusError && RETRYABLE_STATUS.has(error.status) && deadline - Date.now() > 2 * RETRY_AFTER_MS;
      if (!retry) throw error; // an OtlpExportError already: the client rejects with nothing else
      await new Promise((resolve) => setTimeout(resolve, RETRY_AFTER_MS));
      await post();
    }
  }
}
