import { EXTEND_LEASE_LOST } from './codes';
import { isRetryable, JobTimeoutError, LeaseLostError } from './errors';
import type { JobQueue } from './job-queue';
import type { HeldBack, HoldReason, Job, NackResult } from './types';

/** What a handler gets beside its job. */
export interface JobContext<S = unknown> {
  /** Aborts when the job times out or its lease is lost. Created on first use (most jobs never look). */
  readonly signal: AbortSignal;
  /** The job's slot: what `onReceived` made for it, handed to `onSettled` too (hooks keep per-job state here, not in maps of their own). */
  readonly slot: S;
  /**
   * Reports progress (a number from 0 to 100, or a small JSON value), readable with the job's status.
   * Resolves false when the lease was lost; throws QueueArgumentError for a value it cannot keep.
   */
  progress(value: unknown): Promise<boolean>;
}

/** A control that held a queue's jobs back before this job was taken: which, and for how long (ms). */
export interface HeldFor {
  readonly reason: HoldReason;
  readonly ms: number;
}

export type JobHandler<S = unknown> = (job: Job, context: JobContext<S>) => Promise<unknown>;

export type JobOutcome =
  | { readonly status: 'succeeded'; readonly durationMs: number }
  | { readonly status: 'retried'; readonly durationMs: number; readonly error: unknown; readonly retryAt: number }
  | { readonly status: 'dead'; readonly durationMs: number; readonly error: unknown }
  | { readonly status: 'lease_lost'; readonly durationMs: number; readonly error?: unknown };

export interface ConsumeOptions<S = unknown> {
  queues?: readonly string[];
  /** Jobs run at once. Default 10. */
  concurrency?: number;
  /**
   * Jobs taken ahead of free slots, so the next batch is on its way while the current one runs.
   * They hold leases meanwhile (kept alive by the heartbeat) and are released unstarted on stop.
   * Default 0; raise it (to `concurrency`, say) for many short jobs, keep it low for long ones.
   */
  prefetch?: number;
  /** Lease per job; renewed every third of it while the job is held. Default: the queue's. */
  leaseMs?: number;
  /** Longest single blocking wait for work. Default 1000 ms. */
  waitMs?: number;
  /** Return once the queues have been empty (and nothing ran) this long. Default: never. */
  idleMs?: number;
  /** Take no new jobs after this time (epoch ms); waits never reach past it. */
  deadline?: number;
  /** Aborting stops taking new jobs; jobs in flight finish (or time out) first. */
  signal?: AbortSignal;
  /** Timeout of jobs that set none. Default 30 s. */
  defaultTimeoutMs?: number;
  /**
   * Called for every job a dequeue brought, with when that dequeue was sent (epoch ms) and, for the first
   * job of a queue a control had held back, the hold; returns the job's slot. Must not throw.
   */
  onReceived?: (job: Job, requestedAt: number, held?: HeldFor) => S;
  /** Called when a control starts holding a queue's waiting jobs back from this consumer. Must not throw. */
  onHeld?: (held: HeldBack) => void;
  /** Called after a running job's progress was stored, with its slot. Must not throw. */
  onProgress?: (job: Job, value: unknown, slot: S) => void;
  /** Called once per job after its result was recorded in Redis, with its slot. Must not throw. */
  onSettled?: (job: Job, outcome: JobOutcome, slot: S) => void;
  /**
   * A handler that timed out or lost its lease has its result recorded at once, but keeps its slot
   * until it really returns (so concurrency stays bounded). On stop, consume waits this long for such
   * handlers, then returns without them. Default 1000 ms.
   */
  abandonGraceMs?: number;
}

export interface ConsumeSummary {
  processed: number;
  succeeded: number;
  retried: number;
  deadLettered: number;
  /** Jobs whose lease was lost before their result could be recorded (they will be redelivered). */
  leaseLost: number;
  /** Prefetched jobs handed back unstarted when the consumer stopped. */
  released: number;
  /** Handlers still running when consume returned (they timed out or lost their lease; already recorded). */
  abandoned: number;
}

