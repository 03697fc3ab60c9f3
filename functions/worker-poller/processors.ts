import { setTimeout as sleep } from 'node:timers/promises';
import type { Job, JobContext } from '../../shared/queue';
import { invokeTraced, type InvokeDeps } from './invoke';
import { Attr, SpanNames } from '../../shared/tracing/names';
import type { BuiltInJobType } from '../../shared/jobs/job-types';

/** Runs one job of a type. Throw to fail the attempt; an error with `retryable: false` dead-letters the job. */
export type Processor = (job: Job, context: JobContext) => Promise<unknown>;

/** A failure that retrying will not fix (bad input, say): the job goes straight to the dead-letter queue. */
export class NonRetryableError extends Error {
  readonly retryable = false;
  constructor(message: string) {
    super(message);
    this.name = 'NonRetryableError';
  }
}

/** No processor (or target) for a job's type: never fixed by retrying. */
export class UnknownJobTypeError extends NonRetryableError {
  constructor(type: string) {
    super(`no processor for job type ${JSON.stringify(type)}`);
    this.name = 'UnknownJobTypeError';
  }
}

const payloadOf = (job: Job) => (job.payload && typeof job.payload === 'object' ? (job.payload as Record<string, unknown>) : {});

/** The in-process processors shipped for demos and tests (their names: shared/jobs/job-types.ts). */
export const builtInProcessors: Readonly<Record<BuiltInJobType, Processor>> = {
  noop: async () => undefined,
  /** `{ ms }`: waits, aborting when the job times out or loses its lease. */
  sleep: async (job, { signal }) => {
    const ms = Number(payloadOf(job).ms ?? 100);
    await sleep(Number.isFinite(ms) && ms >= 0 ? ms : 100, undefined, { signal });
  },
  /**
   * `{ message, retryable, failTimes }`: fails — only the first `failTimes` times it runs, if given
   * (counted by deliveries, which a requeue does not reset, unlike attempts).
   */
  fail: async (job) => {
    const { message, retryable, failTimes } = payloadOf(job);
    if (typeof failTimes === 'number' && job.delivery > failTimes) return;
    const text = typeof message === 'string' ? message : 'failed on purpose';
    throw retryable === false ? new NonRetryableError(text) : new Error(text);
  },
};

/** A processor that hands the job to another Lambda function, with the trace carried in the payload. */
export function lambdaTarget(deps: InvokeDeps, functionName: string): Processor {
  return (job) =>
    invokeTraced(
      deps,
      functionName,
      { job },
      { type: 'RequestResponse', spanName: SpanNames.invoke(functionName), attributes: { [Attr.jobId]: job.id } },
    );
}

/** In-process processors beside the built-in ones, or a getter for them (read per job: the local pipeline reloads them). */
export type ExtraProcessors = Readonly<Record<string, Processor>> | (() => Readonly<Record<string, Processor>>);

/** Processors by job type: the Lambda targets of the configuration, then the extra ones, then the built-in ones. */
export function processorRegistry(
  deps: InvokeDeps,
  targets: Readonly<Record<string, string>>,
  extra: ExtraProcessors = {},
): (type: string) => Processor {
  const lambdas: Record<string, Processor> = {};
  for (const [type, fn] of Object.entries(targets)) lambdas[type] = lambdaTarget(deps, fn);
  const own = (type: string): Processor | undefined => {
    const table = typeof extra === 'function' ? extra() : extra;
    return Object.hasOwn(table, type) ? table[type] : undefined;
  };
  const builtIn = (type: string) => (Object.hasOwn(builtInProcessors, type) ? builtInProcessors[type as BuiltInJobType] : undefined);
  return (type) =>
    (Object.hasOwn(lambdas, type) ? lambdas[type] : undefined) ??
    own(type) ??
    builtIn(type) ??
    (async () => Promise.reject(new UnknownJobTypeError(type)));
}
