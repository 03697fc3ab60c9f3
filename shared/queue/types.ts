/** Public types of the queue core. */

/**
 * A trace propagation carrier, header-style: `traceparent`, `tracestate`, `baggage`, `x-amzn-trace-id`,
 * `b3`, `uber-trace-id`… Filled and read by the tracing layer; the queue stores it untouched.
 */
export type TraceCarrier = Record<string, string>;

/** What a producer submits. Everything but `type` has a default. */
export interface JobInput {
  type: string;
  queue?: string;
  priority?: string;
  payload?: unknown;
  filepath?: string;
  filesize?: number;
  maxAttempts?: number;
  timeoutMs?: number;
  idempotencyKey?: string;
  trace?: TraceCarrier;
  /** Wait this long (ms) before the job becomes due. Not with `runAt`. */
  delayMs?: number;
  /** When the job becomes due: an RFC 3339 timestamp. Not with `delayMs`. */
  runAt?: string;
}

/** The job scheduler that made a job, and for which occurrence. */
export interface ScheduledBy {
  readonly name: string;
  /** The occurrence (ms since epoch). */
  readonly at: number;
}

/** The immutable part of a job, fixed at enqueue. */
export interface JobSpec<P = unknown> {
  readonly id: string;
  readonly queue: string;
  readonly priority: string;
  readonly type: string;
  readonly payload: P;
  readonly filepath?: string;
  readonly filesize?: number;
  readonly maxAttempts: number;
  readonly timeoutMs?: number;
  /** Client time (ms since epoch) the job was created. */
  readonly createdAt: number;
  readonly idempotencyKey?: string;
  readonly trace: TraceCarrier;
  /** The delay asked for at enqueue (ms). */
  readonly delayMs?: number;
  /** The time asked for at enqueue (ms since epoch). */
  readonly runAt?: number;
  readonly scheduler?: ScheduledBy;
}

export interface Job<P = unknown> extends JobSpec<P> {
  /** Attempts started so far (the current one included once dequeued). */
  readonly attempts: number;
  /**
   * How many times the job was handed out, ever: the lease token. Unlike `attempts` it is never reset
   * (requeue) or undone (release), so a token from an earlier delivery can never match again.
   */
  readonly delivery: number;
  /** Server time (ms) the job last entered a waiting list. */
  readonly enqueuedAt: number;
  /** Error of the latest failed attempt. */
  readonly lastError: string | null;
  /**
   * When a failure of the job was recorded in a trace of its own (its own trace was not sampled): that
   * trace's carrier, which the job's later steps follow instead of `trace` (`stepTrace` picks).
   */
  readonly failureTrace?: TraceCarrier;
}

export interface EnqueueResult {
  readonly id: string;
  /** True when the idempotency key was seen within its TTL: nothing new was enqueued. */
  readonly duplicate: boolean;
  /** The job; for a duplicate, the original — or null once the original left the completed history. */
  readonly job: Job | null;
  /** When a delayed job becomes due (server ms); null when it was ready at once. */
  readonly runAt: number | null;
}

export interface DequeueOptions {
  /** Queues to take from, in order of preference within one priority. Default: the default queue. */
  queues?: readonly string[];
  /** Most jobs to take. Default 1. */
  count?: number;
  /** Wait up to this long for work when none is ready (blocking, not polling). Default 0. */
  waitMs?: number;
  /** Lease length for the jobs taken. Default: the queue's `leaseMs`. */
  leaseMs?: number;
  /** Aborting ends a wait early with whatever was taken (nothing). */
  signal?: AbortSignal;
  /** Told, after each try, which queues a control held back with jobs waiting (none: not called). */
  onHeld?: (held: readonly HeldBack[]) => void;
}

/** What holds a queue's waiting jobs back: it is paused, at its concurrency limit, or out of its rate. */
export type HoldReason = 'paused' | 'concurrency' | 'rate';

export interface HeldBack {
  readonly queue: string;
  readonly reason: HoldReason;
}

export interface NackOptions {
  /** False sends the job straight to the dead-letter queue. Default true. */
  retryable?: boolean;
  /** Overrides the backoff delay for this retry. */
  delayMs?: number;
}

/** The lease on a dequeued job: its id and the delivery it was handed out in. */
export type Lease = Pick<Job, 'id' | 'delivery'>;