type ProgressReport = (job: Job, value: unknown, slot: unknown) => Promise<boolean>;

/** A running job's context: its abort signal (made only if the handler asks for it) and progress reports. */
class RunContext<S> implements JobContext<S> {
  private controller: AbortController | undefined;
  private reason: Error | undefined;

  constructor(
    readonly slot: S,
    private readonly job: Job,
    private readonly report: ProgressReport,
  ) {}

  progress(value: unknown): Promise<boolean> {
    return this.report(this.job, value, this.slot);
  }

  get signal(): AbortSignal {
    if (!this.controller) {
      this.controller = new AbortController();
      if (this.reason) this.controller.abort(this.reason);
    }
    return this.controller.signal;
  }

  abort(reason: Error): void {
    this.reason ??= reason;
    this.controller?.abort(reason);
  }
}

/** A job this consumer holds a lease on: buffered, running, or having its result recorded. */
interface Held<S> {
  readonly job: Job;
  readonly slot: S;
  context?: RunContext<S>;
  timer?: NodeJS.Timeout;
  started?: number;
  /** The handler has not returned yet: the job holds a slot. */
  running?: boolean;
  /** Its result is recorded (or being recorded): the handler settled, timed out or lost its lease. */
  recorded?: boolean;
  lost?: boolean;
}

/**
 * Pulls jobs and runs them with bounded concurrency until stopped by the signal, the deadline or
 * idleness. Results are recorded (ack, or nack with backoff / dead letter) in the background, coalesced
 * into one script call per turn. Long jobs keep their leases through a heartbeat.
 */
