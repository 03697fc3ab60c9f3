/** Numeric outcomes returned by the Lua scripts (see each script's header), in one place. */
export enum AckCode {
  LeaseLost = 0,
  Acknowledged = 1,
}

export enum NackCode {
  LeaseLost = 0,
  Retry = 1,
  DeadLettered = 2,
}

export enum ReleaseCode {
  LeaseLost = 0,
  Released = 1,
}

/** `extend` answers a lease's new deadline (ms), or this where the lease was lost. */
export const EXTEND_LEASE_LOST = 0;

/** `enqueue`'s per-job duplicate flag. */
export enum EnqueueCode {
  Written = 0,
  Duplicate = 1,
}

/** The error reply of `enqueue` past its deadline (see enqueue-2.lua). */
export const ENQUEUE_TOO_LATE = 'TQ_TOO_LATE';

export enum ProgressCode {
  LeaseLost = 0,
  Stored = 1,
}

/** `cancel`'s outcome (see cancel-3.lua). */
export enum CancelCode {
  Missing = -1,
  Refused = 0,
  Cancelled = 1,
  AlreadyCancelled = 2,
}

/** `schedule`'s outcome: claimed (and enqueued) by this caller, or by another. */
export enum ScheduleCode {
  Taken = 0,
  Claimed = 1,
}