export type NackResult = { readonly outcome: 'retry'; readonly retryAt: number } | { readonly outcome: 'dead' };

/** How an attempt failed: an error, its timeout (a JobTimeoutError), a lost lease, or a permanent error. */
export type FailureKind = 'error' | 'timeout' | 'lease_expired' | 'non_retryable';
export type DeadReason = 'attempts_exhausted' | 'non_retryable';

/** One failed attempt, as recorded on the job. */
export interface FailureRecord {
  readonly attempt: number;
  readonly error: string;
  readonly kind: FailureKind;
  /** Server time (ms). */
  readonly at: number;
}

export type JobState = 'waiting' | 'active' | 'delayed' | 'dead' | 'completed' | 'cancelled' | 'unknown';

export interface JobInfo {
  readonly state: JobState;
  readonly job: Job;
  /** Position in its waiting list (0 = next) when waiting. */
  readonly position?: number;
  /** Lease deadline (active), due time (delayed), time of death (dead) or completion (completed), ms. */
  readonly since?: number;
  readonly deadReason?: DeadReason;
  /** Every failed attempt, oldest first, across requeues. */
  readonly failures: readonly FailureRecord[];
  /** Times the job was requeued from the dead-letter queue. */
  readonly requeues: number;
  /** When the latest attempt started (server ms). */
  readonly startedAt?: number;
  /** Completed, dead-lettered or cancelled: when (server ms). */
  readonly finishedAt?: number;
  /** The latest progress its processor reported (JSON value). */
  readonly progress?: unknown;
  /** The processor's result, when completed and kept (JSON value). */
  readonly result?: unknown;
  /** Why a result was not kept (too large, not JSON). */
  readonly resultOmitted?: string;
}

export interface QueueCounters {
  readonly enqueued: number;
  readonly completed: number;
  readonly failed: number;
  readonly retried: number;
  readonly deadLettered: number;
  readonly requeued: number;
  readonly purged: number;
  readonly cancelled: number;
}

export interface PriorityStats {
  readonly name: string;
  readonly waiting: number;
  /** Age (ms) of the job at the head of this list, or null when empty. */
  readonly oldestAgeMs: number | null;
}

export interface QueueStatsEntry {
  readonly name: string;
  readonly waiting: number;
  readonly active: number;
  readonly delayed: number;
  readonly oldestAgeMs: number | null;
  readonly priorities: readonly PriorityStats[];
  readonly counters: QueueCounters;
  readonly paused: PauseRecord | null;
  readonly limits: QueueLimits;
  /** What holds its waiting jobs back right now, if anything. */
  readonly heldBack: HoldReason | null;
  /** The current rate window, when the queue has a rate. */
  readonly rateWindow?: { readonly used: number; readonly resetsInMs: number };
}

/** Why and by whom a queue was paused. */
export interface PauseRecord {
  readonly reason: string;
  /** ISO 8601. */
  readonly at: string;
  readonly by: string;
}

/** A queue's limits, over every consumer together; null where none is set. */
export interface QueueLimits {
  /** Most of its jobs in flight at once (leased: running or prefetched). */
  readonly concurrency: number | null;
  /** Most of its jobs started per window of `perMs`. */
  readonly rate: { readonly max: number; readonly perMs: number } | null;
}

export interface QueueControls {
  readonly queue: string;
  readonly paused: PauseRecord | null;
  readonly limits: QueueLimits;
}

/** A cancelled job: when, and the state it was cancelled from (null: it had been cancelled before). */
export interface CancelResult {
  readonly id: string;
  readonly cancelledAt: number;
  readonly from: 'waiting' | 'delayed' | null;
}
export interface QueueStats {
  /** Server time (ms) of the snapshot. */
  readonly now: number;
  readonly queues: readonly QueueStatsEntry[];
  readonly totals: { readonly waiting: number; readonly active: number; readonly delayed: number };
  readonly dead: number;
  /** Jobs in the bounded completed history. */
  readonly completedHistory: number;
}

export interface PurgeResult {
  readonly target: string;
  readonly removed: number;
}

export interface RequeueResult {
  readonly requeued: number;
  /** Ids asked for that were not in the dead-letter queue. */
  readonly missing: readonly string[];
}
