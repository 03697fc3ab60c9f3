export interface BackoffPolicy {
  /** Delay before the first retry (before jitter), ms. */
  readonly baseMs: number;
  /** No retry waits longer than this, ms. */
  readonly capMs: number;
}

/**
 * Exponential backoff with "equal jitter": the step doubles per attempt up to the cap, and the delay is
 * drawn from the upper half of the step, so retries spread out yet never come sooner than half the step.
 * `attempt` is the attempt that just failed (1 for the first).
 */
export function backoffDelay(attempt: number, policy: BackoffPolicy, random: () => number = Math.random): number {
  const step = Math.min(policy.capMs, policy.baseMs * 2 ** Math.max(0, attempt - 1));
  return Math.round(step / 2 + (random() * step) / 2);
}
