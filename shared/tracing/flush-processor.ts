import { TraceFlags } from '@opentelemetry/api';
import type { ReadableSpan, SpanExporter, SpanProcessor } from '@opentelemetry/sdk-trace';

/** How much longer than the exporter's own timeout an export is waited for (see `export`). */
const EXPORT_TIMEOUT_MARGIN_MS = 100;

export interface FlushingSpanProcessorOptions {
  /** Spans held at most; more are dropped (and counted) rather than grown into or waited for. */
  readonly maxQueueSize: number;
  readonly maxExportBatchSize: number;
  /** How long a span may wait before a background export, in a process that does not flush. */
  readonly scheduledDelayMs: number;
  /** An export that has not answered by then is given up on (an exporter that never calls back). */
  readonly exportTimeoutMs: number;
}

/**
 * Queues sampled spans and exports them on `forceFlush` (the end of every invocation), when a batch fills,
 * or after `scheduledDelayMs` — the SDK's BatchSpanProcessor's contract, cheaper per flush. Ours because a
 * Lambda function flushes every sampled invocation, and the SDK's processor spent about 25 µs of CPU on
 * each flush (profiled: its promise chain per batch, a context switch to suppress tracing, timers), an
 * eighth of a sampled invocation's tracing cost. Here a flush is the export itself; nothing in an export is
 * traced (our transport is not instrumented), so there is nothing to suppress. One background export at a
 * time, as the SDK's: a collector that hangs holds one batch, not a socket per batch.
 */
export class FlushingSpanProcessor implements SpanProcessor {
  private queue: ReadableSpan[] = [];
  private readonly inFlight = new Set<Promise<void>>();
  private background: Promise<void> | undefined;
  private timer: NodeJS.Timeout | undefined;
  private closed = false;
  private shutdownDone: Promise<void> | undefined;
  /** Spans dropped because the queue was full. */
  dropped = 0;

  constructor(
    private readonly exporter: SpanExporter,
    private readonly options: FlushingSpanProcessorOptions,
  ) {}

  onStart(): void {}

  onEnd(span: ReadableSpan): void {
    if (this.closed || (span.spanContext().traceFlags & TraceFlags.SAMPLED) === 0) return;
    if (this.queue.length >= this.options.maxQueueSize) {
      this.dropped++;
      return;
    }
    this.queue.push(span);
    if (this.queue.length >= this.options.maxExportBatchSize) this.exportInBackground();
    else this.schedule();
  }

  /** Exports every queued span, and waits for exports already under way: what the caller ended has left. */
  forceFlush(): Promise<void> {
    this.unschedule();
    const exports = [...this.inFlight];
    while (this.queue.length > 0) exports.push(this.export(this.take()));
    if (exports.length === 0) return Promise.resolve();
    return Promise.all(exports).then(noop);
  }

  /** Refuses spans from now on, exports what is queued, then shuts the exporter down (once). */
  shutdown(): Promise<void> {
    if (this.closed) return this.shutdownDone ?? Promise.resolve();
    this.closed = true;
    this.shutdownDone = this.forceFlush().then(() => this.exporter.shutdown());
    return this.shutdownDone;
  }

  private take(): ReadableSpan[] {
    const max = this.options.maxExportBatchSize;
    if (this.queue.length <= max) {
      const all = this.queue;
      this.queue = [];
      return all;
    }
    return this.queue.splice(0, max);
  }

  private exportInBackground(): void {
    this.unschedule();
    if (this.background || this.queue.length === 0) return;
    this.background = this.export(this.take()).then(() => {
      this.background = undefined;
      if (this.queue.length >= this.options.maxExportBatchSize) this.exportInBackground();
      else if (this.queue.length > 0) this.schedule();
    });
  }

  /**
   * Resolves when the exporter answered, whatever it answered (its failures are its own to report), or at
   * the export timeout: a stuck export must not hold every later flush and the shutdown.
   */
  private export(spans: ReadableSpan[]): Promise<void> {
    const sending = new Promise<void>((resolve) => {
      // A margin past the exporter's own timeout, which starts later (after encoding): the exporter ends its
      // request first, rather than this giving up on it while it is still being sent.
      const timer = setTimeout(resolve, this.options.exportTimeoutMs + EXPORT_TIMEOUT_MARGIN_MS);
      timer.unref();
      const done = () => {
        clearTimeout(timer);
        resolve();
      };
      try {
        this.exporter.export(spans, done);
      } catch {
        done();
      }
    });
    this.inFlight.add(sending);
    void sending.then(() => this.inFlight.delete(sending));
    return sending;
  }

  private schedule(): void {
    if (this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.exportInBackground();
    }, this.options.scheduledDelayMs);
    this.timer.unref(); // a span waiting for export must not keep the process alive
  }

  private unschedule(): void {
    if (!this.timer) return;
    clearTimeout(this.timer);
    this.timer = undefined;
  }
}

const noop = (): void => undefined;
