import type { Job, JobSpec } from './types';

export type Reply = string | number | null;

/** Builds a Job from a script's reply fields (spec JSON plus the mutable state). */
export function decodeJob(specJson: string, attempts: Reply, delivery: Reply, enqueuedAt: Reply, lastError: Reply): Job {
  const job = JSON.parse(specJson) as JobSpec & { attempts: number; delivery: number; enqueuedAt: number; lastError: string | null };
  job.attempts = Number(attempts ?? 0);
  job.delivery = Number(delivery ?? 0);
  job.enqueuedAt = Number(enqueuedAt ?? 0);
  job.lastError = lastError === null ? null : String(lastError);
  return job;
}

/**
 * Jobs from a flat reply of 6-value groups (dequeue and peek): id, attempts, delivery, spec JSON,
 * enqueuedAt, lastError, starting at `start`.
 */
export function decodeJobGroups(reply: readonly Reply[], start: number): Job[] {
  const jobs: Job[] = [];
  for (let i = start; i + 5 < reply.length; i += 6) {
    jobs.push(decodeJob(String(reply[i + 3]), reply[i + 1] ?? null, reply[i + 2] ?? null, reply[i + 4] ?? null, reply[i + 5] ?? null));
  }
  return jobs;
}
