import { decodeJob, decodeJobGroups, type Reply } from './codec';
import { JobNotFoundError, QueueArgumentError } from './errors';
import { JOB_ID_PATTERN } from './ids';
import { NAME_PATTERN } from './options';
import { QueueClient } from './queue-client';
import { runScript, type ScriptArg } from './scripts';
import type {
  DeadReason,
  FailureRecord,
  Job,
  JobInfo,
  JobState,
  PauseRecord,
  PurgeResult,
  QueueControls,
  QueueCounters,
  QueueLimits,
  QueueStats,
  QueueStatsEntry,
  RequeueResult,
} from './types';

const CHUNK = 500;
const MAX_PEEK = 1000;
const COUNTERS: readonly (keyof QueueCounters)[] = [
  'enqueued',
  'completed',
  'failed',
  'retried',
  'deadLettered',
  'requeued',
  'purged',
  'cancelled',
];
/** The most a limit may be: far beyond any Redis, so a typo of extra zeros is refused. */
const MAX_LIMIT = 1_000_000;
const MAX_RATE_WINDOW_MS = 86_400_000;

interface StatsReply {
  now: number;
  dead: number;
  done: number;
  counters: string[] | Record<string, never>;
  queues:
    | Array<{
        name: string;
        active: number;
        delayed: number;
        priorities: Array<{ name: string; waiting: number; oldestEnqueuedAt: number | false }>;
        paused: string | false;
        concurrency: number | false;
        rate: number | false;
        per: number | false;
        rateUsed?: number;
        rateResetMs?: number;
      }>
    | Record<string, never>;
}

// cjson encodes an empty Lua table as `{}`; read it as an empty list.
const list = <T>(value: T[] | Record<string, never>): T[] => (Array.isArray(value) ? value : []);

function limitsOf(concurrency: unknown, rate: unknown, per: unknown): QueueLimits {
  const n = (v: unknown) => (v === false || v === undefined || v === null ? null : Number(v));
  const max = n(rate);
  return { concurrency: n(concurrency), rate: max === null ? null : { max, perMs: n(per) ?? 0 } };
}

function controlsOf(queue: string, pairs: readonly Reply[]): QueueControls {
  const fields = new Map<string, string>();
  for (let i = 0; i + 1 < pairs.length; i += 2) fields.set(String(pairs[i]), String(pairs[i + 1]));
  const paused = fields.get('paused');
  return {
    queue,
    paused: paused === undefined ? null : (JSON.parse(paused) as PauseRecord),
    limits: limitsOf(fields.get('concurrency'), fields.get('rate'), fields.get('per')),
  };
}

function limitValue(argument: string, value: number, max: number): number {
  if (!Number.isSafeInteger(value) || value < 1 || value > max)
    throw new QueueArgumentError(argument, `must be an integer from 1 to ${max}`);
  return value;
}

function assertName(argument: string, value: string): void {
  if (!NAME_PATTERN.test(value)) throw new QueueArgumentError(argument, `${JSON.stringify(value)} must match ${NAME_PATTERN}`);
}

/** Operators' view of a namespace: stats, peek, info, purge and requeue from the dead-letter queue. */
export class QueueAdmin extends QueueClient {
  async stats(): Promise<QueueStats> {
    const k = this.keys;
    const raw = JSON.parse(
      (await runScript(this.redis, 'stats', [k.queues, k.dead, k.done, k.counters], [k.prefix, ...this.options.priorities])) as string,
    ) as StatsReply;
    const counters = new Map<string, number>();
    const pairs = list(raw.counters);
    for (let i = 0; i + 1 < pairs.length; i += 2) counters.set(pairs[i]!, Number(pairs[i + 1]));
    const queues = list(raw.queues).map((q): QueueStatsEntry => {
      const priorities = list(q.priorities).map((p) => ({
        name: p.name,
        waiting: p.waiting,
        oldestAgeMs: p.oldestEnqueuedAt === false ? null : Math.max(0, raw.now - p.oldestEnqueuedAt),
      }));
      const ages = priorities.map((p) => p.oldestAgeMs).filter((a): a is number => a !== null);
      const waiting = priorities.reduce((n, p) => n + p.waiting, 0);
      const limits = limitsOf(q.concurrency, q.rate, q.per);
      const rateUsed = q.rateUsed ?? 0;
      return {
        name: q.name,
        waiting,
        active: q.active,
        delayed: q.delayed,
        oldestAgeMs: ages.length ? Math.max(...ages) : null,
        priorities,
        counters: Object.fromEntries(COUNTERS.map((c) => [c, counters.get(`${q.name}:${c}`) ?? 0])) as unknown as QueueCounters,
        paused: q.paused === false ? null : (JSON.parse(q.paused) as PauseRecord),
        limits,
        // As dequeue decides: a pause holds everything; then the concurrency, then the rate window.
        heldBack:
          waiting === 0
            ? null
            : q.paused !== false
              ? 'paused'
              : limits.concurrency !== null && q.active >= limits.concurrency
                ? 'concurrency'
                : limits.rate !== null && rateUsed >= limits.rate.max
                  ? 'rate'
                  : null,
        ...(limits.rate ? { rateWindow: { used: rateUsed, resetsInMs: q.rateResetMs ?? 0 } } : {}),
      };
    });
    const sum = (f: (q: QueueStatsEntry) => number) => queues.reduce((n, q) => n + f(q), 0);
    return {
      now: raw.now,
      queues,
      totals: { waiting: sum((q) => q.waiting), active: sum((q) => q.active), delayed: sum((q) => q.delayed) },
      dead: raw.dead,
      completedHistory: raw.done,
    };
  }

