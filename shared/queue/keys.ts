import { NAMESPACE_PATTERN } from './limits';

/**
 * The one key builder. Every key of a namespace shares the Redis Cluster hash tag `{ns}`, so all of a
 * namespace's keys live in one slot and the Lua scripts may touch any of them on cluster-mode ElastiCache.
 * The Lua side builds per-job and per-queue keys with the same layout in `scripts/includes/keys.lua`;
 * `test/queue/keys.test.ts` checks that the two agree.
 */
export interface QueueKeys {
  /** `{ns}:` — every key starts with this; scripts receive it to build per-job/per-queue keys. */
  readonly prefix: string;
  /** Hash holding one job's record. */
  job(id: string): string;
  /** List of ready job ids of one queue and priority (FIFO). */
  wait(queue: string, priority: string): string;
  /** Wake-up marker list that blocked consumers of one queue BLPOP on. */
  wake(queue: string): string;
  /** Sorted set of in-flight job ids of one queue, scored by lease deadline (ms). */
  active(queue: string): string;
  /** Sorted set of delayed and retrying job ids of one queue, scored by due time (ms). */
  delayed(queue: string): string;
  /** Hash of one queue's controls: `paused` (JSON: reason, at, by), `concurrency`, `rate` and `per` (ms). */
  controls(queue: string): string;
  /** Counter of jobs one queue started in its current rate window; expires when the window ends. */
  rate(queue: string): string;
  /** Hash of job schedulers: name → definition JSON. */
  readonly schedulers: string;
  /** Sorted set of scheduler names, scored by their next occurrence (ms). */
  readonly schedulersNext: string;
  /** Hash of what schedulers did: `<name>:fired`, `<name>:missed`, `<name>:lastId`, `<name>:lastAt`. */
  readonly schedulersRuns: string;
  /** Sorted set of dead-lettered job ids, scored by time of death (ms). */
  readonly dead: string;
  /** Sorted set of completed job ids (the bounded history), scored by completion time (ms). */
  readonly done: string;
  /** Set of queue names ever enqueued to. */
  readonly queues: string;
  /** Hash of counters, fields `<queue>:<counter>`. */
  readonly counters: string;
  /** Idempotency record: the id of the job first enqueued under this key. */
  idempotency(key: string): string;
  /** Capped stream of admin audit records. */
  readonly audit: string;
  /** Glob matching every key of the namespace (for purge-all via SCAN). */
  readonly pattern: string;
}

const NAMESPACE = NAMESPACE_PATTERN;

/**
 * A key that never exists, declared by every script (appended by runScript): while a resharding migrates
 * the namespace's slot, Redis then refuses each script up front with TRYAGAIN (declared keys, some
 * missing) instead of running it until it touches a job key that already moved — which would stop it
 * half-way, with its earlier writes kept. Clients retry TRYAGAIN; once the slot has moved, MOVED.
 */
export function slotGuardKey(key: string): string {
  return `${key.slice(0, key.indexOf('}') + 1)}:slot-guard`;
}

export function queueKeys(namespace: string): QueueKeys {
  if (!NAMESPACE.test(namespace)) {
    throw new TypeError(`namespace must match ${NAMESPACE} (got ${JSON.stringify(namespace)})`);
  }
  const prefix = `{${namespace}}:`;
  return Object.freeze({
    prefix,
    job: (id: string) => `${prefix}job:${id}`,
    wait: (queue: string, priority: string) => `${prefix}q:${queue}:wait:${priority}`,
    wake: (queue: string) => `${prefix}q:${queue}:wake`,
    active: (queue: string) => `${prefix}q:${queue}:active`,
    delayed: (queue: string) => `${prefix}q:${queue}:delayed`,
    controls: (queue: string) => `${prefix}q:${queue}:controls`,
    rate: (queue: string) => `${prefix}q:${queue}:rate`,
    schedulers: `${prefix}schedulers`,
    schedulersNext: `${prefix}schedulers:next`,
    schedulersRuns: `${prefix}schedulers:runs`,
    dead: `${prefix}dead`,
    done: `${prefix}done`,
    queues: `${prefix}queues`,
    counters: `${prefix}counters`,
    idempotency: (key: string) => `${prefix}idem:${key}`,
    audit: `${prefix}audit`,
    // The namespace alphabet has no glob metacharacters; only the braces need no escaping either.
    pattern: `${prefix}*`,
  });
}
