import { JobValidationError, PayloadTooLargeError } from './errors';
import { fieldPath, RESERVED_FIELD_NAMES } from './field-names';
import { newJobId } from './ids';
import {
  IDEMPOTENCY_KEY_MAX,
  IDEMPOTENCY_KEY_PATTERN,
  JOB_TYPE_PATTERN,
  MAX_ATTEMPTS_LIMIT,
  MAX_DELAY_MS,
  NAME_PATTERN,
  RUN_AT_PATTERN,
} from './limits';
import type { ResolvedQueueOptions } from './options';
import type { Job, JobSpec, ScheduledBy, TraceCarrier } from './types';

/** A validated job, ready for the enqueue script: the job as it will be returned, and its spec serialized once. */
export interface PreparedJob {
  /** `enqueuedAt` is filled in from the server's clock once the enqueue succeeded. */
  readonly job: Job & { enqueuedAt: number };
  readonly json: string;
}

const FIELDS = new Set([
  'type',
  'queue',
  'priority',
  'payload',
  'filepath',
  'filesize',
  'maxAttempts',
  'timeoutMs',
  'idempotencyKey',
  'trace',
  'delayMs',
  'runAt',
]);
const CARRIER_KEY = /^[A-Za-z0-9_-]{1,64}$/;
const MAX_CARRIER_ENTRIES = 16;
const MAX_CARRIER_VALUE = 8192;
const MAX_FILEPATH = 4096;

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

function integerIn(field: string, value: unknown, min: number, max: number): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < min || value > max) {
    throw new JobValidationError(field, `must be an integer from ${min} to ${max}`);
  }
  return value;
}

/** A payload key as an error message names it (quoted only then: quoting every key would cost more than the check). */
const keyName = (key: string): string => (key === '' ? 'it' : JSON.stringify(key));

function serializePayload(field: string, payload: unknown): string {
  let bad: string | undefined;
  let json: string | undefined;
  try {
    // The replacer sees every value: reject what JSON would silently drop or change rather than lose it.
    json = JSON.stringify(payload, function (this: Record<string, unknown>, key, value: unknown) {
      const t = typeof value;
      // `this[key]` is the value before toJSON ran (a Date arrives here already turned into a string).
      const original = this[key];
      // Plain strings and booleans are the common case and always fine.
      if (t === typeof original && (t === 'string' || t === 'boolean')) return value;
      if (t === 'function' || t === 'symbol' || t === 'bigint' || (t === 'undefined' && Array.isArray(this))) {
        bad ??= `${keyName(key)} is a ${t}`;
      } else if (t === 'number' && !Number.isFinite(value)) {
        bad ??= `${keyName(key)} is ${String(value)}`;
      } else if (typeof original === 'object' && original !== null && !Array.isArray(original) && !isPlainObject(original)) {
        // Map, Set, Date, typed arrays, class instances: JSON would store something else ({} for a Map).
        bad ??= `${keyName(key)} is a ${(original as object).constructor?.name ?? 'non-plain object'}; send plain objects, arrays, strings, numbers, booleans or null`;
      }
      return t === 'bigint' ? null : value;
    });
  } catch (err) {
    throw new JobValidationError(field, `must be JSON-serializable (${(err as Error).message})`);
  }
  if (bad !== undefined) throw new JobValidationError(field, `must be JSON: ${bad}`);
  return json ?? 'null';
}

function validateCarrier(field: string, value: unknown): TraceCarrier {
  if (!isPlainObject(value)) throw new JobValidationError(field, 'must be an object of strings');
  const entries = Object.entries(value);
  if (entries.length > MAX_CARRIER_ENTRIES) throw new JobValidationError(field, `has more than ${MAX_CARRIER_ENTRIES} entries`);
  const carrier: TraceCarrier = {};
  for (const [k, v] of entries) {
    if (!CARRIER_KEY.test(k)) throw new JobValidationError(`${field}.${k}`, 'is not a valid header name');
    if (k.toLowerCase() in carrier) throw new JobValidationError(`${field}.${k}`, 'is given twice (header names ignore case)');
    if (typeof v !== 'string' || v.length > MAX_CARRIER_VALUE) {
      throw new JobValidationError(`${field}.${k}`, `must be a string of at most ${MAX_CARRIER_VALUE} characters`);
    }
    carrier[k.toLowerCase()] = v;
  }
  return carrier;
}

/** `delayMs` or `runAt` (not both) onto the spec; a delay of 0 is no delay. */
function schedule(spec: Record<string, unknown>, input: Record<string, unknown>, at: string, now: number): void {
  if (input.delayMs !== undefined && input.runAt !== undefined)
    throw new JobValidationError(at + 'runAt', 'give delayMs or runAt, not both');
  if (input.delayMs !== undefined) {
    const delayMs = integerIn(at + 'delayMs', input.delayMs, 0, MAX_DELAY_MS);
    if (delayMs > 0) spec.delayMs = delayMs;
    return;
  }
  const runAt = input.runAt;
  const ms = typeof runAt === 'string' && RUN_AT_PATTERN.test(runAt) ? Date.parse(runAt) : NaN;
  if (!Number.isFinite(ms)) throw new JobValidationError(at + 'runAt', 'must be an RFC 3339 timestamp such as 2026-12-03T10:00:00Z');
  if (ms > now + MAX_DELAY_MS) throw new JobValidationError(at + 'runAt', `must be at most ${MAX_DELAY_MS / 86_400_000} days ahead`);
  spec.runAt = ms; // in the past: due at once
}

