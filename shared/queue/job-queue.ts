import { setTimeout as sleep } from 'node:timers/promises';
import { backoffDelay } from './backoff';
import { Coalescer } from './coalescer';
import { AckCode, CancelCode, ENQUEUE_TOO_LATE, EnqueueCode, EXTEND_LEASE_LOST, NackCode, ProgressCode, ReleaseCode } from './codes';
import { decodeJob, decodeJobGroups, type Reply } from './codec';
import {
  BatchTooLargeError,
  EnqueueTooLateError,
  EnqueueUnconfirmedError,
  JobNotFoundError,
  JobStateError,
  JobTimeoutError,
  JobValidationError,
  LeaseLostError,
  QueueArgumentError,
  QueueClosedError,
} from './errors';
import { NAME_PATTERN, type QueueOptions } from './options';
import { QueueClient } from './queue-client';
import { isCommandTimeout, mayHaveRun } from '../redis/errors';
import { runScript, type RedisClient, type ScriptArg } from './scripts';
import { JOB_ID_PATTERN } from './ids';
import { encodeProgress, encodeResult } from './results';
import type {
  CancelResult,
  DequeueOptions,
  EnqueueResult,
  FailureKind,
  HeldBack,
  HoldReason,
  Job,
  JobInput,
  Lease,
  NackOptions,
  NackResult,
  TraceCarrier,
} from './types';
import { prepareJob, type JobExtras, type PreparedJob } from './validate';
import { Waiter } from './waiter';

const MAX_DEQUEUE = 1000;
/** Waits up to this long for a rate window to end are timed here, not by a blocking command (see dequeue). */
const PRECISE_WAIT_MS = 1000;
const MAX_LEASE_BATCH = 1000;
const MAX_ERROR_LENGTH = 4096;
/**
 * Concurrent single enqueues are sent every 16 jobs rather than all at once at the end of the turn:
 * Redis starts on the first 16 while the rest are still being validated, instead of both sides taking
 * turns (measured: 50 in flight, 63k → 84k jobs/s). Acks are different: the consumer already overlaps
 * them with its work, and bigger ack batches measured faster.
 */
const ENQUEUE_FLUSH_AT = 16;

/** A completion: the lease, and the result as the ack script takes it ('' none, JSON, or `#why not kept`). */
interface Completion extends Lease {
  readonly result: string;
}

interface Failure {
  readonly lease: Lease;
  readonly message: string;
  readonly delayMs: number;
  readonly kind: FailureKind;
}

/** When an enqueued job becomes due, if later than its enqueue (the enqueue script's rule). */
function dueAt(job: Job): number | null {
  const due = job.runAt ?? (job.delayMs ? job.enqueuedAt + job.delayMs : 0);
  return due > job.enqueuedAt ? due : null;
}

/** dequeue's `queue=reason,…` report of held-back queues. */
function parseHeld(text: string): HeldBack[] {
  return text.split(',').map((entry) => {
    const at = entry.lastIndexOf('=');
    return { queue: entry.slice(0, at), reason: entry.slice(at + 1) as HoldReason };
  });
}

function errorMessage(error: unknown): string {
  const text = error instanceof Error ? error.message || error.name : String(error);
  return text.length > MAX_ERROR_LENGTH ? `${text.slice(0, MAX_ERROR_LENGTH)}…` : text;
}

/**
 * The queue's producer and consumer operations. Each is one atomic Lua script; concurrent single calls
 * (enqueue, ack, nack) are coalesced into one script run per event-loop turn. The Redis client is the
 * caller's: `close()` stops waits but leaves the client open.
 */
export class JobQueue extends QueueClient {
  private readonly waiter: Waiter;
  private readonly enqueuer: Coalescer<PreparedJob, EnqueueResult>;
  private readonly acker: Coalescer<Completion, boolean>;
  private readonly nacker: Coalescer<Failure, NackResult | null>;
  private closed = false;

