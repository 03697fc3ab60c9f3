import { parseAppConfig, type AppConfig } from '../config';
import { JobQueue, QueueAdmin, type RedisClient } from '../queue';
import { createRedisClient, PRODUCER_ENQUEUE_DEADLINE_MS } from '../redis';
import { initTracing, parseTracingConfig, type Tracing } from '../tracing';
import { redisAuthToken } from './secrets';

/** A function's settings: process.env on Lambda; a host running several functions in one process passes each its own. */
export type Env = Readonly<Record<string, string | undefined>>;

/**
 * What every function needs, made once per cold start. The Lambda client is not here: only the
 * worker-poller invokes other functions, and the others should neither bundle nor hold one.
 */
export interface Services {
  readonly config: AppConfig;
  readonly tracing: Tracing;
  readonly redis: RedisClient;
  readonly queue: JobQueue;
  readonly admin: QueueAdmin;
}

export interface ServicesOptions {
  /** Producers (enqueue, admin) fail fast when Redis is slow or away; consumers wait it out. */
  readonly role: 'producer' | 'consumer';
  readonly env?: Env;
  /** Tests and hosts that run several functions bring their own. */
  readonly tracing?: Tracing;
  readonly redis?: RedisClient;
}

export { awsClientOptions } from './aws';

export async function createServices(options: ServicesOptions): Promise<Services> {
  const env = options.env ?? process.env;
  const config = parseAppConfig(env);
  const tracing = options.tracing ?? initTracing(parseTracingConfig(env));
  const redis =
    options.redis ??
    createRedisClient({
      url: config.redis.url,
      cluster: config.redis.cluster,
      ...(await redisAuthToken(config)),
      failFast: options.role === 'producer',
    });
  return Object.freeze({
    config,
    tracing,
    redis,
    // A producer's enqueue that timed out must never be written later (a 503 means nothing was accepted).
    queue: new JobQueue(
      redis,
      options.role === 'producer' ? { ...config.queue, enqueueDeadlineMs: PRODUCER_ENQUEUE_DEADLINE_MS } : config.queue,
    ),
    admin: new QueueAdmin(redis, config.queue),
  });
}

/** The services of a function, made on first use; `close` ends its connections (a host stopping the function). */
export interface LazyServices {
  (): Promise<Services>;
  /** The services once made, without a promise: the hot path of a warm function awaits nothing. */
  current(): Services | undefined;
  close(): Promise<void>;
}

/** One set of services per cold start, created on first use and shared by every later invocation. */
export function lazyServices(options: ServicesOptions): LazyServices {
  let services: Promise<Services> | undefined;
  let made: Services | undefined;
  const get = () => {
    services ??= createServices(options).then(
      (s) => (made = s),
      (error: unknown) => {
        services = undefined; // a failed start (Redis secret unreadable, bad config) is retried next time
        throw error;
      },
    );
    return services;
  };
  return Object.assign(get, {
    current: () => made,
    async close() {
      const open = await services?.catch(() => undefined);
      services = undefined;
      made = undefined;
      if (!open) return;
      open.queue.close();
      await closeRedis(open.redis);
    },
  });
}

/** Longest QUIT may take before the connection is simply dropped. */
const QUIT_TIMEOUT_MS = 1000;

/**
 * QUIT lets replies in flight arrive. A client that is not connected (Redis went away and ioredis is
 * reconnecting) never settles a QUIT, so it is disconnected at once; a QUIT that takes too long, too.
 */
async function closeRedis(redis: RedisClient): Promise<void> {
  if (redis.status !== 'ready') return redis.disconnect();
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<'timeout'>((resolve) => (timer = setTimeout(resolve, QUIT_TIMEOUT_MS, 'timeout')));
  const outcome = await Promise.race([redis.quit().catch(() => 'failed' as const), timedOut]);
  clearTimeout(timer);
  if (outcome !== 'OK') redis.disconnect();
}
