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
