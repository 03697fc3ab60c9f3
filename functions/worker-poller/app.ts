import type { LambdaClient } from '@aws-sdk/client-lambda';
import type { Context as LambdaContext } from 'aws-lambda';
import { traced } from '../../shared/middleware/tracing';
import type { Services } from '../../shared/services';
import type { Tracing } from '../../shared/tracing';
import type { ExtraProcessors } from './processors';
import { runPoller, type PollerSummary } from './run';

export type { PollerSummary } from './run';

export interface PollerDeps {
  readonly tracing: Tracing;
  readonly runtime: () => Promise<Services>;
  /** Invokes Lambda targets, fanned-out pollers and the dlq function; made from the runtime's config. */
  readonly lambda: (rt: Services) => LambdaClient;
  /** Extra in-process processors (tests, embedding), or a getter read per invocation (the local pipeline reloads them). */
  readonly processors?: ExtraProcessors;
}

/**
 * The worker-poller, run by a schedule (and by itself under backlog): takes jobs within its time budget —
 * no new job once less than the longest job timeout plus a safety margin is left — returns once the
 * queues stayed empty for POLLER_IDLE_MS, and reports what it did.
 */
export function createPollerHandler(deps: PollerDeps) {
  return traced(
    // A schedule event, or `{ fanOut: true, trace }` from a poller that fanned out.
    async (event: object | undefined, lambdaContext: LambdaContext): Promise<PollerSummary> => {
      const rt = await deps.runtime();
      return runPoller(rt, { lambda: deps.lambda(rt), tracing: rt.tracing }, event, lambdaContext, deps.processors);
    },
    { tracing: deps.tracing },
  );
}