export async function consume<S = unknown>(
  queue: JobQueue,
  handler: JobHandler<S>,
  options: ConsumeOptions<S> = {},
): Promise<ConsumeSummary> {
  const concurrency = options.concurrency ?? 10;
  const capacity = concurrency + (options.prefetch ?? 0);
  const leaseMs = options.leaseMs ?? queue.options.leaseMs;
  const waitMs = options.waitMs ?? 1000;
  const defaultTimeoutMs = options.defaultTimeoutMs ?? 30_000;
  const abandonGraceMs = options.abandonGraceMs ?? 1000;
  const summary: ConsumeSummary = { processed: 0, succeeded: 0, retried: 0, deadLettered: 0, leaseLost: 0, released: 0, abandoned: 0 };
  const held = new Map<string, Held<S>>();
  const buffer: Held<S>[] = [];
  let handling = 0; // slots in use: handlers that have not returned, abandoned ones included
  let abandoned = 0; // of those, handlers whose result was recorded without them (timeout, lost lease)
  let recording = 0;
  let idleSince = Date.now();
  let outstanding = false;
  let idleExpired = false;
  let failure: unknown;
  let pumpScheduled = false;
  let wakeMain: (() => void) | undefined;
  const wake = () => {
    const resolve = wakeMain;
    wakeMain = undefined;
    resolve?.();
  };

  const stopping = () =>
    idleExpired ||
    failure !== undefined ||
    options.signal?.aborted === true ||
    (options.deadline !== undefined && Date.now() >= options.deadline);

  // --- recording results -------------------------------------------------------------------------
  const settle = (entry: Held<S>, outcome: JobOutcome) => {
    summary.processed++;
    if (outcome.status === 'succeeded') summary.succeeded++;
    else if (outcome.status === 'retried') summary.retried++;
    else if (outcome.status === 'dead') summary.deadLettered++;
    else summary.leaseLost++;
    forget(entry); // the heartbeat kept the lease until the result was in Redis
    recording--;
    options.onSettled?.(entry.job, outcome, entry.slot);
    if (recording === 0) wake();
  };

  // By identity: the same job id may already be held again (a zero-delay retry redelivered to us).
  const forget = (entry: Held<S>) => {
    if (held.get(entry.job.id) === entry) held.delete(entry.job.id);
  };

  /** `settled`: what the handler threw when `failed`, else what it returned (the job's result). */
  const record = (entry: Held<S>, durationMs: number, settled: unknown, failed: boolean) => {
    if (entry.recorded) return;
    entry.recorded = true;
    recording++;
    const { job } = entry;
    const lost = (e: unknown) => settle(entry, { status: 'lease_lost', durationMs, error: e });
    if (!failed) {
      queue
        .tryAck(job, settled)
        .then((acked) => (acked ? settle(entry, { status: 'succeeded', durationMs }) : lost(new LeaseLostError(job.id))), lost);
      return;
    }
    const error = settled;
    if (error instanceof LeaseLostError) {
      lost(error);
    } else {
      queue
        .nack(job, error, { retryable: isRetryable(error) })
        .then(
          (r: NackResult) =>
            settle(
              entry,
              r.outcome === 'retry' ? { status: 'retried', durationMs, error, retryAt: r.retryAt } : { status: 'dead', durationMs, error },
            ),
          lost,
        );
    }
  };

  // --- running jobs --------------------------------------------------------------------------------
  const reportProgress: ProgressReport = async (job, value, slot) => {
    const stored = await queue.progress(job, value);
    if (stored) options.onProgress?.(job, value, slot as S);
    return stored;
  };

  /** The handler returned (or threw): record its result unless a timeout already did; free the slot. */
  const handlerDone = (entry: Held<S>, settled: unknown, failed: boolean) => {
    if (!entry.running) return;
    entry.running = false;
    clearTimeout(entry.timer);
    if (entry.recorded) abandoned--;
    else record(entry, Date.now() - entry.started!, settled, failed);
    handling--;
    idleSince = Date.now();
    dispatch();
    jobFinished();
    wake();
  };

  /** Ends a job without its handler (timeout, lost lease): the result is recorded now, the slot stays. */
  const end = (entry: Held<S>, reason: Error) => {
    entry.context!.abort(reason);
    if (entry.recorded || !entry.running) return;
    clearTimeout(entry.timer);
    abandoned++;
    record(entry, Date.now() - entry.started!, reason, true);
  };

  const timedOut = (entry: Held<S>, timeoutMs: number) => end(entry, new JobTimeoutError(entry.job.id, timeoutMs));

  const start = (entry: Held<S>) => {
    handling++;
    const timeoutMs = entry.job.timeoutMs ?? defaultTimeoutMs;
    entry.running = true;
    entry.context = new RunContext(entry.slot, entry.job, reportProgress);
    entry.started = Date.now();
    entry.timer = setTimeout(timedOut, timeoutMs, entry, timeoutMs);
    let result: Promise<unknown> | undefined;
    try {
      result = handler(entry.job, entry.context) as Promise<unknown> | undefined;
    } catch (error) {
      return handlerDone(entry, error, true);
    }
    if (result && typeof result.then === 'function') {
      result.then(
        (value) => handlerDone(entry, value, false),
        (error: unknown) => handlerDone(entry, error, true),
      );
    } else {
      handlerDone(entry, result, false);
    }
  };

  const dispatch = () => {
    // After a stop, buffered jobs are released rather than started.
    while (handling < concurrency && buffer.length > 0 && !stopping()) {
      const entry = buffer.shift()!;
      if (entry.lost) forget(entry);
      else start(entry);
    }
  };

  // Heartbeat: one batched extend for every held job; a lost lease ends that job.
  const heartbeat = setInterval(
    () => {
      const entries = [...held.values()];
      if (entries.length === 0) return;
      queue
        .extendLeases(
          entries.map((e) => e.job),
          leaseMs,
        )
        .then(
          (deadlines) =>
            deadlines.forEach((deadline, i) => {
              const entry = entries[i]!;
              if (deadline !== EXTEND_LEASE_LOST || entry.lost) return;
              entry.lost = true;
              if (entry.running) end(entry, new LeaseLostError(entry.job.id));
            }),
          () => undefined, // Redis unreachable: the next beat tries again; the lease may still hold
        );
    },
    Math.max(10, Math.floor(leaseMs / 3)),
  );
  heartbeat.unref();

  // --- fetching ------------------------------------------------------------------------------------
  /** Queues a control holds back, since when: the first job taken after a hold carries it. */
  const heldSince = new Map<string, { reason: HoldReason; since: number }>();
  const onHeld = (list: readonly HeldBack[]) => {
    for (const h of list) {
      if (heldSince.get(h.queue)?.reason === h.reason) continue;
      heldSince.set(h.queue, { reason: h.reason, since: Date.now() });
      options.onHeld?.(h);
    }
  };
  const holdOf = (job: Job): HeldFor | undefined => {
    if (heldSince.size === 0) return undefined;
    const hold = heldSince.get(job.queue);
    if (!hold) return undefined;
    heldSince.delete(job.queue);
    return { reason: hold.reason, ms: Date.now() - hold.since };
  };

  // One dequeue in flight at a time, sent the moment the previous batch arrives (before it runs) while
  // there is room, so Redis fetches the next batch while this one runs. Job completions wake the pump
  // once per turn, so slots freed together are refilled by one dequeue.
  const pump = () => {
    if (outstanding) return;
    if (stopping()) return wake();
    const room = capacity - handling - buffer.length;
    if (room <= 0) return;
    // Abandoned handlers hold slots but no job (their results are recorded): they do not keep us busy.
    const idle = options.idleMs !== undefined && handling === abandoned && buffer.length === 0;
    let wait = waitMs;
    if (options.deadline !== undefined) wait = Math.min(wait, options.deadline - Date.now());
    if (idle) wait = Math.min(wait, options.idleMs! - (Date.now() - idleSince));
    const count = Math.min(room, concurrency);
    outstanding = true;
    const requestedAt = Date.now();
    queue.dequeue({ queues: options.queues, count, leaseMs, waitMs: Math.max(0, wait), signal: options.signal, onHeld }).then(
      (jobs) => {
        outstanding = false;
        if (jobs.length > 0) {
          idleSince = Date.now();
          for (const job of jobs) {
            const entry: Held<S> = { job, slot: options.onReceived?.(job, requestedAt, holdOf(job)) as S };
            held.set(job.id, entry);
            buffer.push(entry);
          }
        } else if (idle && Date.now() - idleSince >= options.idleMs!) {
          idleExpired = true;
        }
        pump();
        dispatch();
      },
      (error: unknown) => {
        outstanding = false;
        failure ??= error; // Redis failed under dequeue: finish what runs, then report it
        pump();
      },
    );
  };

  const jobFinished = () => {
    if (pumpScheduled) return;
    pumpScheduled = true;
    setImmediate(() => {
      pumpScheduled = false;
      pump();
    });
  };

  const stopTimer = options.deadline !== undefined ? setTimeout(pump, Math.max(0, options.deadline - Date.now())) : undefined;
  const onAbort = () => pump();
  options.signal?.addEventListener('abort', onAbort, { once: true });
  pump();
  while (!(stopping() && !outstanding)) await new Promise<void>((resolve) => (wakeMain = resolve));
  clearTimeout(stopTimer);
  options.signal?.removeEventListener('abort', onAbort);

  // Hand back what was taken but not started; then let running jobs finish and their results land.
  const unstarted = buffer.splice(0).filter((e) => !e.lost);
  if (unstarted.length > 0) {
    const released = await queue.release(unstarted.map((e) => e.job)).catch(() => [] as boolean[]);
    summary.released = released.filter(Boolean).length;
    for (const e of unstarted) forget(e);
  }
  // Let running jobs finish and their results land; handlers already given up on get a grace period.
  const graceEnds = Date.now() + abandonGraceMs;
  while (recording > 0 || handling > abandoned || (handling > 0 && Date.now() < graceEnds)) {
    await new Promise<void>((resolve) => {
      wakeMain = resolve;
      if (recording === 0 && handling === abandoned) setTimeout(resolve, Math.max(0, graceEnds - Date.now())).unref();
    });
  }
  summary.abandoned = handling;
  clearInterval(heartbeat);
  if (failure !== undefined) throw failure;
  return summary;
}