/**
 * What a caller adds to a job beside the input it was given (the enqueue function: its span's carrier and
 * the request's idempotency key), so the input is never copied to carry them; they win over the input's.
 */
export interface JobExtras {
  readonly trace?: TraceCarrier;
  readonly idempotencyKey?: string;
  /** The job scheduler making this job (its occurrence), and the id it chose for it. */
  readonly scheduler?: ScheduledBy;
  readonly id?: string;
}

/**
 * Validates one job input and assigns its id. `at` prefixes field names (for example `jobs[3].`), so a
 * batch error names the job at fault. Throws a JobValidationError; nothing has touched Redis yet.
 */
export function prepareJob(input: unknown, options: ResolvedQueueOptions, at = '', now = Date.now(), extras?: JobExtras): PreparedJob {
  if (!isPlainObject(input)) throw new JobValidationError(at ? at.slice(0, -1) : 'job', 'must be a JSON object');
  for (const key of Object.keys(input)) {
    if (RESERVED_FIELD_NAMES.has(key))
      throw new JobValidationError(fieldPath(at.slice(0, -1), key), 'is a reserved name, never a job field');
    if (!FIELDS.has(key)) throw new JobValidationError(fieldPath(at.slice(0, -1), key), 'is not a job field');
  }
  const { type, queue = options.defaultQueue, priority = options.defaultPriority } = input;
  if (typeof type !== 'string' || !JOB_TYPE_PATTERN.test(type)) {
    throw new JobValidationError(at + 'type', `is required and must match ${JOB_TYPE_PATTERN}`);
  }
  if (typeof queue !== 'string' || !NAME_PATTERN.test(queue)) {
    throw new JobValidationError(at + 'queue', `must match ${NAME_PATTERN}`);
  }
  if (typeof priority !== 'string' || !options.priorities.includes(priority)) {
    throw new JobValidationError(at + 'priority', `must be one of ${options.priorities.join(', ')}`);
  }
  const payloadJson = serializePayload(at + 'payload', input.payload ?? null);
  const size = Buffer.byteLength(payloadJson, 'utf8');
  if (size > options.maxPayloadBytes) throw new PayloadTooLargeError(at + 'payload', size, options.maxPayloadBytes);

  const trace = extras?.trace ?? input.trace;
  const maxAttempts =
    input.maxAttempts === undefined ? options.defaultMaxAttempts : integerIn(at + 'maxAttempts', input.maxAttempts, 1, MAX_ATTEMPTS_LIMIT);
  // What the record's spec field stores: not the id, queue, priority or maxAttempts, which the record
  // keeps as fields of their own (the key, `q`, `p`, `m`) — each byte here is a byte per waiting job.
  const spec = {
    type,
    createdAt: now,
    trace: trace === undefined ? {} : validateCarrier(at + 'trace', trace),
  } as Omit<JobSpec, 'payload' | 'id' | 'queue' | 'priority' | 'maxAttempts'> & Partial<JobSpec>;
  const s = spec as Record<string, unknown>;
  if (input.filepath !== undefined) {
    const fp = input.filepath;
    if (typeof fp !== 'string' || fp.length === 0 || fp.length > MAX_FILEPATH || fp.includes('\0')) {
      throw new JobValidationError(at + 'filepath', `must be a non-empty string of at most ${MAX_FILEPATH} characters`);
    }
    s.filepath = fp;
  }
  if (input.filesize !== undefined) s.filesize = integerIn(at + 'filesize', input.filesize, 0, Number.MAX_SAFE_INTEGER);
  if (input.timeoutMs !== undefined) s.timeoutMs = integerIn(at + 'timeoutMs', input.timeoutMs, 1, options.maxTimeoutMs);
  if (input.delayMs !== undefined || input.runAt !== undefined) schedule(s, input, at, now);
  if (extras?.scheduler) s.scheduler = extras.scheduler;
  const idempotencyKey = extras?.idempotencyKey ?? input.idempotencyKey;
  if (idempotencyKey !== undefined) {
    if (typeof idempotencyKey !== 'string' || !IDEMPOTENCY_KEY_PATTERN.test(idempotencyKey)) {
      throw new JobValidationError(at + 'idempotencyKey', `must be 1 to ${IDEMPOTENCY_KEY_MAX} printable ASCII characters without spaces`);
    }
    s.idempotencyKey = idempotencyKey;
  }
  // The payload is serialized once and spliced in, so large payloads are not stringified twice.
  const head = JSON.stringify(spec);
  const json = `${head.slice(0, -1)},"payload":${payloadJson}}`;
  // The spec object becomes the returned job in place: no copy per job on the hot path.
  const job = Object.assign(spec, {
    id: extras?.id ?? newJobId(now),
    queue,
    priority,
    maxAttempts,
    payload: input.payload ?? null,
    attempts: 0,
    delivery: 0,
    enqueuedAt: 0,
    lastError: null,
  }) as Job & { enqueuedAt: number };
  return { job, json };
}
