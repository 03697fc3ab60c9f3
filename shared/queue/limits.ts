/**
 * The limits and patterns of jobs, in one place: the API Gateway request model, the functions' schema
 * check (shared/jobs/schema.ts), the queue's own validation (validate.ts), the settings' bounds
 * (shared/config) and the stack all take them from here.
 */

/** A job's type, which names the processor that runs it. */
export const JOB_TYPE_PATTERN = /^[A-Za-z0-9_.:-]{1,128}$/;
/** Queue and priority names: safe inside Redis keys (no `:`), URLs (not `.` or `..`) and log lines. */
export const NAME_PATTERN = /^(?!\.{1,2}$)[A-Za-z0-9_.-]{1,64}$/;
/** A key namespace (the hash tag of every key of a deployment). */
export const NAMESPACE_PATTERN = NAME_PATTERN;

/** An idempotency key as the queue stores it: printable ASCII without spaces (it becomes part of a Redis key). */
export const IDEMPOTENCY_KEY_MAX = 256;
export const IDEMPOTENCY_KEY_PATTERN = new RegExp(`^[\\x21-\\x7e]{1,${IDEMPOTENCY_KEY_MAX}}$`);
/**
 * The `Idempotency-Key` header of the enqueue API: shorter, because a batch derives one key per job from
 * it (`<key>:<index>`, up to `:99999`), which must still fit IDEMPOTENCY_KEY_MAX.
 */
export const IDEMPOTENCY_HEADER_MAX = 200;
export const IDEMPOTENCY_HEADER_PATTERN = new RegExp(`^[\\x21-\\x7e]{1,${IDEMPOTENCY_HEADER_MAX}}$`);

/** Attempts one job may be given. */
export const MAX_ATTEMPTS_LIMIT = 1000;
/** The longest a job may run: Lambda's own limit of 15 minutes. */
export const MAX_JOB_TIMEOUT_MS = 900_000;

/** The longest a job may be delayed (`delayMs`, or a `runAt` this far ahead): one year. */
export const MAX_DELAY_MS = 365 * 86_400_000;
/** `runAt`: an RFC 3339 timestamp with its offset (`2026-12-03T10:00:00Z`, `…+01:00`), fractions allowed. */
export const RUN_AT_PATTERN = /^\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(\.\d{1,9})?([Zz]|[+-]\d{2}:\d{2})$/;

/** A processor's result kept on a completed job, as JSON (QUEUE_MAX_RESULT_BYTES): larger results are not kept. */
export const DEFAULT_MAX_RESULT_BYTES = 16 * 1024;
/** A progress report, as JSON: a number from 0 to 100 or a small value such as `{ "done": 3, "of": 10 }`. */
export const MAX_PROGRESS_BYTES = 1024;

/** The most jobs one enqueueBatch call takes when a queue names no limit of its own. */
export const DEFAULT_MAX_BATCH_SIZE = 1000;
/** The functions' default for a POST /jobs/batch (QUEUE_MAX_BATCH_SIZE), and the stack's request model. */
export const DEFAULT_API_BATCH_SIZE = 100;
/** The highest QUEUE_MAX_BATCH_SIZE a deployment may set. */
export const MAX_BATCH_SIZE_LIMIT = 10_000;

/**
 * The Redis setting `hash-max-listpack-value` the stack and the local servers use. A job's record holds its
 * spec as one JSON field (a few hundred bytes with its trace carrier): past Redis's default of 64 bytes the
 * whole hash becomes a hashtable, 787 bytes for a small job against 408 as a listpack (measured).
 */
export const HASH_MAX_LISTPACK_VALUE = 1024;
