import type { Job, JobSpec } from './types';

export type Reply = string | number | null;

/**
 * Builds a Job from a script's reply fields (spec JSON plus the mutable state). `failureTrace`: the carrier
 * its failures were recorded in (retrace-1.lua), which its later steps follow instead of `trace`.
 */
export function decodeJob(
  specJson: string,
  attempts: Reply,
  delivery: Reply,
  enqueuedAt: Reply,
  lastError: Reply,
  failureTrace: Reply = null,
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
  job.attempts = Number(attempts ?? 0);
  job.delivery = Number(delivery ?? 0);
  job.enqueuedAt = Number(enqueuedAt ?? 0);
  job.lastError = lastError === null ? null : String(lastError);
  return job;
}

/**
 * Jobs from a flat reply of 7-value groups (dequeue and peek): id, attempts, delivery, spec JSON,
 * enqueuedAt, lastError, failure trace, starting at `start`.
 */
export function decodeJobGroups(reply: readonly Reply[], start: number): Job[] {
  const jobs: Job[] = [];
  for (let i = start; i + 6 < reply.length; i += 7) {
    jobs.push(
      decodeJob(
        String(reply[i + 3]),
        reply[i + 1] ?? null,
        reply[i + 2] ?? null,
        reply[i + 4] ?? null,
        reply[i + 5] ?? null,
        reply[i + 6] ?? null,
      ),
    );
  }
  return jobs;
}

/** The trace a job's next step belongs to: the one its failures were recorded in, else its own. */
export const stepTrace = (job: Pick<Job, 'trace' | 'failureTrace'>): JobSpec['trace'] => job.failureTrace ?? job.trace;
