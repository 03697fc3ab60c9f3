import { InMemorySpanExporter } from '@opentelemetry/sdk-trace';
import { FailureTraceBudget } from '../../shared/tracing/sampling';
import { initTracing, parseTracingConfig } from '../../shared/tracing';

describe('failure traces', () => {
  it('are bounded per second, with a burst of as many, refilled by the clock', () => {
    let now = 0;
    const budget = new FailureTraceBudget(3, () => now);
    expect([budget.take(), budget.take(), budget.take(), budget.take()]).toEqual([true, true, true, false]);
    now += 333;
    expect(budget.take()).toBe(false); // 0.999 of a token
    now += 1;
    expect(budget.take()).toBe(true);
    now += 60_000; // a long quiet time refills to the burst, not beyond
    expect([budget.take(), budget.take(), budget.take(), budget.take()]).toEqual([true, true, true, false]);
    expect(new FailureTraceBudget(0, () => now).take()).toBe(false);
  });

  it('start a sampled trace of their own when sampling says never, marked with why, within the budget', async () => {
    const exporter = new InMemorySpanExporter();
    let now = 1_000_000;
    const tracing = initTracing(parseTracingConfig({ TRACING_SAMPLING_STRATEGY: 'never', TRACING_FAILURE_TRACES_PER_SECOND: '2' }), {
      exporter,
      register: false,
      processor: 'simple',
      log: () => undefined,
      clock: () => now,
    });
    const ordinary = tracing.startSpan('job.process');
    expect(ordinary.isRecording()).toBe(false);
    const spans = [1, 2, 3].map(() => tracing.startFailureTrace('job.process', 'failure', () => ({ attributes: { 'job.id': 'J' } })));
    expect(spans.map((s) => s?.isRecording() ?? 'over budget')).toEqual([true, true, 'over budget']);
    now += 500;
    expect(tracing.startFailureTrace('job.process', 'failure', () => ({}))?.isRecording()).toBe(true);
    for (const s of spans) s?.end();
    ordinary.end();
    const exported = exporter.getFinishedSpans();
    expect(exported).toHaveLength(2);
    expect(new Set(exported.map((s) => s.spanContext().traceId)).size).toBe(2);
    expect(exported[0]!.attributes).toMatchObject({ 'trace.recorded_because': 'failure', 'job.id': 'J' });
    expect(exported[0]!.parentSpanContext).toBeUndefined();
    await tracing.shutdown();
  });

  it('are off with TRACING_FAILURE_TRACES_PER_SECOND=0', async () => {
    const tracing = initTracing(parseTracingConfig({ TRACING_SAMPLING_STRATEGY: 'never', TRACING_FAILURE_TRACES_PER_SECOND: '0' }), {
      exporter: new InMemorySpanExporter(),
      register: false,
      log: () => undefined,
    });
    expect(tracing.startFailureTrace('job.process', 'failure', () => ({}))).toBeUndefined();
    await tracing.shutdown();
  });
});