  constructor(redis: RedisClient, options: QueueOptions = {}) {
    super(redis, options);
    this.waiter = new Waiter(redis);
    this.enqueuer = new Coalescer((jobs) => this.writeJobs(jobs), Math.min(ENQUEUE_FLUSH_AT, this.options.maxBatchSize));
    this.acker = new Coalescer((leases) => this.writeAcks(leases), MAX_LEASE_BATCH);
    this.nacker = new Coalescer((failures) => this.writeFailures(failures), MAX_LEASE_BATCH);
  }

  /** Validates a job and assigns its id without enqueuing it. Throws JobValidationError. */
  prepare(input: unknown, fieldPrefix = '', extras?: JobExtras): PreparedJob {
    return prepareJob(input, this.options, fieldPrefix, Date.now(), extras);
  }

  /**
   * `extras`: a trace carrier and idempotency key added to the input (not copied into it).
   * Not async: the coalescer's promise is the only one a job needs (each one costs on the hot path).
   */
  enqueue(input: JobInput, extras?: JobExtras): Promise<EnqueueResult> {
    try {
      this.assertOpen();
      return this.enqueuer.add(this.prepare(input, '', extras));
    } catch (error) {
      return Promise.reject(error);
    }
  }

  /** Enqueues all jobs or none: every job is validated before anything is written. `extras[i]` goes with `inputs[i]`. */
  async enqueueBatch(inputs: readonly JobInput[], extras?: readonly JobExtras[]): Promise<EnqueueResult[]> {
    this.assertOpen();
    if (!Array.isArray(inputs)) throw new JobValidationError('jobs', 'must be an array of jobs');
    if (inputs.length > this.options.maxBatchSize) throw new BatchTooLargeError(inputs.length, this.options.maxBatchSize);
    const prepared = inputs.map((input, i) => this.prepare(input, `jobs[${i}].`, extras?.[i]));
    return prepared.length === 0 ? [] : this.writeJobs(prepared);
  }

  /**
   * Takes up to `count` jobs, highest priority first, FIFO within a priority, leasing each for `leaseMs`.
   * With `waitMs`, blocks (BLPOP on a wake-up marker, not polling) until work arrives, a retry falls due
   * or the time is up.
   */
  async dequeue(options: DequeueOptions = {}): Promise<Job[]> {
    const queues = options.queues ?? [this.options.defaultQueue];
    if (queues.length === 0) throw new QueueArgumentError('queues', 'must name at least one queue');
    for (const q of queues)
      if (!NAME_PATTERN.test(q)) throw new QueueArgumentError('queues', `${JSON.stringify(q)} must match ${NAME_PATTERN}`);
    const count = options.count ?? 1;
    if (!Number.isSafeInteger(count) || count < 1 || count > MAX_DEQUEUE) {
      throw new QueueArgumentError('count', `must be an integer from 1 to ${MAX_DEQUEUE}`);
    }
    const leaseMs = options.leaseMs ?? this.options.leaseMs;
    if (!Number.isSafeInteger(leaseMs) || leaseMs < 1) throw new QueueArgumentError('leaseMs', 'must be a positive integer');
    const args: ScriptArg[] = [
      this.keys.prefix,
      count,
      leaseMs,
      this.options.housekeepingLimit,
      queues.length,
      ...queues,
      ...this.options.priorities,
    ];
    const waitMs = options.waitMs ?? 0;
    if (!Number.isFinite(waitMs) || waitMs < 0) throw new QueueArgumentError('waitMs', 'must be a number >= 0');
    const deadline = Date.now() + waitMs;
    for (;;) {
      this.assertOpen();
      const reply = (await runScript(this.redis, 'dequeue', [this.keys.dead, this.keys.counters], args)) as Reply[];
      if (reply[2] && options.onHeld) options.onHeld(parseHeld(String(reply[2])));
      if (reply.length > 3) return decodeJobGroups(reply, 3);
      const remaining = deadline - Date.now();
      if (remaining <= 0 || options.signal?.aborted || this.closed) return [];
      // Sleep no longer than until the next retry falls due or lease expires (server clock).
      const nextAt = reply[1];
      const until = nextAt === null ? remaining : Math.min(remaining, Math.max(1, Number(nextAt) - Number(reply[0])));
      // Held by a rate window that ends soon: a timer of our own. Redis times blocked clients out on
      // its cron tick (1/hz, 100 ms by default), which measured at half the rate a 100 ms window allows;
      // and nothing a wake-up would bring can be taken before the window ends anyway.
      if (until <= PRECISE_WAIT_MS && until < remaining && typeof reply[2] === 'string' && reply[2].includes('=rate')) {
        await sleep(until, undefined, { signal: options.signal }).catch(() => undefined);
        continue;
      }
      const outcome = await this.waiter.wait(
        queues.map((q) => this.keys.wake(q)),
        until,
        options.signal,
      );
      if (outcome === 'aborted' || outcome === 'closed') {
        // The dropped BLPOP may have taken a wake-up marker with it: put one back if work is waiting,
        // and take nothing — the caller no longer wants jobs.
        await this.rearm(queues).catch(() => undefined);
        return [];
      }
      if (outcome === 'error') await new Promise((resolve) => setTimeout(resolve, Math.min(100, Math.max(0, deadline - Date.now()))));
    }
  }

