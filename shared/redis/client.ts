import Redis, { type RedisOptions } from 'ioredis';
import { errorFields, log } from '../log';

/** How long a producer's command may take, connecting included, before the caller is told 503. */
export const PRODUCER_COMMAND_TIMEOUT_MS = 2000;
/**
 * A producer's enqueue deadline (QueueOptions.enqueueDeadlineMs): Redis refuses an enqueue it receives
 * later, so none is written after its caller's command timed out. 250 ms below the timeout: room for the
 * clocks of the client and of Redis to disagree (NTP keeps Lambda's and ElastiCache's within a few ms).
 */
export const PRODUCER_ENQUEUE_DEADLINE_MS = PRODUCER_COMMAND_TIMEOUT_MS - 250;

export interface RedisClientOptions {
  /** `redis://` or `rediss://` (TLS) URL; user and password in it are used for AUTH. */
  readonly url: string;
  /** AUTH token (ElastiCache); overrides a password in the URL. */
  readonly authToken?: string;
  /**
   * Producers fail fast: every command gives up after `commandTimeoutMs` (default 2 s), whether Redis
   * is slow, down, or still being connected to, and is not retried across reconnects. A command that
   * timed out may still wait in the offline queue and be sent on reconnect: enqueues carry a deadline
   * (PRODUCER_ENQUEUE_DEADLINE_MS) so Redis refuses them then.
   */
  readonly failFast?: boolean;
  readonly connectTimeoutMs?: number;
  readonly commandTimeoutMs?: number;
}

/**
 * The one place Redis clients are made. Auto-pipelining stays off: the queue already coalesces
 * concurrent calls into one script run per turn, and auto-pipelining would hold every write until
 * the microtask queue drains — a consumer's next dequeue would wait for all the jobs it just started.
 */
export function createRedisClient(options: RedisClientOptions): Redis {
  const url = new URL(options.url);
  if (url.protocol !== 'redis:' && url.protocol !== 'rediss:') {
    throw new TypeError(`Redis URL must start with redis:// or rediss:// (got ${url.protocol}//)`);
  }
  const redisOptions: RedisOptions = {
    enableAutoPipelining: false,
    connectTimeout: options.connectTimeoutMs ?? 5000,
    ...(options.authToken ? { password: options.authToken } : {}),
    ...(url.protocol === 'rediss:' ? { tls: { servername: url.hostname } } : {}),
    ...(options.failFast
      ? // The offline queue stays on, so the first command after a cold start waits for the connection
        // instead of failing; the command timeout starts when the command is issued, so it still bounds it.
        {
          commandTimeout: options.commandTimeoutMs ?? PRODUCER_COMMAND_TIMEOUT_MS,
          maxRetriesPerRequest: 1,
          autoResendUnfulfilledCommands: false,
        }
      : { maxRetriesPerRequest: null, ...(options.commandTimeoutMs ? { commandTimeout: options.commandTimeoutMs } : {}) }),
  };
  const client = new Redis(options.url, redisOptions);
  // Without a listener ioredis prints every failed reconnect with its stack ("Unhandled error event").
  // One log line per outage instead; the commands fail on their own (a 503 for a producer).
  let reported = false;
  client.on('error', (error: unknown) => {
    if (reported) return;
    reported = true;
    log('warn', 'redis connection failed', errorFields(error));
  });
  client.on('ready', () => (reported = false));
  return client;
}
