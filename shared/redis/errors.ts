import { ReplyError } from 'ioredis';
// ioredis's own error classes, not exported at its top level: the files its client throws them from.
import ClusterAllFailedError from 'ioredis/built/errors/ClusterAllFailedError.js';
import MaxRetriesPerRequestError from 'ioredis/built/errors/MaxRetriesPerRequestError.js';

/** Socket errors that mean Redis could not be reached, by their system error code. */
const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
]);

/**
 * ioredis raises these as plain Errors with fixed texts and has no class or code for them (Command.js:
 * "Command timed out"; utils CONNECTION_CLOSED_ERROR_MSG; the offline-queue refusal), so they are known
 * by the exact text, not by a pattern over any message.
 */
const IOREDIS_FAILURES = new Set([
  'Command timed out',
  'Connection is closed.',
  "Stream isn't writeable and enableOfflineQueue options is false",
]);

/**
 * Whether an error means the queue could not take a command now (so a caller should retry: 503), not
 * that the request was wrong: Redis unreachable, slow or closed, out of retries, or refusing the
 * command with a reply error (LOADING, OOM, READONLY during a failover, CLUSTERDOWN, MOVED…).
 */
export function isRedisUnavailable(error: unknown): boolean {
  if (error instanceof ReplyError || error instanceof MaxRetriesPerRequestError || error instanceof ClusterAllFailedError) return true;
  if (!(error instanceof Error)) return false;
  const code = (error as NodeJS.ErrnoException).code;
  return (typeof code === 'string' && NETWORK_CODES.has(code)) || IOREDIS_FAILURES.has(error.message);
}

/**
 * Whether a command that failed this way may still have run: any failure of the connection, not an answer
 * from Redis. ioredis fails a command that was in flight when the connection dropped the same way as one
 * that never left its offline queue (MaxRetriesPerRequestError), and one that timed out may have run with
 * its reply late, so none of them says "not run".
 */
export function mayHaveRun(error: unknown): boolean {
  return isRedisUnavailable(error) && !(error instanceof ReplyError);
}

/** ioredis's command timeout (the client gave up waiting; the command may have been sent). */
export function isCommandTimeout(error: unknown): boolean {
  return error instanceof Error && error.message === 'Command timed out';
}