  /** Housekeeping and wake-up markers for these queues, taking no job (a dequeue of zero). */
  private rearm(queues: readonly string[]): Promise<unknown> {
    return runScript(
      this.redis,
      'dequeue',
      [this.keys.dead, this.keys.counters],
      [this.keys.prefix, 0, 1, this.options.housekeepingLimit, queues.length, ...queues, ...this.options.priorities],
    );
  }

  /** Completes a job. Throws LeaseLostError when the lease expired and the job was reaped or redelivered. */
  async ack(lease: Lease): Promise<void> {
    if (!(await this.tryAck(lease))) throw new LeaseLostError(lease.id);
  }

  /**
   * Completes a job, keeping `result` (the processor's return value, as JSON, up to maxResultBytes) on it
   * while the completed history keeps the job. False when its lease was lost. Calls in one turn share one
   * script run.
   */
  tryAck(lease: Lease, result?: unknown): Promise<boolean> {
    return this.acker.add({ id: lease.id, delivery: lease.delivery, result: encodeResult(result, this.options.maxResultBytes) });
  }

  /** Completes many jobs in one call; true per job acknowledged, false where the lease was lost. */
  async ackMany(leases: readonly Lease[]): Promise<boolean[]> {
    const out: boolean[] = [];
    const completions = leases.map((l) => ({ id: l.id, delivery: l.delivery, result: '' }));
    for (let i = 0; i < completions.length; i += MAX_LEASE_BATCH)
      out.push(...(await this.writeAcks(completions.slice(i, i + MAX_LEASE_BATCH))));
    return out;
  }

  /**
   * Records a running job's progress (a number from 0 to 100, or a small JSON value), readable with the
   * job's status. False when the lease was lost. Throws QueueArgumentError for a value it cannot keep.
   */
  async progress(lease: Lease, value: unknown): Promise<boolean> {
    const json = encodeProgress(value);
    const code = await runScript(this.redis, 'progress', [this.keys.queues], [this.keys.prefix, lease.id, lease.delivery, json]);
    return code === ProgressCode.Stored;
  }

  /**
   * Cancels a waiting or delayed job: it never runs, and stays visible as `cancelled` while the completed
   * history keeps it. Cancelling a cancelled job again answers as the first time did. Throws
   * JobNotFoundError for an unknown id, JobStateError for a job that is active or finished.
   */
  async cancel(id: string): Promise<CancelResult> {
    if (!JOB_ID_PATTERN.test(id)) throw new QueueArgumentError('id', 'is not a job id');
    const [code, state, at] = (await runScript(
      this.redis,
      'cancel',
      [this.keys.done, this.keys.counters, this.keys.dead],
      [this.keys.prefix, id],
    )) as [number, string, number | null];
    if (code === CancelCode.Missing) throw new JobNotFoundError(id);
    if (code === CancelCode.Refused) throw new JobStateError(id, state, 'cancelled');
    return { id, cancelledAt: Number(at), from: code === CancelCode.Cancelled ? (state as 'waiting' | 'delayed') : null };
  }

