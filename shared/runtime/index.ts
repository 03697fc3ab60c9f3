import { LambdaClient } from '@aws-sdk/client-lambda';
import { parseAppConfig, type AppConfig } from '../config';
import { isLoopback } from '../tracing/config';
import { JobQueue, QueueAdmin, type RedisClient } from '../queue';
import { createRedisClient } from '../redis';
import { initTracing, parseTracingConfig, type Tracing } from '../tracing';
import { redisAuthToken } from './secrets';

type Env = Readonly<Record<string, string | undefined>>;

/** Everything a function needs, made once per cold start. */
export interface Runtime {
  readonly config: AppConfig;
  readonly tracing: Tracing;
  readonly redis: RedisClient;
  readonly queue: JobQueue;
  readonly admin: QueueAdmin;
  readonly lambda: LambdaClient;
}

export interface RuntimeOptions {
  /** Producers (enqueue, admin) fail fast when Redis is slow or away; consumers wait it out. */
  readonly role: 'producer' | 'consumer';
  readonly env?: Env;
  /** Tests and the local pipeline bring their own. */
  readonly tracing?: Tracing;
  readonly redis?: RedisClient;
}

/**
 * The Lambda client; with LAMBDA_ENDPOINT (the local pipeline's stand-in for the Invoke API) on
 * loopback it signs with placeholder credentials, since there is no AWS account behind it.
 */
function lambdaClient(config: AppConfig): LambdaClient {
  const endpoint = config.lambda.endpoint;
  const local = endpoint !== undefined && isLoopback(new URL(endpoint).hostname);
  return new LambdaClient({
    region: config.lambda.region,
    ...(endpoint ? { endpoint } : {}),
    ...(local ? { credentials: { accessKeyId: 'local', secretAccessKey: 'local' } } : {}),
    maxAttempts: 2,
  });
}

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
    queue: new JobQueue(redis, config.queue),
    admin: new QueueAdmin(redis, config.queue),
    lambda: lambdaClient(config),
  });
}

/** One runtime per cold start, created on first use and shared by every later invocation. */
export function lazyRuntime(options: RuntimeOptions): () => Promise<Runtime> {
  let runtime: Promise<Runtime> | undefined;
  return () => {
    runtime ??= createRuntime(options).catch((error: unknown) => {
      runtime = undefined; // a failed start (Redis secret unreadable, bad config) is retried next time
      throw error;
    });
    return runtime;
  };
}
