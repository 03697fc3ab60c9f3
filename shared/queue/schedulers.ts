import { Cron } from 'croner';
import { ScheduleCode } from './codes';
import { QueueArgumentError, SchedulerNotFoundError } from './errors';

export { SchedulerNotFoundError } from './errors';
import { newJobId } from './ids';
import { MAX_DELAY_MS, NAME_PATTERN } from './limits';
import { QueueClient } from './queue-client';
import { runScript } from './scripts';
import type { JobInput, TraceCarrier } from './types';
import { prepareJob } from './validate';

/** The job each occurrence enqueues. */
export type JobTemplate = Pick<JobInput, 'type' | 'queue' | 'priority' | 'payload' | 'maxAttempts' | 'timeoutMs' | 'filepath' | 'filesize'>;

/** A recurring job: a 5-field cron expression in a time zone, or a fixed interval. */
export interface SchedulerDefinition {
  readonly name: string;
  readonly cron?: string;
  /** IANA time zone of `cron` (default UTC). */
  readonly timezone?: string;
  readonly everyMs?: number;
  readonly job: JobTemplate;
}

export interface SchedulerInfo extends SchedulerDefinition {
  readonly createdAt: string;
  readonly updatedAt: string;
  /** The next occurrence (ISO 8601). */
  readonly nextAt: string | null;
  /** Occurrences enqueued, and occurrences skipped because nothing ran when they fell due. */
  readonly fired: number;
  readonly missed: number;
  readonly last: { readonly jobId: string; readonly at: string } | null;
}

/** One occurrence found due. */
export interface Occurrence {
  readonly scheduler: SchedulerDefinition;
  /** The occurrence enqueued (ms): the latest one due. */
  readonly at: number;
  /** Earlier occurrences skipped (missed while nothing ran). */
  readonly missed: number;
  readonly jobId: string;
}

/** What the caller wraps around one occurrence (tracing): the job's trace carrier, and how it ended. */
export interface OccurrenceHooks {
  readonly trace?: TraceCarrier;
  settle(claimed: boolean): void;
}

const TEMPLATE_FIELDS = new Set(['type', 'queue', 'priority', 'payload', 'maxAttempts', 'timeoutMs', 'filepath', 'filesize']);
const MIN_EVERY_MS = 1000;
/** Occurrences counted one by one when catching up; beyond, the count stops there (the latest still runs). */
const MAX_CATCH_UP = 1000;
export const MAX_SCHEDULERS = 1000;

const bad = (field: string, message: string) => new QueueArgumentError(field, message);

/** A cron expression as croner reads it: 5 fields (no seconds), in its time zone; paused (never runs a timer). */
function cronOf(expression: string, timezone: string | undefined): Cron {
  if (expression.trim().split(/\s+/).length !== 5) throw bad('cron', 'must have 5 fields: minute hour day-of-month month day-of-week');
  try {
    return new Cron(expression, { timezone: timezone ?? 'UTC', mode: '5-part', paused: true });
  } catch (error) {
    throw bad('cron', (error as Error).message);
  }
}

/** The first occurrence strictly after `after` (ms), or null when there is none. */
function nextAfter(def: SchedulerDefinition, after: number, anchor: number): number | null {
  if (def.everyMs !== undefined) return anchor + (Math.floor((after - anchor) / def.everyMs) + 1) * def.everyMs;
  return cronOf(def.cron!, def.timezone).nextRun(new Date(after))?.getTime() ?? null;
}