  /**
   * Fails an attempt. A retryable failure with attempts left is retried after exponential backoff with
   * jitter (or `delayMs`); otherwise the job is dead-lettered with its reason and failure history.
   */
  async nack(job: Lease & Pick<Job, 'attempts'>, error: unknown, options: NackOptions = {}): Promise<NackResult> {
    const delayMs = options.delayMs ?? backoffDelay(job.attempts, this.options.backoff);
    if (!Number.isSafeInteger(delayMs) || delayMs < 0) throw new QueueArgumentError('delayMs', 'must be an integer >= 0');
    const result = await this.nacker.add({
      lease: { id: job.id, delivery: job.delivery },
      message: errorMessage(error),
      delayMs,
      // Classified by its class, not its text: the dead-letter handling reports timeouts apart.
      kind: options.retryable === false ? 'non_retryable' : error instanceof JobTimeoutError ? 'timeout' : 'error',
    });
    if (!result) throw new LeaseLostError(job.id);
    return result;
  }

  /**
   * Records the trace a job's failures continue in (its own was not sampled): its later steps — the next
   * attempt, the dead letter, a redrive — follow it. False when the job is gone.
   */
  async recordFailureTrace(id: string, carrier: TraceCarrier): Promise<boolean> {
    return (await runScript(this.redis, 'retrace', [this.keys.queues], [this.keys.prefix, id, JSON.stringify(carrier)])) === 1;
  }

  /** Extends a lease to `leaseMs` from now; returns the new deadline (server ms). */
  async extendLease(lease: Lease, leaseMs = this.options.leaseMs): Promise<number> {
    const [deadline] = await this.extendLeases([lease], leaseMs);
    if (deadline === undefined || deadline === EXTEND_LEASE_LOST) throw new LeaseLostError(lease.id);
    return deadline;
  }

  /** Extends many leases; per lease the new deadline, or 0 where it was lost. */
  async extendLeases(leases: readonly Lease[], leaseMs = this.options.leaseMs): Promise<number[]> {
    if (!Number.isSafeInteger(leaseMs) || leaseMs < 1) throw new QueueArgumentError('leaseMs', 'must be a positive integer');
    if (leases.length === 0) return [];
    const args: ScriptArg[] = [this.keys.prefix, leaseMs];
    for (const l of leases) args.push(l.id, l.delivery);
    return ((await runScript(this.redis, 'extend', [this.keys.queues], args)) as number[]).map(Number);
  }

  /**
   * Hands leased jobs back unstarted: to the head of their queue, the attempt not counted. For a
   * consumer that stops with jobs it took but did not run. Per lease: true released, false lost.
   */
  async release(leases: readonly Lease[]): Promise<boolean[]> {
    if (leases.length === 0) return [];
    const args: ScriptArg[] = [this.keys.prefix];
    for (const l of leases) args.push(l.id, l.delivery);
    return ((await runScript(this.redis, 'release', [this.keys.queues], args)) as number[]).map((code) => code === ReleaseCode.Released);
  }

  /** Ends waits in progress and refuses new calls. The Redis client stays open (it is the caller's). */
  close(): void {
    this.closed = true;
    this.waiter.close();
  }

  private assertOpen(): void {
    if (this.closed) throw new QueueClosedError();
  }

