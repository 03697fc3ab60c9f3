import { ExportResultCode, type ExportResult } from '@opentelemetry/core';
import { AlwaysOnSampler, SamplingDecision, TracerProvider, type ReadableSpan, type SpanExporter } from '@opentelemetry/sdk-trace';
import { FlushingSpanProcessor } from '../../shared/tracing/flush-processor';

/** An exporter that answers when the test says (or at once), and keeps what it was given. */
class ManualExporter implements SpanExporter {
  readonly batches: string[][] = [];
  private readonly waiting: Array<(result: ExportResult) => void> = [];
  constructor(public answerAtOnce = true) {}
  export(spans: ReadableSpan[], done: (result: ExportResult) => void): void {
    this.batches.push(spans.map((s) => s.name));
    if (this.answerAtOnce) done({ code: ExportResultCode.SUCCESS });
    else this.waiting.push(done);
  }
  answerAll(): void {
    for (const done of this.waiting.splice(0)) done({ code: ExportResultCode.SUCCESS });
  }
  async shutdown(): Promise<void> {}
}

function setup(options: Partial<ConstructorParameters<typeof FlushingSpanProcessor>[1]> = {}, exporter = new ManualExporter()) {
  const processor = new FlushingSpanProcessor(exporter, {
    maxQueueSize: 100,
    maxExportBatchSize: 10,
    scheduledDelayMs: 1000,
    exportTimeoutMs: 5000,
    ...options,
  });
  const tracer = new TracerProvider({ sampler: new AlwaysOnSampler(), spanProcessors: [processor] }).getTracer('t');
  const end = (n: number, prefix = 's') => {
    for (let i = 0; i < n; i++) tracer.startSpan(`${prefix}${i}`).end();
  };
  return { processor, exporter, tracer, end };
}

afterEach(() => vi.useRealTimers());

describe('FlushingSpanProcessor', () => {
  it('exports every queued span on flush, in batches of the batch size, and resolves once they are answered', async () => {
    const { processor, exporter, end } = setup({}, new ManualExporter(false));
    end(9);
    expect(exporter.batches).toHaveLength(0); // under a batch: nothing goes out until a flush
    end(16, 't'); // 25 in all: two full batches go out in the background, one at a time
    let flushed = false;
    const flush = processor.forceFlush().then(() => (flushed = true));
    await Promise.resolve();
    expect(flushed).toBe(false);
    exporter.answerAll();
    await flush;
    expect(exporter.batches.flat()).toHaveLength(25);
    expect(exporter.batches.every((b) => b.length <= 10)).toBe(true);
  });

  it('sends a full batch without a flush, and holds one export at a time against a collector that hangs', () => {
    const { exporter, end } = setup({}, new ManualExporter(false));
    end(30);
    expect(exporter.batches).toEqual([Array.from({ length: 10 }, (_, i) => `s${i}`)]);
  });

  it('drops spans beyond the queue and counts them, instead of growing or blocking', () => {
    const { processor, exporter, end } = setup({ maxQueueSize: 20, maxExportBatchSize: 5 }, new ManualExporter(false));
    end(1000);
    expect(exporter.batches).toHaveLength(1); // the one export in flight holds 5
    expect(processor.dropped).toBe(1000 - 5 - 20);
  });

  it('exports a span no flush came for after the scheduled delay', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const { exporter, end } = setup({ scheduledDelayMs: 1000 });
    end(3);
    vi.advanceTimersByTime(999);
    expect(exporter.batches).toHaveLength(0);
    vi.advanceTimersByTime(1);
    expect(exporter.batches).toEqual([['s0', 's1', 's2']]);
  });

  it('never exports a span that records without being sampled', async () => {
    const exporter = new ManualExporter();
    const processor = new FlushingSpanProcessor(exporter, {
      maxQueueSize: 10,
      maxExportBatchSize: 5,
      scheduledDelayMs: 1000,
      exportTimeoutMs: 1000,
    });
    const recordOnly = { shouldSample: () => ({ decision: SamplingDecision.RECORD }), toString: () => 'record-only' };
    const tracer = new TracerProvider({ sampler: recordOnly, spanProcessors: [processor] }).getTracer('t');
    const span = tracer.startSpan('recorded, not sampled');
    expect(span.isRecording()).toBe(true);
    span.end();
    await processor.forceFlush();
    expect(exporter.batches).toHaveLength(0);
  });

  it('refuses spans once shutdown has begun, exports what was queued, and shuts the exporter down once', async () => {
    const exporter = new ManualExporter(false);
    let shutdowns = 0;
    exporter.shutdown = async () => void shutdowns++;
    const { processor, end } = setup({}, exporter);
    end(3);
    const first = processor.shutdown();
    end(2, 'late'); // ended while the shutdown waits for the export
    const second = processor.shutdown();
    exporter.answerAll();
    await Promise.all([first, second]);
    expect(exporter.batches).toEqual([['s0', 's1', 's2']]);
    expect(shutdowns).toBe(1);
  });

  it('gives up on an export that never answers at the export timeout, so later flushes and the shutdown end', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const stuck: SpanExporter = { export: () => undefined, shutdown: async () => undefined };
    const { processor, end } = setup({ exportTimeoutMs: 2000 }, stuck as ManualExporter);
    end(2);
    let flushed = false;
    const flush = processor.forceFlush().then(() => (flushed = true));
    // The export timeout and a 100 ms margin (the exporter's own timeout starts a little later).
    await vi.advanceTimersByTimeAsync(2099);
    expect(flushed).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    await flush;
    const shutdown = processor.shutdown();
    await vi.advanceTimersByTimeAsync(0);
    await expect(shutdown).resolves.toBeUndefined();
  });
});