  /**
   * Pauses a queue: it keeps accepting jobs, no consumer takes from it, jobs in flight finish.
   * `changed` is false when it was paused already (the first pause's record stays).
   */
  async pause(queue: string, record: PauseRecord): Promise<QueueControls & { changed: boolean }> {
    return this.control(queue, ['pause', JSON.stringify(record)]);
  }

  /** Resumes a paused queue; its waiting jobs are taken again at once. */
  async resume(queue: string): Promise<QueueControls & { changed: boolean }> {
    return this.control(queue, ['resume']);
  }

  /**
   * Sets a queue's limits, over every consumer together, enforced at dequeue: `concurrency` jobs in flight
   * at once, `rate.max` jobs started per `rate.perMs` window. null removes a limit. Jobs over a limit stay
   * waiting in their place.
   */
  async setLimits(queue: string, limits: QueueLimits): Promise<QueueControls & { changed: boolean }> {
    const concurrency = limits.concurrency === null ? '' : limitValue('concurrency', limits.concurrency, MAX_LIMIT);
    const rate = limits.rate === null ? null : limits.rate;
    const args = [
      'limits',
      concurrency,
      rate ? limitValue('rate.max', rate.max, MAX_LIMIT) : '',
      rate ? limitValue('rate.perMs', rate.perMs, MAX_RATE_WINDOW_MS) : '',
    ];
    return this.control(queue, args);
  }

  /** A queue's controls: whether it is paused, and its limits. */
  async controls(queue: string): Promise<QueueControls> {
    assertName('queue', queue);
    return controlsOf(queue, (await this.redis.hgetall(this.keys.controls(queue))) as unknown as Reply[]);
  }

  private async control(queue: string, args: readonly ScriptArg[]): Promise<QueueControls & { changed: boolean }> {
    assertName('queue', queue);
    const [changed, ...pairs] = (await runScript(
      this.redis,
      'controls',
      [this.keys.queues],
      [this.keys.prefix, queue, ...args],
    )) as Reply[];
    return { ...controlsOf(queue, pairs), changed: Number(changed) === 1 };
  }

  /** The next `count` jobs of a queue in the order dequeue will take them. */
  async peek(queue: string, count = 10): Promise<Job[]> {
    assertName('queue', queue);
    if (!Number.isSafeInteger(count) || count < 1 || count > MAX_PEEK) {
      throw new QueueArgumentError('count', `must be an integer from 1 to ${MAX_PEEK}`);
    }
    const k = this.keys;
    const reply = (await runScript(
      this.redis,
      'peek',
      [k.dead, k.counters],
      [k.prefix, queue, count, this.options.housekeepingLimit, ...this.options.priorities],
    )) as Reply[];
    return decodeJobGroups(reply, 1);
  }

