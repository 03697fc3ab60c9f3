import type { Job, JobSpec } from './types';

export type Reply = string | number | null;

/**
 * Builds a Job from a script's reply fields (spec JSON plus the mutable state). `failureTrace`: the carrier
 * its failures were recorded in (retrace-1.lua), which its later steps follow instead of `trace`.
 * `record`: the fields the record keeps beside its spec (id, queue, priority, maxAttempts).
 */
export function decodeJob(
  specJson: string,
  attempts: Reply,
  delivery: Reply,
  enqueuedAt: Reply,
  lastError: Reply,
  failureTrace: Reply = null,
  record?: { readonly id: Reply; readonly queue: Reply; readonly priority: Reply; readonly maxAttempts: Reply },
): Job {
  const job = JSON.parse(specJson) as JobSpec & {
    attempts: number;
    delivery: number;
    enqueuedAt: number;
    lastError: string | null;
    trace: JobSpec['trace'];
    failureTrace?: JobSpec['trace'];
  };
  if (failureTrace !== null) job.failureTrace = JSON.parse(String(failureTrace)) as JobSpec['trace'];
  // The record's own fields; a record written before they left the spec still has them there.
  if (record) {
    const j = job as { id: string; queue: string; priority: string; maxAttempts: number };
    if (record.id !== null) j.id ??= String(record.id);
    if (record.queue !== null) j.queue ??= String(record.queue);
    if (record.priority !== null) j.priority ??= String(record.priority);
    if (record.maxAttempts !== null) j.maxAttempts ??= Number(record.maxAttempts);
  }
  job.attempts = Number(attempts ?? 0);
  job.delivery = Number(delivery ?? 0);
  job.enqueuedAt = Number(enqueuedAt ?? 0);
  job.lastError = lastError === null ? null : String(lastError);
  return job;
}

/**
 * Jobs from a flat reply of 10-value groups (dequeue and peek): id, attempts, delivery, spec JSON,
 * enqueuedAt, lastError, failure trace, queue, priority, maxAttempts, starting at `start`.
 */
export function decodeJobGroups(reply: readonly Reply[], start: number): Job[] {
  const jobs: Job[] = [];
  for (let i = start; i + 9 < reply.length; i += 10) {
    const at = (k: number) => reply[i + k] ?? null;
    jobs.push(
      decodeJob(String(reply[i + 3]), at(1), at(2), at(4), at(5), at(6), { id: at(0), queue: at(7), priority: at(8), maxAttempts: at(9) }),
    );
  }
  return jobs;
}

/** The trace a job's next step belongs to: the one its failures were recorded in, else its own. */
export const stepTrace = (job: Pick<Job, 'trace' | 'failureTrace'>): JobSpec['trace'] => job.failureTrace ?? job.trace;
