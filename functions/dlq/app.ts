import type { SNSClient } from '@aws-sdk/client-sns';
import { handleDeadLetter, sweepDeadLetters, type DeadLetterNotice, type DeadLetterResult } from './dead-letters';
import { JOB_ID_PATTERN } from '../../shared/queue';
import { classify } from '../../shared/middleware/trigger';
import { traced } from '../../shared/middleware/tracing';
import type { Services } from '../../shared/services';
import type { Tracing } from '../../shared/tracing';

export interface DlqDeps {
  readonly tracing: Tracing;
  readonly runtime: () => Promise<Services>;
  readonly sns: (rt: Services) => SNSClient;
}

export type DlqResult = DeadLetterResult | { readonly examined: number; readonly redriven: number };

/** Validates the notice the poller sends; anything else is refused loudly (it was not sent by us). */
function notice(event: unknown): DeadLetterNotice {
  const e = event as Partial<DeadLetterNotice> | undefined;
  if (!e || typeof e.jobId !== 'string' || !JOB_ID_PATTERN.test(e.jobId))
    throw new TypeError('dlq event: jobId is missing or not a job id');
  return {
    jobId: e.jobId,
    ...(typeof e.queue === 'string' ? { queue: e.queue } : {}),
    ...(typeof e.reason === 'string' ? { reason: e.reason } : {}),
  };
}

/**
 * The dlq function: invoked asynchronously with each dead-lettered job (inside that job's trace), and on a
 * schedule to sweep the dead-letter queue for redrives that were never made.
 */
export function createDlqHandler(deps: DlqDeps) {
  return traced(
    async (event: unknown): Promise<DlqResult> => {
      const rt = await deps.runtime();
      if (classify(event).kind === 'schedule') return sweepDeadLetters(rt);
      return handleDeadLetter(rt, deps.sns(rt), notice(event));
    },
    { tracing: deps.tracing },
  );
}
