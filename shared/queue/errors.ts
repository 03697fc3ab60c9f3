/** Every error the queue raises on purpose; each carries a stable `code`. */
export class QueueError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

/** A job (or one field of it) is not acceptable. `field` names it, e.g. `priority` or `jobs[3].payload`. */
export class JobValidationError extends QueueError {
  constructor(
    readonly field: string,
    message: string,
    code = 'INVALID_JOB',
  ) {
    super(code, `${field}: ${message}`);
  }
}

export class PayloadTooLargeError extends JobValidationError {
  constructor(
    field: string,
    readonly size: number,
    readonly limit: number,
  ) {
    super(field, `is ${size} bytes as JSON; the limit is ${limit}`, 'PAYLOAD_TOO_LARGE');
  }
}

export class BatchTooLargeError extends QueueError {
  constructor(
    readonly size: number,
    readonly limit: number,
  ) {
    super('BATCH_TOO_LARGE', `a batch holds at most ${limit} jobs (got ${size})`);
  }
}

/** The lease was lost: it expired and the job was reaped, or another consumer now holds the job. */
export class LeaseLostError extends QueueError {
  constructor(readonly jobId: string) {
    super('LEASE_LOST', `job ${jobId}: lease lost (expired and reaped, or held by another consumer)`);
  }
}

export class JobNotFoundError extends QueueError {
  constructor(readonly jobId: string) {
    super('JOB_NOT_FOUND', `job ${jobId} not found`);
  }
}

export class SchedulerNotFoundError extends QueueError {
  constructor(readonly scheduler: string) {
    super('SCHEDULER_NOT_FOUND', `scheduler ${JSON.stringify(scheduler)} not found`);
  }
}

/** An operation a job's state does not allow (cancelling a job that runs or has finished). */
export class JobStateError extends QueueError {
  constructor(
    readonly jobId: string,
    readonly state: string,
    action: string,
  ) {
    super('JOB_STATE', `job ${jobId} is ${state}: only a waiting or delayed job can be ${action}`);
  }
}

/** Bad arguments to a queue operation (not a job): a negative count, an unknown queue name… */
export class QueueArgumentError extends QueueError {
  constructor(
    readonly argument: string,
    message: string,
  ) {
    super('INVALID_ARGUMENT', `${argument}: ${message}`);
  }
}

/**
 * Redis received an enqueue after its deadline (a command that waited out a disconnection, or a slow
 * server) and wrote nothing. Temporary: the caller may retry.
 */
export class EnqueueTooLateError extends QueueError {
  constructor() {
    super('ENQUEUE_TOO_LATE', 'the enqueue reached Redis after its deadline; nothing was written');
  }
}

/**
 * The connection failed with the enqueue in flight and Redis could not be asked afterwards whether it ran:
 * the jobs may have been written. Retrying with the same idempotency key is safe either way.
 */
export class EnqueueUnconfirmedError extends QueueError {
  constructor(
    readonly jobIds: readonly string[],
    override readonly cause: unknown,
  ) {
    super('ENQUEUE_UNCONFIRMED', 'the queue did not confirm the enqueue: it may have been written');
  }
}

export class QueueClosedError extends QueueError {
  constructor() {
    super('QUEUE_CLOSED', 'the queue was closed');
  }
}

/** Thrown by a handler when a job exceeded its timeout. Retryable. */
export class JobTimeoutError extends QueueError {
  constructor(
    readonly jobId: string,
    readonly timeoutMs: number,
  ) {
    super('JOB_TIMEOUT', `job ${jobId} timed out after ${timeoutMs} ms`);
  }
}

/**
 * A handler failure is retryable unless the error says otherwise with `retryable: false`
 * (so processors can fail fast on input that will never succeed).
 */
export function isRetryable(error: unknown): boolean {
  return !(typeof error === 'object' && error !== null && (error as { retryable?: unknown }).retryable === false);
}
