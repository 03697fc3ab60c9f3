import { randomBytes } from 'node:crypto';
import { ROOT_CONTEXT, SpanKind, trace, TraceFlags } from '@opentelemetry/api';
import { SamplingDecision } from '@opentelemetry/sdk-trace';
import { parseTracingConfig } from '../../shared/tracing/config';
import { AdaptiveSampler, createSampler, traceIdRatio } from '../../shared/tracing/sampling';

/** A controllable clock. */
function clock(start = 1_000_000) {
  let now = start;
  return { now: () => now, advance: (ms: number) => void (now += ms) };
}

let counter = 0;
/** Trace ids whose ratio is spread evenly over [0, 1). */
function nextTraceId(): string {
  counter = (counter + 0x9e3779b9) >>> 0; // golden-ratio stepping: a low-discrepancy sequence
  return `${'ab'.repeat(12)}${counter.toString(16).padStart(8, '0')}`;
}

function runSecond(sampler: AdaptiveSampler, c: ReturnType<typeof clock>, arrivals: number, failures = 0): number {
  let sampled = 0;
  for (let i = 0; i < arrivals; i++) {
    c.advance(1000 / arrivals);
    if (sampler.shouldSample(ROOT_CONTEXT, nextTraceId()).decision === SamplingDecision.RECORD_AND_SAMPLED) sampled++;
    if (i < failures) sampler.recordOutcome(true);
    else sampler.recordOutcome(false);
  }
  return sampled;
}

describe('AdaptiveSampler', () => {
  it('samples everything while traffic is below the target', () => {
    const c = clock();
    const sampler = new AdaptiveSampler({ targetPerSecond: 10, floor: 0.01, clock: c.now });
    for (let s = 0; s < 5; s++) expect(runSecond(sampler, c, 5)).toBe(5);
  });

  it('settles near the target number of traces per second under heavy traffic', () => {
    const c = clock();
    const sampler = new AdaptiveSampler({ targetPerSecond: 10, floor: 0.0001, clock: c.now });
    const perSecond: number[] = [];
    for (let s = 0; s < 20; s++) perSecond.push(runSecond(sampler, c, 2000));
    // The first second is guarded by the budget; later seconds by the measured rate.
    expect(perSecond[0]).toBeLessThanOrEqual(11);
    for (const n of perSecond.slice(5)) {
      expect(n).toBeGreaterThanOrEqual(5);
      expect(n).toBeLessThanOrEqual(15);
    }
    expect(sampler.probability).toBeCloseTo(10 / 2000, 3);
  });

  it('follows a change in traffic', () => {
    const c = clock();
    const sampler = new AdaptiveSampler({ targetPerSecond: 20, floor: 0, clock: c.now });
    for (let s = 0; s < 10; s++) runSecond(sampler, c, 5000);
    expect(sampler.probability).toBeLessThan(0.01);
    for (let s = 0; s < 10; s++) runSecond(sampler, c, 40);
    expect(sampler.probability).toBeGreaterThan(0.4);
  });

  it('never goes below its floor', () => {
    const c = clock();
    const sampler = new AdaptiveSampler({ targetPerSecond: 1, floor: 0.05, clock: c.now });
    let sampled = 0;
    for (let s = 0; s < 10; s++) sampled += runSecond(sampler, c, 4000);
    expect(sampler.probability).toBe(0.05);
    expect(sampled / 40_000).toBeGreaterThan(0.04);
  });

  it('raises sampling while errors are elevated, and lowers it again when they subside', () => {
    const c = clock();
    const sampler = new AdaptiveSampler({ targetPerSecond: 5, floor: 0, clock: c.now, errorBoost: 10 });
    for (let s = 0; s < 10; s++) runSecond(sampler, c, 1000);
    const calm = sampler.probability;
    runSecond(sampler, c, 1000, 200); // 20% of the work fails
    runSecond(sampler, c, 1000, 200);
    expect(sampler.errorsElevated).toBe(true);
    expect(sampler.probability).toBeCloseTo(calm * 10, 5);
    const duringErrors = runSecond(sampler, c, 1000, 200);
    expect(duringErrors).toBeGreaterThanOrEqual(30);
    runSecond(sampler, c, 1000);
    runSecond(sampler, c, 1000);
    expect(sampler.errorsElevated).toBe(false);
    expect(sampler.probability).toBeCloseTo(calm, 5);
  });

  it('does not call a single failure an elevated error rate', () => {
    const c = clock();
    const sampler = new AdaptiveSampler({ targetPerSecond: 5, floor: 0, clock: c.now });
    runSecond(sampler, c, 10, 1);
    runSecond(sampler, c, 10);
    expect(sampler.errorsElevated).toBe(false);
  });

  it('gives the same trace the same answer at the same probability', () => {
    const id = nextTraceId();
    expect(traceIdRatio(id)).toBe(traceIdRatio(id));
    expect(traceIdRatio('f'.repeat(32))).toBeLessThan(1);
    expect(traceIdRatio('0'.repeat(31) + '1')).toBeGreaterThanOrEqual(0);
  });
});

