import type { QueueOptions } from '../queue';
import { ConfigError } from './errors';
import { isLoopback, parseBool, parseEnum, parseList, parseNumber, shown } from './values';

type Env = Readonly<Record<string, string | undefined>>;

/** Everything the functions and the local pipeline need besides tracing; parsed once, frozen. */
export interface AppConfig {
  readonly redis: {
    /** `redis://` or `rediss://` (TLS). */
    readonly url: string;
    /** AUTH token given directly (local use). */
    readonly authToken?: string;
    /** Secrets Manager secret holding the AUTH token (deployed: fetched once per cold start). */
    readonly authSecretArn?: string;
  };
  readonly queue: QueueOptions;
  readonly poller: {
    /** Queues the worker-poller takes from, in order of preference. */
    readonly queues: readonly string[];
    readonly concurrency: number;
    readonly prefetch: number;
    /** Return once the queues were empty this long. */
    readonly idleMs: number;
    /** Longest blocking wait for work. */
    readonly waitMs: number;
    /** Longest a job may run (jobs with no timeout get this); the time budget keeps this much in hand. */
    readonly jobTimeoutMs: number;
    /** Extra time kept in hand before the function's own timeout. */
    readonly safetyMarginMs: number;
    /** Invoke more pollers when more jobs than this are waiting. 0: never. */
    readonly fanOutBacklog: number;
    /** Most pollers one poller invokes. */
    readonly maxFanOut: number;
    /** This poller's own function name, for fan-out (default: the running function). */
    readonly functionName?: string;
  };
  readonly lambda: {
    /** Lambda API endpoint override (local pipeline, tests). */
    readonly endpoint?: string;
    readonly region: string;
  };
  /** Job types processed by invoking another Lambda function: type → function name. */
  readonly targets: Readonly<Record<string, string>>;
  readonly dlq: {
    /** The dlq function, invoked asynchronously with each dead-lettered job. */
    readonly functionName?: string;
    readonly snsTopicArn?: string;
    /** SNS API endpoint override (the local pipeline, tests). */
    readonly snsEndpoint?: string;
    /** Automatic redrive: requeue a dead job after `delayMs`, at most `maxRedrives` times. 0: off. */
    readonly maxRedrives: number;
    readonly redriveDelayMs: number;
    /** Dead letters looked at per scheduled sweep. */
    readonly sweepBatch: number;
  };
  readonly audit: {
    /** Audit records kept in the capped stream. */
    readonly maxLength: number;
  };
  /** `emf`: the poller and the dead-letter sweep log the queue's health as CloudWatch metrics (deployed). */
  readonly healthMetrics: 'emf' | 'off';
}

const TYPE_PATTERN = /^[A-Za-z0-9_.:-]{1,128}$/;
const FUNCTION_NAME = /^(arn:aws[a-z-]*:lambda:[a-z0-9-]+:\d{12}:function:)?[A-Za-z0-9_-]{1,64}(:[A-Za-z0-9_$-]+)?$/;

function optional(env: Env, key: string): string | undefined {
  const v = env[key]?.trim();
  return v ? v : undefined;
}

function number(env: Env, key: string, fallback: number, min: number, max: number): number {
  const v = optional(env, key);
  return v === undefined ? fallback : parseNumber(key, v, min, max, true);
}

function functionName(key: string, value: string | undefined): string | undefined {
  if (value !== undefined && !FUNCTION_NAME.test(value)) throw new ConfigError(key, `${shown(value)} is not a Lambda function name or ARN`);
  return value;
}

/** `type=function,type=function`: which job types run in which Lambda function. */
function parseTargets(key: string, value: string | undefined): Record<string, string> {
  const targets: Record<string, string> = {};
  for (const pair of parseList(key, value ?? '')) {
    const [type, fn, extra] = pair.split('=').map((s) => s.trim());
    if (!type || !fn || extra !== undefined || !TYPE_PATTERN.test(type)) {
      throw new ConfigError(key, `${shown(pair)} is not "jobtype=function-name"`);
    }
    targets[type] = functionName(key, fn)!;
  }
  return targets;
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object') {
    for (const v of Object.values(value)) deepFreeze(v);
    Object.freeze(value);
  }
  return value;
}

function hostOf(key: string, value: string): string {
  try {
    return new URL(value).hostname;
  } catch {
    throw new ConfigError(key, `${shown(value)} is not a URL`);
  }
}

/**
 * Redis: TLS (`rediss://`) to any host but this machine. Plaintext to a remote Redis (an ElastiCache
 * cluster without in-transit encryption) needs REDIS_INSECURE=true, said out loud.
 */