  /** Where a job is and its full record. Throws JobNotFoundError for an unknown (or trimmed) id. */
  async info(id: string): Promise<JobInfo> {
    if (!JOB_ID_PATTERN.test(id)) throw new QueueArgumentError('id', 'is not a job id');
    const reply = (await runScript(this.redis, 'info', [this.keys.dead, this.keys.done], [this.keys.prefix, id])) as Reply[] | null;
    if (!reply) throw new JobNotFoundError(id);
    const fields = new Map<string, string>();
    for (let i = 2; i + 1 < reply.length; i += 2) fields.set(String(reply[i]), String(reply[i + 1]));
    const failures: Array<FailureRecord & { seq: number }> = [];
    for (const [name, value] of fields) {
      if (name.startsWith('f:')) failures.push({ seq: Number(name.slice(2)), ...(JSON.parse(value) as FailureRecord) });
    }
    failures.sort((a, b) => a.seq - b.seq);
    const state = String(reply[0]) as JobState;
    const at = reply[1] === null ? undefined : Number(reply[1]);
    return {
      state,
      job: decodeJob(
        fields.get('d')!,
        fields.get('a') ?? null,
        fields.get('l') ?? null,
        fields.get('e') ?? null,
        fields.get('err') ?? null,
        fields.get('tc') ?? null,
        { id, queue: fields.get('q') ?? null, priority: fields.get('p') ?? null, maxAttempts: fields.get('m') ?? null },
      ),
      ...(state === 'waiting' ? { position: at } : at === undefined ? {} : { since: at }),
      ...(fields.has('why') ? { deadReason: fields.get('why') as DeadReason } : {}),
      failures: failures.map(({ seq: _seq, ...f }) => f),
      requeues: Number(fields.get('r') ?? 0),
      ...(fields.has('s') ? { startedAt: Number(fields.get('s')) } : {}),
      ...(at !== undefined && (state === 'completed' || state === 'dead' || state === 'cancelled') ? { finishedAt: at } : {}),
      ...(fields.has('pg') ? { progress: JSON.parse(fields.get('pg')!) as unknown } : {}),
      ...(fields.has('res') ? { result: JSON.parse(fields.get('res')!) as unknown } : {}),
      ...(fields.has('rx') ? { resultOmitted: fields.get('rx')! } : {}),
    };
  }

  /**
   * Jobs in one state, each with its full record: `waiting` in dequeue order and `delayed` soonest due
   * first and `active` by lease deadline (of one queue); `dead` oldest first and `completed` (the history,
   * cancelled jobs included) newest first (of every queue).
   */
  async list(
    state: 'waiting' | 'delayed' | 'active' | 'dead' | 'completed',
    options: { queue?: string; count?: number } = {},
  ): Promise<JobInfo[]> {
    const count = options.count ?? 20;
    if (!Number.isSafeInteger(count) || count < 1 || count > MAX_PEEK)
      throw new QueueArgumentError('count', `must be an integer from 1 to ${MAX_PEEK}`);
    const queue = options.queue ?? this.options.defaultQueue;
    assertName('queue', queue);
    let ids: string[];
    if (state === 'waiting') ids = (await this.peek(queue, count)).map((j) => j.id);
    else if (state === 'delayed') ids = await this.redis.zrange(this.keys.delayed(queue), 0, String(count - 1));
    else if (state === 'active') ids = await this.redis.zrange(this.keys.active(queue), 0, String(count - 1));
    else if (state === 'dead') ids = await this.redis.zrange(this.keys.dead, 0, String(count - 1));
    else ids = await this.redis.zrevrange(this.keys.done, 0, count - 1);
    // Looked up together (one round trip); a job that moved on meanwhile is left out.
    const infos = await Promise.all(ids.map((id) => this.info(id).catch(() => null)));
    return infos.filter((i): i is JobInfo => i !== null);
  }

  /** The oldest `count` dead-lettered jobs, each with its reason and failure history. */
  async deadLetters(count = 10): Promise<JobInfo[]> {
    if (!Number.isSafeInteger(count) || count < 1 || count > MAX_PEEK) {
      throw new QueueArgumentError('count', `must be an integer from 1 to ${MAX_PEEK}`);
    }
    const ids = await this.redis.zrange(this.keys.dead, 0, String(count - 1));
    const infos = await Promise.all(ids.map((id) => this.info(id).catch(() => null)));
    return infos.filter((i): i is JobInfo => i !== null && i.state === 'dead');
  }

  /**
   * Dead-lettered jobs due for an automatic redrive, oldest first: dead for at least `minAgeMs` and
   * requeued fewer than `maxRedrives` times. Jobs that used all their redrives are stepped over (at most
   * `scanLimit` entries are examined in all), so they can never hold later jobs back.
   */
  async redrivable(options: { maxRedrives: number; minAgeMs: number; limit: number; scanLimit?: number }): Promise<string[]> {
    const { maxRedrives, minAgeMs, limit, scanLimit = 10_000 } = options;
    for (const [name, value] of Object.entries({ maxRedrives, minAgeMs, limit, scanLimit })) {
      if (!Number.isSafeInteger(value) || value < 0) throw new QueueArgumentError(name, 'must be an integer >= 0');
    }
    const found: string[] = [];
    let offset = 0;
    let scanned = 0;
    while (found.length < limit && offset >= 0 && scanned < scanLimit) {
      const scan = Math.min(CHUNK, scanLimit - scanned);
      const [next, ...ids] = (await runScript(
        this.redis,
        'redrivable',
        [this.keys.dead],
        [this.keys.prefix, minAgeMs, maxRedrives, limit - found.length, offset, scan],
      )) as [number, ...string[]];
      found.push(...ids.map(String));
      scanned += next < 0 ? scan : Number(next) - offset;
      offset = Number(next);
    }
    return found;
  }

