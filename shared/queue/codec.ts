import type { Job, JobSpec } from './types';

export type Reply = string | number | null;

/** Builds a Job from a script's reply fields (spec JSON plus the mutable state). */
export function decodeJob(specJson: string, attempts: Reply, enqueuedAt: Reply, lastError: Reply): Job {
  const job = JSON.parse(specJson) as JobSpec & { attempts: number; enqueuedAt: number; lastError: string | null };
  job.attempts = Number(attempts ?? 0);
  job.enqueuedAt = Number(enqueuedAt ?? 0);
  job.lastError = lastError === null ? null : String(lastError);
  return job;
}

/**
 * Jobs from a flat reply of 5-value groups (dequeue and peek): id, attempts, spec JSON, enqueuedAt,
 * lastError, starting at `start`.
 */
export function decodeJobGroups(reply: readonly Reply[], start: number): Job[] {
  const jobs: Job[] = [];
  for (let i = start; i + 4 < reply.length; i += 5) {
    jobs.push(decodeJob(String(reply[i + 2]), reply[i + 1] ?? null, reply[i + 3] ?? null, reply[i + 4] ?? null));
  }
  return jobs;
}