/** Validates a definition; the job template is checked as a job would be. */
export function checkDefinition(def: SchedulerDefinition, validateJob: (input: JobTemplate) => void): SchedulerDefinition {
  if (typeof def !== 'object' || def === null) throw bad('scheduler', 'must be an object');
  if (typeof def.name !== 'string' || !NAME_PATTERN.test(def.name)) throw bad('name', `must match ${NAME_PATTERN}`);
  if ((def.cron === undefined) === (def.everyMs === undefined)) throw bad('cron', 'give either cron or everyMs');
  if (def.cron !== undefined) {
    if (typeof def.cron !== 'string') throw bad('cron', 'must be a string');
    if (def.timezone !== undefined) {
      if (typeof def.timezone !== 'string') throw bad('timezone', 'must be an IANA time zone such as Europe/Berlin');
      try {
        new Intl.DateTimeFormat('en', { timeZone: def.timezone });
      } catch {
        throw bad('timezone', `${JSON.stringify(def.timezone)} is not an IANA time zone such as Europe/Berlin`);
      }
    }
    if (cronOf(def.cron, def.timezone).nextRun() === null) throw bad('cron', 'never occurs');
  } else {
    if (def.timezone !== undefined) throw bad('timezone', 'goes with cron, not everyMs');
    if (typeof def.everyMs !== 'number' || !Number.isSafeInteger(def.everyMs) || def.everyMs < MIN_EVERY_MS || def.everyMs > MAX_DELAY_MS)
      throw bad('everyMs', `must be an integer from ${MIN_EVERY_MS} to ${MAX_DELAY_MS}`);
  }
  const job = def.job as unknown;
  if (typeof job !== 'object' || job === null || Array.isArray(job)) throw bad('job', 'must be a job template object');
  for (const key of Object.keys(job)) if (!TEMPLATE_FIELDS.has(key)) throw bad(`job.${key}`, 'is not a field of a job template');
  validateJob(def.job);
  return {
    name: def.name,
    ...(def.cron !== undefined
      ? { cron: def.cron.trim(), ...(def.timezone ? { timezone: def.timezone } : {}) }
      : { everyMs: def.everyMs! }),
    job: def.job,
  };
}

interface Stored extends SchedulerDefinition {
  readonly createdAt: string;
  readonly updatedAt: string;
  /** Interval schedulers count from here (ms). */
  readonly anchor: number;
}

/**
 * Named job schedulers, kept in Redis: each occurrence is claimed atomically (schedule-4.lua), so it is
 * enqueued exactly once however many pollers fire at the same moment. Nothing runs between pollers on
 * Lambda, so `fire` is called by each scheduled poller run; occurrences missed while nothing ran are
 * not replayed one by one: the latest due runs once and the others are counted as missed.
 */
export class JobSchedulers extends QueueClient {
  /** Creates or replaces a scheduler; its next occurrence is counted from `now`. */
  async set(input: SchedulerDefinition, now = Date.now()): Promise<{ scheduler: SchedulerInfo; created: boolean }> {
    const def = checkDefinition(input, (job) => prepareJob(job, this.options, 'job.', now));
    const k = this.keys;
    const previous = await this.stored(def.name);
    if (!previous && (await this.redis.hlen(k.schedulers)) >= MAX_SCHEDULERS) throw bad('name', `at most ${MAX_SCHEDULERS} schedulers`);
    const at = new Date(now).toISOString();
    const stored: Stored = { ...def, createdAt: previous?.createdAt ?? at, updatedAt: at, anchor: now };
    const next = nextAfter(def, now, now);
    const multi = this.redis.multi().hset(k.schedulers, def.name, JSON.stringify(stored));
    if (next === null) multi.zrem(k.schedulersNext, def.name);
    else multi.zadd(k.schedulersNext, next, def.name);
    await multi.exec();
    return { scheduler: await this.get(def.name), created: !previous };
  }

  async get(name: string): Promise<SchedulerInfo> {
    const [info] = await this.describe([name]);
    if (!info) throw new SchedulerNotFoundError(name);
    return info;
  }

  /** Every scheduler, by name. */
  async list(): Promise<SchedulerInfo[]> {
    const names = (await this.redis.hkeys(this.keys.schedulers)).sort();
    return this.describe(names);
  }

  /** Deletes a scheduler; false when there was none. Jobs it already enqueued stay. */
  async remove(name: string): Promise<boolean> {
    const k = this.keys;
    const fields = ['fired', 'missed', 'lastId', 'lastAt'].map((f) => `${name}:${f}`);
    const replies = await this.redis
      .multi()
      .hdel(k.schedulers, name)
      .zrem(k.schedulersNext, name)
      .hdel(k.schedulersRuns, ...fields)
      .exec();
    return Number(replies?.[0]?.[1]) === 1;
  }