  /** Removes a queue's waiting and delayed jobs; jobs in flight finish normally. */
  async purgeQueue(queue: string): Promise<PurgeResult> {
    assertName('queue', queue);
    const k = this.keys;
    let removed = 0;
    let bound = Infinity;
    // Chunked so Redis is never blocked long; bounded by what was there at the start, so new arrivals
    // cannot keep a purge running forever.
    while (removed < bound) {
      const [n, left] = (await runScript(
        this.redis,
        'purgeQueue',
        [k.counters, k.queues],
        [k.prefix, queue, CHUNK, ...this.options.priorities],
      )) as [number, number];
      if (bound === Infinity) bound = n + left;
      removed += n;
      if (n === 0 || left === 0) break;
    }
    return { target: `queue:${queue}`, removed };
  }

  /** Removes the jobs in the dead-letter queue (those there when the purge began). */
  async purgeDead(): Promise<PurgeResult> {
    let upTo: number | '' = ''; // the server's now, fixed by the first call
    let removed = 0;
    for (;;) {
      const [n, left, at] = (await runScript(
        this.redis,
        'purgeDead',
        [this.keys.dead, this.keys.counters],
        [this.keys.prefix, CHUNK, upTo],
      )) as [number, number, number];
      upTo = at;
      removed += n;
      if (n === 0 || left === 0) return { target: 'dlq', removed };
    }
  }

  /**
   * Removes every key of the namespace — jobs in every state, counters, history, idempotency records —
   * except the audit trail, which must outlive the purge it records. Not atomic (it scans); consumers
   * should be stopped first. Returns the number of job records removed.
   */
  async purgeAll(): Promise<PurgeResult> {
    const nodes = this.redis.isCluster
      ? (this.redis as import('ioredis').Cluster).nodes('master')
      : [this.redis as import('ioredis').Redis];
    const jobPrefix = this.keys.job('');
    let removed = 0;
    for (const node of nodes) {
      let cursor = '0';
      do {
        const [next, found] = await node.scan(cursor, 'MATCH', this.keys.pattern, 'COUNT', 1000);
        cursor = next;
        const keys = found.filter((key) => key !== this.keys.audit);
        if (keys.length > 0) {
          await node.unlink(...keys);
          removed += keys.filter((key) => key.startsWith(jobPrefix)).length;
        }
      } while (cursor !== '0');
    }
    return { target: 'all', removed };
  }

  /**
   * Moves dead-lettered jobs back to their queues with fresh attempts: the given ids, or all. With
   * `delayMs`, they wait that long in the delayed set first (a redrive after a delay).
   */
  async requeue(target: { ids: readonly string[] } | { all: true }, options: { delayMs?: number } = {}): Promise<RequeueResult> {
    const k = this.keys;
    const delay = options.delayMs ?? 0;
    if (!Number.isSafeInteger(delay) || delay < 0) throw new QueueArgumentError('delayMs', 'must be an integer >= 0');
    if ('all' in target) {
      let upTo: number | '' = ''; // the server's now, fixed by the first call
      let requeued = 0;
      for (;;) {
        const [n, left, at, handled] = (await runScript(
          this.redis,
          'requeue',
          [k.dead, k.counters],
          [k.prefix, 'all', CHUNK, delay, upTo],
        )) as [number, number, number, number];
        upTo = at;
        requeued += n;
        // `handled` counts ids whose record was gone too (dropped): a chunk of only those is progress.
        if (handled === 0 || left === 0) return { requeued, missing: [] };
      }
    }
    const ids = [...new Set(target.ids)];
    for (const id of ids) if (!JOB_ID_PATTERN.test(id)) throw new QueueArgumentError('ids', `${JSON.stringify(id)} is not a job id`);
    let requeued = 0;
    const missing: string[] = [];
    for (let i = 0; i < ids.length; i += CHUNK) {
      const reply = (await runScript(
        this.redis,
        'requeue',
        [k.dead, k.counters],
        [k.prefix, 'ids', CHUNK, delay, ...ids.slice(i, i + CHUNK)],
      )) as Reply[];
      requeued += Number(reply[0]);
      missing.push(...reply.slice(1).map(String));
    }
    return { requeued, missing };
  }
}
