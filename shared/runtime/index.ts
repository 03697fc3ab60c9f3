import { parseAppConfig, type AppConfig } from '../config';
import { JobQueue, QueueAdmin, type RedisClient } from '../queue';
import { createRedisClient, PRODUCER_ENQUEUE_DEADLINE_MS } from '../redis';
import { initTracing, parseTracingConfig, type Tracing } from '../tracing';
import { redisAuthToken } from './secrets';

type Env = Readonly<Record<string, string | undefined>>;

/**
 * What every function needs, made once per cold start. The Lambda client is not here: only the
 * worker-poller invokes other functions, and the others should neither bundle nor hold one.
 */
export interface Runtime {
  readonly config: AppConfig;
  readonly tracing: Tracing;
  readonly redis: RedisClient;
  readonly queue: JobQueue;
  readonly admin: QueueAdmin;
}

export interface RuntimeOptions {
  /** Producers (enqueue, admin) fail fast when Redis is slow or away; consumers wait it out. */
  readonly role: 'producer' | 'consumer';
  readonly env?: Env;
  /** Tests and the local pipeline bring their own. */
  readonly tracing?: Tracing;
  readonly redis?: RedisClient;
}

export { awsClientOptions } from './aws';

export async function createRuntime(options: RuntimeOptions): Promise<Runtime> {
  const env = options.env ?? process.env;
  const config = parseAppConfig(env);
  const tracing = options.tracing ?? initTracing(parseTracingConfig(env));
  const redis =
    options.redis ??
    createRedisClient({
      url: config.redis.url,
      ...(await redisAuthToken(config)),
      failFast: options.role === 'producer',
    });
  return Object.freeze({
    config,
    tracing,
    redis,
    // A producer's enqueue that timed out must never be written later (a 503 means nothing was accepted).
    queue: new JobQueue(redis, options.role === 'producer' ? { ...config.queue, enqueueDeadlineMs: PRODUCER_ENQUEUE_DEADLINE_MS } : config.queue),
    admin: new QueueAdmin(redis, config.queue),
  });
}

/** The runtime of a function, made on first use; `close` ends its connections (the local pipeline's stop). */
export interface LazyRuntime {
  (): Promise<Runtime>;
  close(): Promise<void>;
}

/** One runtime per cold start, created on first use and shared by every later invocation. */
export function lazyRuntime(options: RuntimeOptions): LazyRuntime {
  let runtime: Promise<Runtime> | undefined;
  const get = () => {
    runtime ??= createRuntime(options).catch((error: unknown) => {
      runtime = undefined; // a failed start (Redis secret unreadable, bad config) is retried next time
      throw error;
    });
    return runtime;
  };
  return Object.assign(get, {
    async close() {
      const made = await runtime?.catch(() => undefined);
      runtime = undefined;
      if (!made) return;
      made.queue.close();
      // QUIT lets replies in flight arrive; a Redis that went away gets a disconnect instead.
      await made.redis.quit().catch(() => made.redis.disconnect());
    },
  });
}