  /**
   * Enqueues every occurrence due at `now`, each claimed atomically: one job per occurrence across
   * every poller. `hooks` wraps each (its trace). Returns the occurrences this caller enqueued.
   */
  async fire(options: { now?: number; limit?: number; hooks?: (o: Occurrence) => OccurrenceHooks } = {}): Promise<Occurrence[]> {
    const now = options.now ?? Date.now();
    const k = this.keys;
    const due = await this.redis.zrangebyscore(k.schedulersNext, '-inf', now, 'WITHSCORES', 'LIMIT', 0, options.limit ?? 100);
    const fired: Occurrence[] = [];
    for (let i = 0; i + 1 < due.length; i += 2) {
      const name = due[i]!;
      const read = Number(due[i + 1]);
      const def = await this.stored(name);
      if (!def) continue;
      const { at, missed } = latestDue(def, read, now);
      const next = nextAfter(def, now, def.anchor) ?? Number.MAX_SAFE_INTEGER;
      const occurrence: Occurrence = { scheduler: def, at, missed, jobId: newJobId(now) };
      const hooks = options.hooks?.(occurrence);
      const job = prepareJob(def.job, this.options, '', now, {
        ...(hooks?.trace ? { trace: hooks.trace } : {}),
        scheduler: { name, at },
        id: occurrence.jobId,
      });
      let claimed = false;
      try {
        const code = await runScript(
          this.redis,
          'schedule',
          [k.schedulersNext, k.schedulersRuns, k.queues, k.counters],
          [k.prefix, name, read, next, missed, job.job.id, job.job.queue, job.job.priority, job.job.maxAttempts, job.json],
        );
        claimed = code === ScheduleCode.Claimed;
      } finally {
        hooks?.settle(claimed);
      }
      if (claimed) fired.push(occurrence);
    }
    return fired;
  }

  private async stored(name: string): Promise<Stored | undefined> {
    const json = await this.redis.hget(this.keys.schedulers, name);
    return json === null ? undefined : (JSON.parse(json) as Stored);
  }

  private async describe(names: readonly string[]): Promise<SchedulerInfo[]> {
    if (names.length === 0) return [];
    const k = this.keys;
    const runFields = names.flatMap((n) => ['fired', 'missed', 'lastId', 'lastAt'].map((f) => `${n}:${f}`));
    const [defs, runs, nexts] = await Promise.all([
      this.redis.hmget(k.schedulers, ...names),
      this.redis.hmget(k.schedulersRuns, ...runFields),
      Promise.all(names.map((n) => this.redis.zscore(k.schedulersNext, n))),
    ]);
    const out: SchedulerInfo[] = [];
    names.forEach((name, i) => {
      const json = defs[i];
      if (!json) return;
      const { anchor: _anchor, ...def } = JSON.parse(json) as Stored;
      const [fired, missed, lastId, lastAt] = runs.slice(i * 4, i * 4 + 4);
      const next = nexts[i];
      out.push({
        ...def,
        nextAt: next === null || next === undefined ? null : new Date(Number(next)).toISOString(),
        fired: Number(fired ?? 0),
        missed: Number(missed ?? 0),
        last: lastId ? { jobId: lastId, at: new Date(Number(lastAt)).toISOString() } : null,
      });
    });
    return out;
  }
}

/** The latest occurrence due at `now`, from the one read (`first`), and how many before it were missed. */
function latestDue(def: Stored, first: number, now: number): { at: number; missed: number } {
  if (def.everyMs !== undefined) {
    const missed = Math.floor((now - first) / def.everyMs);
    return { at: first + missed * def.everyMs, missed };
  }
  const cron = cronOf(def.cron!, def.timezone);
  let at = first;
  for (let missed = 0; missed < MAX_CATCH_UP; missed++) {
    const next = cron.nextRun(new Date(at))?.getTime();
    if (next === undefined || next > now) return { at, missed };
    at = next;
  }
  const latest = cron.previousRuns(1, new Date(now + 1))[0]?.getTime() ?? at;
  return { at: Math.max(at, latest), missed: MAX_CATCH_UP };
}
