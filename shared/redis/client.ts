import Redis, { Cluster, type RedisOptions } from 'ioredis';
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
  /** Redis Cluster (cluster mode enabled): the URL names the configuration endpoint or any node. */
  readonly cluster?: boolean;
}

/**
 * The one place Redis clients are made: a standalone client, or with `cluster` a Cluster client that
 * starts from the node in the URL (a cluster's configuration endpoint, or any node) and follows the
 * cluster's slot map from there. Auto-pipelining stays off: the queue already coalesces concurrent calls
 * into one script run per turn, and auto-pipelining would hold every write until the microtask queue
 * drains — a consumer's next dequeue would wait for all the jobs it just started.
 */
export function createRedisClient(options: RedisClientOptions & { readonly cluster?: false }): Redis;
export function createRedisClient(options: RedisClientOptions & { readonly cluster: true }): Cluster;
export function createRedisClient(options: RedisClientOptions): Redis | Cluster;
export function createRedisClient(options: RedisClientOptions): Redis | Cluster {
  const url = new URL(options.url);
  if (url.protocol !== 'redis:' && url.protocol !== 'rediss:') {
    throw new TypeError(`Redis URL must start with redis:// or rediss:// (got ${url.protocol}//)`);
  }
  const tls = url.protocol === 'rediss:';
  const password = options.authToken ?? (url.password ? decodeURIComponent(url.password) : undefined);
  const perNode: RedisOptions = {
    connectTimeout: options.connectTimeoutMs ?? 5000,
    ...(password ? { password } : {}),
    ...(url.username ? { username: decodeURIComponent(url.username) } : {}),
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
  const client = options.cluster
    ? new Cluster([{ host: url.hostname, port: Number(url.port || 6379) }], {
        enableAutoPipelining: false,
        // ElastiCache's TLS certificates name the nodes' hostnames: connect to the names CLUSTER SLOTS gives,
        // not to addresses resolved from them (each node's TLS servername is then its own name).
        ...(tls ? { dnsLookup: (address: string, callback: (err: null, address: string) => void) => callback(null, address) } : {}),
        redisOptions: { ...perNode, ...(tls ? { tls: {} } : {}) },
        slotsRefreshTimeout: Math.min(perNode.connectTimeout!, 2000),
      })
    : new Redis(options.url, {
        enableAutoPipelining: false,
        ...perNode,
        ...(tls ? { tls: { servername: url.hostname } } : {}),
      });
  reportOutages(client);
  return client;
}

/**
 * One line when the connection is lost and one when it is back, instead of ioredis printing every failed
 * reconnect with its stack ("Unhandled error event"); the commands fail on their own (a 503 for a producer).
 */
function reportOutages(client: Redis | Cluster): void {
  let lost = false;
  client.on('error', (error: unknown) => {
    if (lost) return;
    lost = true;
    log('warn', 'redis connection lost', errorFields(error));
  });
  client.on('ready', () => {
    if (!lost) return;
    lost = false;
    log('info', 'redis connection back');
  });
}
