export { QueueAdmin } from './admin';
export { stepTrace } from './codec';
export { backoffDelay, type BackoffPolicy } from './backoff';
export * from './errors';
export { fieldPath, RESERVED_FIELD_NAMES } from './field-names';
export { JOB_ID_PATTERN, JobIdGenerator, jobIdTime, newJobId } from './ids';
export { JobQueue } from './job-queue';
export { queueKeys, type QueueKeys } from './keys';
export { NAME_PATTERN, resolveQueueOptions, type HistoryPolicy, type QueueOptions, type ResolvedQueueOptions } from './options';
export type { RedisClient } from './scripts';
export type * from './types';
export type { JobExtras, PreparedJob } from './validate';
export {
  consume,
  type ConsumeOptions,
  type ConsumeSummary,
  type HeldFor,
  type JobContext,
  type JobHandler,
  type JobOutcome,
} from './consumer';
// Job schedulers (and croner with them) are imported from './schedulers' by the functions that fire or manage them.
