import { ExportResultCode, type ExportResult } from '@opentelemetry/core';
import type { ReadableSpan, SpanExporter } from '@opentelemetry/sdk-trace';
import { logOnce, type OnceLogger } from './log-once';

export type Log = (message: string) => void;

/** The kind of an export failure, for logging each kind once: a code, or the message's first words. */
function failureKind(error: unknown): string {
  const e = error as { code?: unknown; name?: unknown; message?: unknown } | undefined;
  if (e && typeof e.code === 'string') return e.code;
  const message = typeof e?.message === 'string' ? e.message : String(error);
  return message.split(/\s+/).slice(0, 6).join(' ');
}

/**
 * Keeps export failures from reaching the job: the exporter's errors are reported once per kind
 * (endpoint and reason, never header values) and swallowed; a throwing exporter counts as a failure.
 */
export class GuardedSpanExporter implements SpanExporter {
  private readonly logged: OnceLogger;

  constructor(
    private readonly inner: SpanExporter,
    private readonly endpoint: string,
    log: Log,
  ) {
    this.logged = logOnce(log);
  }

  export(spans: ReadableSpan[], resultCallback: (result: ExportResult) => void): void {
    const done = (result: ExportResult) => {
      if (result.code !== ExportResultCode.SUCCESS) this.report(result.error);
      resultCallback(result);
    };
    try {
      this.inner.export(spans, done);
    } catch (error) {
      done({ code: ExportResultCode.FAILED, error: error as Error });
    }
  }

  shutdown(): Promise<void> {
    return this.inner.shutdown().catch((error: unknown) => this.report(error));
  }

  forceFlush(): Promise<void> {
    return (this.inner.forceFlush?.() ?? Promise.resolve()).catch((error: unknown) => this.report(error));
  }

  private report(error: unknown): void {
    const kind = failureKind(error);
    this.logged(
      kind,
      `span export to ${this.endpoint} failed (${kind}); spans of this batch are dropped, jobs are unaffected. Further failures of this kind are not logged.`,
    );
  }
}

/**
 * How long a flush may wait. After a flush timed out (a slow or dead collector), the next ones wait
 * only `degradedMs`, so a bad collector cannot add the full timeout to every invocation; one flush per
 * `probeEveryMs` still gets the full time, so a collector that recovers (or is merely slower than
 * `degradedMs`) is noticed and the budget returns to normal. By time, not by count: under concurrency a
 * count would hand a full timeout to every round of invocations.
 */
export class FlushBudget {
  private degraded = false;
  private lastProbe = 0;

  constructor(
    private readonly degradedMs = 50,
    private readonly probeEveryMs = 5000,
    private readonly now: () => number = Date.now,
  ) {}

  budget(timeoutMs: number): number {
    if (!this.degraded) return timeoutMs;
    const now = this.now();
    if (now - this.lastProbe < this.probeEveryMs) return Math.min(timeoutMs, this.degradedMs);
    this.lastProbe = now;
    return timeoutMs;
  }

  record(timedOut: boolean): void {
    // Entering the degraded state starts the probe interval: the flush that just timed out was the probe.
    if (timedOut && !this.degraded) this.lastProbe = this.now();
    this.degraded = timedOut;
  }
}