  private async writeJobs(jobs: readonly PreparedJob[]): Promise<EnqueueResult[]> {
    // Taken as the command is issued, which is when the client's command timeout starts too.
    const deadline = this.options.enqueueDeadlineMs > 0 ? Date.now() + this.options.enqueueDeadlineMs : 0;
    const args: ScriptArg[] = [this.keys.prefix, this.options.idempotencyTtlMs, deadline];
    for (const { job, json } of jobs)
      args.push(job.id, job.queue, job.priority, job.maxAttempts, job.idempotencyKey ?? '', job.delayMs ?? 0, job.runAt ?? 0, json);
    // Issued while disconnected, the script waits in the client's offline queue: failing there, it was never sent.
    const live = this.redis.status === 'ready';
    let reply: Reply[];
    try {
      reply = (await runScript(this.redis, 'enqueue', [this.keys.queues, this.keys.counters], args)) as Reply[];
    } catch (error) {
      if ((error as Error)?.message?.startsWith(ENQUEUE_TOO_LATE)) throw new EnqueueTooLateError(); // Redis error replies lead with their code
      // A timed-out enqueue with a deadline did not run: Redis refuses it past the deadline, which falls
      // before the client's timeout (PRODUCER_ENQUEUE_DEADLINE_MS).
      if (!live || !mayHaveRun(error) || (deadline > 0 && isCommandTimeout(error))) throw error;
      // The connection failed with the script possibly run: ask Redis before answering, so no caller is
      // told "not written" about jobs Redis holds; if it cannot be asked, say that it is not known.
      const written = await this.writtenAt(jobs).catch(() => 'unknown' as const);
      if (written === 'none') throw error;
      if (written === 'unknown' || written === 'some')
        throw new EnqueueUnconfirmedError(
          jobs.map(({ job }) => job.id),
          error,
        );
      return jobs.map(({ job }, i) => {
        job.enqueuedAt = written[i]!;
        return { id: job.id, duplicate: false, job, runAt: dueAt(job) };
      });
    }
    return jobs.map(({ job }, i) => {
      const o = i * 9;
      if (reply[o + 1] === EnqueueCode.Written) {
        job.enqueuedAt = Number(reply[o + 3]);
        return { id: job.id, duplicate: false, job, runAt: dueAt(job) };
      }
      const original = reply[o + 4] ?? null;
      const first =
        original === null
          ? null
          : decodeJob(String(original), reply[o + 2] ?? null, null, reply[o + 3] ?? null, reply[o + 5] ?? null, null, {
              id: reply[o] ?? null,
              queue: reply[o + 6] ?? null,
              priority: reply[o + 7] ?? null,
              maxAttempts: reply[o + 8] ?? null,
            });
      return { id: String(reply[o]), duplicate: true, job: first, runAt: first?.runAt ?? null };
    });
  }

  /**
   * When each job was written, if the enqueue script ran ('none' if it did not; 'some' when only part of
   * the ids exist, which duplicates of an idempotency key leave unknown).
   */
  private async writtenAt(jobs: readonly PreparedJob[]): Promise<number[] | 'none' | 'some'> {
    const times = await Promise.all(jobs.map(({ job }) => this.redis.hget(this.keys.job(job.id), 'e')));
    if (times.every((t) => t === null)) return 'none';
    return times.every((t) => t !== null) ? times.map(Number) : 'some';
  }

  private async writeAcks(leases: readonly Completion[]): Promise<boolean[]> {
    const { maxCount, maxAgeMs } = this.options.history;
    const args: ScriptArg[] = [this.keys.prefix, maxCount, maxAgeMs, this.options.housekeepingLimit];
    for (const l of leases) args.push(l.id, l.delivery, l.result);
    const reply = (await runScript(this.redis, 'ack', [this.keys.done, this.keys.counters], args)) as number[];
    return reply.map((code) => code === AckCode.Acknowledged);
  }

  private async writeFailures(failures: readonly Failure[]): Promise<(NackResult | null)[]> {
    const args: ScriptArg[] = [this.keys.prefix];
    for (const f of failures) args.push(f.lease.id, f.lease.delivery, f.delayMs, f.kind, f.message);
    const reply = (await runScript(this.redis, 'nack', [this.keys.dead, this.keys.counters], args)) as number[];
    return failures.map((_f, i): NackResult | null => {
      switch (reply[i * 2]) {
        case NackCode.Retry:
          return { outcome: 'retry', retryAt: Number(reply[i * 2 + 1]) };
        case NackCode.DeadLettered:
          return { outcome: 'dead' };
        default:
          return null;
      }
    });
  }
}
