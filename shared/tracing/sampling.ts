import type { Context } from '@opentelemetry/api';
import {
  AlwaysOffSampler,
  AlwaysOnSampler,
  ParentBasedSampler,
  SamplingDecision,
  type Sampler,
  type SamplingResult,
} from '@opentelemetry/sdk-trace';
import type { TracingConfig } from './config';
import { Attr } from './names';

export interface AdaptiveSamplerOptions {
  /** Sampled root traces per second aimed for, per instance. */
  readonly targetPerSecond: number;
  /** Probability never goes below this (the configured sampling_rate). */
  readonly floor: number;
  /** While errors are elevated the target is multiplied by this. Default 10. */
  readonly errorBoost?: number;
  /** Error ratio (errors / reported outcomes in a window) that counts as elevated. Default 0.05. */
  readonly errorThreshold?: number;
  /** Fewer errors than this in a window never count as elevated (one failure is not a trend). Default 3. */
  readonly minErrors?: number;
  /** Length of a measuring window. Default 1000 ms. */
  readonly windowMs?: number;
  /** Weight of the newest window in the arrival-rate average. Default 0.5. */
  readonly smoothing?: number;
  readonly clock?: () => number;
}

/** A trace id's position in [0, 1): the same id gets the same answer on every instance at a given p. */
export function traceIdRatio(traceId: string): number {
  // The low 8 hex digits are random in every id format (X-Ray ids start with a timestamp).
  return parseInt(traceId.slice(-8), 16) / 0x1_0000_0000;
}

/**
 * Probabilistic root sampling by the trace id's ratio (see `traceIdRatio`), as the adaptive sampler
 * decides: the same trace gets the same answer on every instance. Ours rather than the SDK's
 * TraceIdRatioBasedSampler, which validates the id and folds all 32 digits on every root, twice what
 * this costs for a decision most roots get: not sampled.
 */
export class RatioSampler implements Sampler {
  constructor(private readonly ratio: number) {}

  shouldSample(_context: Context, traceId: string): SamplingResult {
    return { decision: traceIdRatio(traceId) < this.ratio ? SamplingDecision.RECORD_AND_SAMPLED : SamplingDecision.NOT_RECORD };
  }

  toString(): string {
    return `RatioSampler{${this.ratio}}`;
  }
}

/**
 * Adaptive root sampling. Arrivals of new traces are counted per window; an exponentially weighted
 * average of the rate sets the probability p = target / rate, kept within [floor, 1]. Within a window
 * a budget guards bursts: once `target × window` traces were sampled, the rest of the window falls back
 * to the floor. While reported failures are elevated, the target is boosted so failing traffic gets
 * traced, and it returns to normal once they subside. Decisions depend on the trace id (ratio), so
 * instances with the same p agree on the same trace.
 */
export class AdaptiveSampler implements Sampler {
  private readonly target: number;
  private readonly floor: number;
  private readonly boost: number;
  private readonly threshold: number;
  private readonly minErrors: number;
  private readonly windowMs: number;
  private readonly smoothing: number;
  private readonly clock: () => number;
  private windowStart: number;
  private arrivals = 0;
  private sampled = 0;
  private outcomes = 0;
  private errors = 0;
  private rate: number | null = null;
  private elevated = false;

  constructor(options: AdaptiveSamplerOptions) {
    this.target = options.targetPerSecond;
    this.floor = options.floor;
    this.boost = options.errorBoost ?? 10;
    this.threshold = options.errorThreshold ?? 0.05;
    this.minErrors = options.minErrors ?? 3;
    this.windowMs = options.windowMs ?? 1000;
    this.smoothing = options.smoothing ?? 0.5;
    this.clock = options.clock ?? Date.now;
    this.windowStart = this.clock();
  }

  /** The probability the next root trace is sampled with (before the window budget). */
  get probability(): number {
    if (this.rate === null || this.rate === 0) return 1; // nothing measured yet: nothing to thin out
    return Math.min(1, Math.max(this.floor, this.effectiveTarget() / this.rate));
  }

  get errorsElevated(): boolean {
    return this.elevated;
  }

  /** Reports the outcome of a unit of work (an invocation, a job), so errors can raise sampling. */
  recordOutcome(failed: boolean): void {
    this.roll();
    this.outcomes++;
    if (failed) this.errors++;
  }