describe('createSampler', () => {
  const parent = (flags: TraceFlags) =>
    trace.setSpanContext(ROOT_CONTEXT, { traceId: 'a'.repeat(32), spanId: 'b'.repeat(16), traceFlags: flags, isRemote: true });
  const decide = (strategy: string, flags?: TraceFlags) => {
    const { sampler } = createSampler(parseTracingConfig({ TRACING_SAMPLING_STRATEGY: strategy, TRACING_SAMPLING_RATE: '0.5' }));
    return sampler.shouldSample(flags === undefined ? ROOT_CONTEXT : parent(flags), 'c'.repeat(32), 'span', SpanKind.CONSUMER, {}, [])
      .decision;
  };

  it.each(['always', 'never', 'probabilistic', 'adaptive'])(
    '%s follows a sampled parent and never samples under an unsampled one',
    (strategy) => {
      expect(decide(strategy, TraceFlags.SAMPLED)).toBe(SamplingDecision.RECORD_AND_SAMPLED);
      expect(decide(strategy, TraceFlags.NONE)).toBe(SamplingDecision.NOT_RECORD);
    },
  );

  it('decides roots by strategy', () => {
    expect(decide('always')).toBe(SamplingDecision.RECORD_AND_SAMPLED);
    expect(decide('never')).toBe(SamplingDecision.NOT_RECORD);
  });

  it('samples about the configured ratio of roots when probabilistic', () => {
    const { sampler } = createSampler(parseTracingConfig({ TRACING_SAMPLING_STRATEGY: 'probabilistic', TRACING_SAMPLING_RATE: '0.2' }));
    let sampled = 0;
    for (let i = 0; i < 10_000; i++) {
      const id = randomBytes(16).toString('hex');
      if (sampler.shouldSample(ROOT_CONTEXT, id, 'root', SpanKind.SERVER, {}, []).decision === SamplingDecision.RECORD_AND_SAMPLED)
        sampled++;
    }
    expect(sampled / 10_000).toBeGreaterThan(0.17);
    expect(sampled / 10_000).toBeLessThan(0.23);
  });

  it('gives a root the same answer on every instance when probabilistic, and samples all at 1 and none at 0', () => {
    const at = (rate: string) =>
      createSampler(parseTracingConfig({ TRACING_SAMPLING_STRATEGY: 'probabilistic', TRACING_SAMPLING_RATE: rate }));
    const [one, other] = [at('0.3').sampler, at('0.3').sampler];
    for (let i = 0; i < 1000; i++) {
      const id = nextTraceId();
      const a = one.shouldSample(ROOT_CONTEXT, id, 'root', SpanKind.SERVER, {}, []).decision;
      expect(other.shouldSample(ROOT_CONTEXT, id, 'root', SpanKind.SERVER, {}, []).decision).toBe(a);
      expect(at('1').sampler.shouldSample(ROOT_CONTEXT, id, 'root', SpanKind.SERVER, {}, []).decision).toBe(
        SamplingDecision.RECORD_AND_SAMPLED,
      );
      expect(at('0').sampler.shouldSample(ROOT_CONTEXT, id, 'root', SpanKind.SERVER, {}, []).decision).toBe(SamplingDecision.NOT_RECORD);
    }
  });
});
