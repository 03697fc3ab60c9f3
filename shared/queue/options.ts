import type { BackoffPolicy } from './backoff';
import { QueueArgumentError } from './errors';
import { DEFAULT_MAX_BATCH_SIZE, DEFAULT_MAX_RESULT_BYTES, MAX_ATTEMPTS_LIMIT, MAX_JOB_TIMEOUT_MS, NAME_PATTERN } from './limits';

export interface HistoryPolicy {
  /** Most completed jobs kept (0 keeps none). */
  readonly maxCount: number;
  /** Completed jobs older than this are dropped (0: no age limit). */
  readonly maxAgeMs: number;
}

export interface QueueOptions {
  /** Key namespace; every key of it shares the hash tag `{namespace}`. Default `tq`. */
  namespace?: string;
  /** Priorities, highest first. Default `['high', 'low']`. */
  priorities?: readonly string[];
  /** Priority of a job that names none. Default: the lowest. */
  defaultPriority?: string;
  /** Queue of a job that names none. Default `default`. */
  defaultQueue?: string;
  /** Largest payload, as UTF-8 JSON. Default 256 KiB. */
  maxPayloadBytes?: number;
  /** Largest processor result kept on a completed job, as UTF-8 JSON. Default 16 KiB. */
  maxResultBytes?: number;
  /** Largest batch for enqueue. Default 1000. */
  maxBatchSize?: number;
  /** Attempts of a job that names none. Default 3. */
  defaultMaxAttempts?: number;
  /** Longest job timeout accepted. Default 15 minutes (Lambda's limit). */
  maxTimeoutMs?: number;
  /** How long an idempotency key is remembered. Default 24 hours. */
  idempotencyTtlMs?: number;
  /** Default lease on dequeued jobs. Default 30 s. */
  leaseMs?: number;
  /** Retry backoff. Default base 1 s, cap 5 min. */
  backoff?: Partial<BackoffPolicy>;
  /** Completed-job history. Default the last 1000, at most 24 hours old. */
  history?: Partial<HistoryPolicy>;
  /** Most expired leases reaped, and most due retries promoted, per queue per dequeue. Default 100. */
  housekeepingLimit?: number;
  /**
   * Redis refuses an enqueue it runs more than this long after it was sent (by its own clock), and writes
   * nothing: an enqueue that waited out a disconnection in the client's offline queue, or a slow server.
   * Set it below the client's command timeout, so that a caller whose command timed out knows the job was
   * not written. Default 0: no deadline.
   */
  enqueueDeadlineMs?: number;
}

export interface ResolvedQueueOptions {
  readonly namespace: string;
  readonly priorities: readonly string[];
  readonly defaultPriority: string;
  readonly defaultQueue: string;
  readonly maxPayloadBytes: number;
  readonly maxBatchSize: number;
  readonly maxResultBytes: number;
  readonly defaultMaxAttempts: number;
  readonly maxTimeoutMs: number;
  readonly idempotencyTtlMs: number;
  readonly leaseMs: number;
  readonly backoff: BackoffPolicy;
  readonly history: HistoryPolicy;
  readonly housekeepingLimit: number;
  readonly enqueueDeadlineMs: number;
}

export { MAX_ATTEMPTS_LIMIT, NAME_PATTERN } from './limits';

function positiveInt(name: string, value: number, min = 1): number {
  if (!Number.isSafeInteger(value) || value < min) {
    throw new QueueArgumentError(name, `must be an integer >= ${min} (got ${value})`);
  }
  return value;
}

export function resolveQueueOptions(options: QueueOptions = {}): ResolvedQueueOptions {
  const priorities = [...(options.priorities ?? ['high', 'low'])];
  if (priorities.length === 0) throw new QueueArgumentError('priorities', 'must name at least one priority');
  for (const p of priorities) {
    if (!NAME_PATTERN.test(p)) throw new QueueArgumentError('priorities', `${JSON.stringify(p)} must match ${NAME_PATTERN}`);
  }
  if (new Set(priorities).size !== priorities.length) throw new QueueArgumentError('priorities', 'must not repeat');
  const defaultPriority = options.defaultPriority ?? priorities[priorities.length - 1]!;
  if (!priorities.includes(defaultPriority)) {
    throw new QueueArgumentError('defaultPriority', `must be one of ${priorities.join(', ')}`);
  }
  const defaultQueue = options.defaultQueue ?? 'default';
  if (!NAME_PATTERN.test(defaultQueue)) throw new QueueArgumentError('defaultQueue', `must match ${NAME_PATTERN}`);
  const backoff = { baseMs: 1000, capMs: 300_000, ...options.backoff };
  const history = { maxCount: 1000, maxAgeMs: 86_400_000, ...options.history };
  const resolved: ResolvedQueueOptions = {
    namespace: options.namespace ?? 'tq',
    priorities: Object.freeze(priorities),
    defaultPriority,
    defaultQueue,
    maxPayloadBytes: positiveInt('maxPayloadBytes', options.maxPayloadBytes ?? 256 * 1024),
    maxBatchSize: positiveInt('maxBatchSize', options.maxBatchSize ?? DEFAULT_MAX_BATCH_SIZE),
    maxResultBytes: positiveInt('maxResultBytes', options.maxResultBytes ?? DEFAULT_MAX_RESULT_BYTES, 0),
    defaultMaxAttempts: positiveInt('defaultMaxAttempts', options.defaultMaxAttempts ?? 3),
    maxTimeoutMs: positiveInt('maxTimeoutMs', options.maxTimeoutMs ?? MAX_JOB_TIMEOUT_MS),
    idempotencyTtlMs: positiveInt('idempotencyTtlMs', options.idempotencyTtlMs ?? 86_400_000),
    leaseMs: positiveInt('leaseMs', options.leaseMs ?? 30_000),
    backoff: Object.freeze({
      baseMs: positiveInt('backoff.baseMs', backoff.baseMs, 0),
      capMs: positiveInt('backoff.capMs', backoff.capMs, 0),
    }),
    history: Object.freeze({
      maxCount: positiveInt('history.maxCount', history.maxCount, 0),
      maxAgeMs: positiveInt('history.maxAgeMs', history.maxAgeMs, 0),
    }),
    housekeepingLimit: positiveInt('housekeepingLimit', options.housekeepingLimit ?? 100),
    enqueueDeadlineMs: positiveInt('enqueueDeadlineMs', options.enqueueDeadlineMs ?? 0, 0),
  };
  if (resolved.defaultMaxAttempts > MAX_ATTEMPTS_LIMIT) {
    throw new QueueArgumentError('defaultMaxAttempts', `must be at most ${MAX_ATTEMPTS_LIMIT}`);
  }
  return Object.freeze(resolved);
}