  shouldSample(_context: Context, traceId: string): SamplingResult {
    this.roll();
    this.arrivals++;
    const budget = this.effectiveTarget() * (this.windowMs / 1000);
    const p = this.sampled >= budget ? this.floor : this.probability;
    if (traceIdRatio(traceId) < p) {
      this.sampled++;
      return { decision: SamplingDecision.RECORD_AND_SAMPLED };
    }
    return { decision: SamplingDecision.NOT_RECORD };
  }

  toString(): string {
    return `AdaptiveSampler{target=${this.target}/s, floor=${this.floor}}`;
  }

  private effectiveTarget(): number {
    return this.elevated ? this.target * this.boost : this.target;
  }

  /** Closes finished windows: updates the average rate and whether errors are elevated. */
  private roll(): void {
    const now = this.clock();
    if (now - this.windowStart < this.windowMs) return;
    const windows = Math.floor((now - this.windowStart) / this.windowMs);
    const observed = (this.arrivals * 1000) / this.windowMs;
    this.rate = this.rate === null ? observed : this.smoothing * observed + (1 - this.smoothing) * this.rate;
    // Windows that passed with no traffic at all decay the average toward zero.
    for (let i = 1; i < windows; i++) this.rate *= 1 - this.smoothing;
    this.elevated = this.errors >= this.minErrors && this.errors / Math.max(1, this.outcomes) >= this.threshold;
    this.windowStart += windows * this.windowMs;
    this.arrivals = 0;
    this.sampled = 0;
    this.outcomes = 0;
    this.errors = 0;
  }
}

/**
 * A root sampler that samples a new trace whose first span says why it must be recorded (`Attr.traceRecordedBecause`,
 * set only by Tracing.startFailureTrace, which bounds how often), and asks `root` otherwise.
 */
export class ForcibleSampler implements Sampler {
  constructor(private readonly root: Sampler) {}

  shouldSample(...args: Parameters<Sampler['shouldSample']>): SamplingResult {
    if (args[4]?.[Attr.traceRecordedBecause] !== undefined) return { decision: SamplingDecision.RECORD_AND_SAMPLED };
    return this.root.shouldSample(...args);
  }

  toString(): string {
    return `ForcibleSampler{${this.root.toString()}}`;
  }
}

/**
 * A token bucket: `perSecond` failure traces a second, and a burst of as many. Bounds what an outage that
 * fails every job can send the collector, and what it costs the poller.
 */
export class FailureTraceBudget {
  private tokens: number;
  private at: number;

  constructor(
    private readonly perSecond: number,
    private readonly clock: () => number = Date.now,
  ) {
    this.tokens = perSecond;
    this.at = clock();
  }

  take(): boolean {
    if (this.perSecond <= 0) return false;
    const now = this.clock();
    this.tokens = Math.min(this.perSecond, this.tokens + ((now - this.at) / 1000) * this.perSecond);
    this.at = now;
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }
}

export interface ProjectSampler {
  /** Parent-based: a trace's later spans follow the decision made when it began. */
  readonly sampler: Sampler;
  /** The root sampler when adaptive, so outcomes can be reported to it. */
  readonly adaptive: AdaptiveSampler | null;
}

/**
 * The sampler for a strategy, always parent-based: remote and local parents decide for their children
 * (sampled stays sampled, unsampled stays unsampled; nothing is ever forced to sampled downstream).
 */
export function createSampler(config: TracingConfig, clock?: () => number): ProjectSampler {
  const { strategy, rate, targetPerSecond } = config.sampling;
  let root: Sampler;
  let adaptive: AdaptiveSampler | null = null;
  switch (strategy) {
    case 'always':
      root = new AlwaysOnSampler();
      break;
    case 'never':
      root = new AlwaysOffSampler();
      break;
    case 'probabilistic':
      root = new RatioSampler(rate);
      break;
    case 'adaptive':
      root = adaptive = new AdaptiveSampler({ targetPerSecond, floor: rate, ...(clock ? { clock } : {}) });
      break;
  }
  return { sampler: new ParentBasedSampler({ root: new ForcibleSampler(root) }), adaptive };
}