function redisUrlOf(env: Env): string {
  const url = optional(env, 'REDIS_URL') ?? 'redis://127.0.0.1:6379';
  if (!/^rediss?:\/\//.test(url)) throw new ConfigError('REDIS_URL', 'must start with redis:// or rediss://');
  const insecure = parseBool('REDIS_INSECURE', optional(env, 'REDIS_INSECURE') ?? 'false');
  if (url.startsWith('rediss://') && insecure) throw new ConfigError('REDIS_INSECURE', 'is true but REDIS_URL uses TLS (rediss://): remove one');
  const host = hostOf('REDIS_URL', url);
  if (url.startsWith('redis://') && !insecure && !isLoopback(host)) {
    throw new ConfigError('REDIS_URL', `plaintext to ${host}: use rediss:// (TLS), or set REDIS_INSECURE=true for a Redis without TLS`);
  }
  return url;
}

/** An AWS API endpoint override (local stand-ins, tests): plaintext only on this machine. */
function endpointOf(env: Env, key: string): string | undefined {
  const url = optional(env, key);
  if (url === undefined) return undefined;
  if (!/^https?:\/\//.test(url)) throw new ConfigError(key, 'must be an http(s) URL');
  const host = hostOf(key, url);
  if (url.startsWith('http://') && !isLoopback(host)) throw new ConfigError(key, `plaintext to ${host}: use https:// (http:// only on this machine)`);
  return url;
}

/** Parses the app's settings from the environment; a bad value names its variable and what is accepted. */
export function parseAppConfig(env: Env = process.env): AppConfig {
  const redisUrl = redisUrlOf(env);
  const priorities = optional(env, 'QUEUE_PRIORITIES');
  const region = optional(env, 'AWS_REGION') ?? optional(env, 'AWS_DEFAULT_REGION') ?? 'us-east-1';
  const lambdaEndpoint = endpointOf(env, 'LAMBDA_ENDPOINT');
  const snsEndpoint = endpointOf(env, 'SNS_ENDPOINT');
  // No job may ask for more time than the poller keeps in hand for one.
  const jobTimeoutMs = number(env, 'POLLER_JOB_TIMEOUT_MS', 30_000, 1, 900_000);
  const config: AppConfig = {
    redis: {
      url: redisUrl,
      ...(optional(env, 'REDIS_AUTH_TOKEN') ? { authToken: optional(env, 'REDIS_AUTH_TOKEN') } : {}),
      ...(optional(env, 'REDIS_AUTH_SECRET_ARN') ? { authSecretArn: optional(env, 'REDIS_AUTH_SECRET_ARN') } : {}),
    },
    queue: {
      namespace: optional(env, 'QUEUE_NAMESPACE') ?? 'tq',
      ...(priorities ? { priorities: parseList('QUEUE_PRIORITIES', priorities) } : {}),
      maxPayloadBytes: number(env, 'QUEUE_MAX_PAYLOAD_BYTES', 256 * 1024, 1, 6 * 1024 * 1024),
      maxBatchSize: number(env, 'QUEUE_MAX_BATCH_SIZE', 100, 1, 10_000),
      defaultMaxAttempts: number(env, 'QUEUE_DEFAULT_MAX_ATTEMPTS', 3, 1, 1000),
      leaseMs: number(env, 'QUEUE_LEASE_MS', 30_000, 1000, 3_600_000),
      maxTimeoutMs: jobTimeoutMs,
      backoff: { baseMs: number(env, 'QUEUE_BACKOFF_BASE_MS', 1000, 0, 3_600_000), capMs: number(env, 'QUEUE_BACKOFF_CAP_MS', 300_000, 0, 86_400_000) },
      history: { maxCount: number(env, 'QUEUE_HISTORY_MAX_COUNT', 1000, 0, 10_000_000), maxAgeMs: number(env, 'QUEUE_HISTORY_MAX_AGE_MS', 86_400_000, 0, 90 * 86_400_000) },
    },
    poller: {
      queues: parseList('POLLER_QUEUES', optional(env, 'POLLER_QUEUES') ?? 'default'),
      concurrency: number(env, 'POLLER_CONCURRENCY', 50, 1, 1000),
      prefetch: number(env, 'POLLER_PREFETCH', 0, 0, 1000),
      idleMs: number(env, 'POLLER_IDLE_MS', 2000, 0, 900_000),
      waitMs: number(env, 'POLLER_WAIT_MS', 1000, 10, 60_000),
      jobTimeoutMs,
      safetyMarginMs: number(env, 'POLLER_SAFETY_MARGIN_MS', 2000, 0, 120_000),
      fanOutBacklog: number(env, 'POLLER_FANOUT_BACKLOG', 500, 0, 100_000_000),
      maxFanOut: number(env, 'POLLER_MAX_FANOUT', 4, 0, 100),
      ...(() => {
        const name = functionName('POLLER_FUNCTION_NAME', optional(env, 'POLLER_FUNCTION_NAME') ?? optional(env, 'AWS_LAMBDA_FUNCTION_NAME'));
        return name ? { functionName: name } : {};
      })(),
    },
    lambda: { ...(lambdaEndpoint ? { endpoint: lambdaEndpoint } : {}), region },
    targets: parseTargets('JOB_TARGETS', optional(env, 'JOB_TARGETS')),
    dlq: {
      ...(functionName('DLQ_FUNCTION_NAME', optional(env, 'DLQ_FUNCTION_NAME')) ? { functionName: optional(env, 'DLQ_FUNCTION_NAME') } : {}),
      ...(optional(env, 'DLQ_SNS_TOPIC_ARN') ? { snsTopicArn: optional(env, 'DLQ_SNS_TOPIC_ARN') } : {}),
      ...(snsEndpoint ? { snsEndpoint } : {}),
      maxRedrives: number(env, 'DLQ_MAX_REDRIVES', 0, 0, 100),
      redriveDelayMs: number(env, 'DLQ_REDRIVE_DELAY_MS', 60_000, 0, 86_400_000),
      sweepBatch: number(env, 'DLQ_SWEEP_BATCH', 100, 1, 1000),
    },
    audit: { maxLength: number(env, 'ADMIN_AUDIT_MAX_LENGTH', 10_000, 100, 10_000_000) },
    healthMetrics: parseEnum('QUEUE_HEALTH_METRICS', optional(env, 'QUEUE_HEALTH_METRICS') ?? 'off', ['emf', 'off'] as const),
  };
  if (config.dlq.snsTopicArn && !/^arn:aws[a-z-]*:sns:[a-z0-9-]+:\d{12}:[A-Za-z0-9_-]+$/.test(config.dlq.snsTopicArn)) {
    throw new ConfigError('DLQ_SNS_TOPIC_ARN', 'is not an SNS topic ARN');
  }
  return deepFreeze(config);
}
