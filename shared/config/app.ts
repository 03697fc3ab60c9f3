import type { QueueOptions } from '../queue';
import { ConfigError } from './errors';
import { settingReader, type SettingKeys, type Source } from './source';
import { deepFreeze, isLoopback, parseBool, parseEnum, parseList, parseNumber, shown } from './values';
import {
  DEFAULT_API_BATCH_SIZE,
  DEFAULT_MAX_RESULT_BYTES,
  JOB_TYPE_PATTERN,
  MAX_ATTEMPTS_LIMIT,
  MAX_BATCH_SIZE_LIMIT,
  MAX_JOB_TIMEOUT_MS,
} from '../queue/limits';

type Env = Readonly<Record<string, string | undefined>>;

/** Everything the functions need besides tracing; parsed once, frozen. */
export interface AppConfig {
  readonly redis: {
    /** `redis://` or `rediss://` (TLS). */
    readonly url: string;
    /** Redis Cluster (cluster mode enabled): `url` names its configuration endpoint or any node. */
    readonly cluster: boolean;
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
    /** Lambda API endpoint override (a local stand-in, tests). */
    readonly endpoint?: string;
    readonly region: string;
  };
  /** Job types processed by invoking another Lambda function: type → function name. */
  readonly targets: Readonly<Record<string, string>>;
  /**
   * Job types accepted beside the built-in ones and the targets' (processors run elsewhere, or added to
   * the poller in code); `*`: any type (the enqueue function then refuses none).
   */
  readonly jobTypes: readonly string[] | '*';
  readonly dlq: {
    /** The dlq function, invoked asynchronously with each dead-lettered job. */
    readonly functionName?: string;
    readonly snsTopicArn?: string;
    /** SNS API endpoint override (a local stand-in, tests). */
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

const FUNCTION_NAME = /^(arn:aws[a-z-]*:lambda:[a-z0-9-]+:\d{12}:function:)?[A-Za-z0-9_-]{1,64}(:[A-Za-z0-9_$-]+)?$/;

/** Every app setting: environment variable → YAML path in CONFIG_FILE (null: environment only). */
export const APP_SETTINGS = {
  REDIS_URL: 'redis.url',
  REDIS_INSECURE: 'redis.insecure',
  REDIS_CLUSTER: 'redis.cluster',
  // A secret: environment (or Secrets Manager) only, never a file that may be committed.
  REDIS_AUTH_TOKEN: null,
  REDIS_AUTH_SECRET_ARN: 'redis.auth_secret_arn',
  QUEUE_NAMESPACE: 'queue.namespace',
  QUEUE_PRIORITIES: 'queue.priorities',
  QUEUE_MAX_PAYLOAD_BYTES: 'queue.max_payload_bytes',
  QUEUE_MAX_BATCH_SIZE: 'queue.max_batch_size',
  QUEUE_MAX_RESULT_BYTES: 'queue.max_result_bytes',
  QUEUE_DEFAULT_MAX_ATTEMPTS: 'queue.default_max_attempts',
  QUEUE_LEASE_MS: 'queue.lease_ms',
  QUEUE_BACKOFF_BASE_MS: 'queue.backoff_base_ms',
  QUEUE_BACKOFF_CAP_MS: 'queue.backoff_cap_ms',
  QUEUE_HISTORY_MAX_COUNT: 'queue.history_max_count',
  QUEUE_HISTORY_MAX_AGE_MS: 'queue.history_max_age_ms',
  QUEUE_HEALTH_METRICS: 'queue.health_metrics',
  POLLER_QUEUES: 'poller.queues',
  POLLER_CONCURRENCY: 'poller.concurrency',
  POLLER_PREFETCH: 'poller.prefetch',
  POLLER_IDLE_MS: 'poller.idle_ms',
  POLLER_WAIT_MS: 'poller.wait_ms',
  POLLER_JOB_TIMEOUT_MS: 'poller.job_timeout_ms',
  POLLER_SAFETY_MARGIN_MS: 'poller.safety_margin_ms',
  POLLER_FANOUT_BACKLOG: 'poller.fanout_backlog',
  POLLER_MAX_FANOUT: 'poller.max_fanout',
  POLLER_FUNCTION_NAME: 'poller.function_name',
  JOB_TARGETS: 'jobs.targets',
  JOB_TYPES: 'jobs.types',
  DLQ_FUNCTION_NAME: 'dlq.function_name',
  DLQ_SNS_TOPIC_ARN: 'dlq.sns_topic_arn',
  DLQ_MAX_REDRIVES: 'dlq.max_redrives',
  DLQ_REDRIVE_DELAY_MS: 'dlq.redrive_delay_ms',
  DLQ_SWEEP_BATCH: 'dlq.sweep_batch',
  ADMIN_AUDIT_MAX_LENGTH: 'admin.audit_max_length',
  LAMBDA_ENDPOINT: 'aws.lambda_endpoint',
  SNS_ENDPOINT: 'aws.sns_endpoint',
  // Set by the Lambda runtime (or the AWS CLI profile's environment), not by a file.
  AWS_REGION: null,
  AWS_DEFAULT_REGION: null,
  AWS_LAMBDA_FUNCTION_NAME: null,
} as const satisfies SettingKeys;

type Setting = keyof typeof APP_SETTINGS;
type Read = (key: Setting) => Source | undefined;

/** A setting as text (lists and maps keep their YAML shape for their own parsers). */
function text(read: Read, key: Setting): string | undefined {
  const source = read(key);
  if (source === undefined) return undefined;
  const value = typeof source.value === 'string' ? source.value.trim() : source.value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (typeof value !== 'string') throw new ConfigError(source.key, 'must be a single value');
  return value === '' ? undefined : value;
}

function number(read: Read, key: Setting, fallback: number, min: number, max: number): number {
  const source = read(key);
  return source === undefined ? fallback : parseNumber(source.key, source.value, min, max, true);
}

function functionName(key: string, value: string | undefined): string | undefined {
  if (value !== undefined && !FUNCTION_NAME.test(value)) throw new ConfigError(key, `${shown(value)} is not a Lambda function name or ARN`);
  return value;
}

/** `type=function,…` (env or a YAML list), or a YAML map `type: function`: which job types run in which function. */
function parseTargets(source: Source | undefined): Record<string, string> {
  const targets: Record<string, string> = {};
  if (source === undefined) return targets;
  const { key, value } = source;
  const pairs =
    value !== null && typeof value === 'object' && !Array.isArray(value)
      ? Object.entries(value).map(([type, fn]) => `${type}=${String(fn)}`)
      : parseList(key, value);
  for (const pair of pairs) {
    const [type, fn, extra] = pair.split('=').map((s) => s.trim());
    if (!type || !fn || extra !== undefined || !JOB_TYPE_PATTERN.test(type)) {
      throw new ConfigError(key, `${shown(pair)} is not "jobtype=function-name"`);
    }
    targets[type] = functionName(key, fn)!;
  }
  return targets;
}

/** `*`, or a list of job types. */
function parseJobTypes(source: Source | undefined): readonly string[] | '*' {
  if (source === undefined) return [];
  if (typeof source.value === 'string' && source.value.trim() === '*') return '*';
  const types = parseList(source.key, source.value);
  for (const type of types)
    if (!JOB_TYPE_PATTERN.test(type)) throw new ConfigError(source.key, `${shown(type)} is not a job type (or * for any)`);
  return types;
}

function hostOf(key: string, value: string): string {
  try {
    return new URL(value).hostname;
  } catch {
    throw new ConfigError(key, `${shown(value)} is not a URL`);
  }
}

/** A boolean setting, false when unset. */
function flag(read: Read, key: Setting): boolean {
  const source = read(key);
  return source ? parseBool(source.key, source.value) : false;
}

/** The name to blame for a setting: its variable when set there, else its YAML path. */
function blame(read: Read, key: Setting): string {
  return read(key)?.key ?? key;
}

/**
 * Redis: TLS (`rediss://`) to any host but this machine. Plaintext to a remote Redis (an ElastiCache
 * cluster without in-transit encryption) needs REDIS_INSECURE=true, said out loud.
 */
function redisUrlOf(read: Read): string {
  const url = text(read, 'REDIS_URL') ?? 'redis://127.0.0.1:6379';
  const key = blame(read, 'REDIS_URL');
  if (!/^rediss?:\/\//.test(url)) throw new ConfigError(key, 'must start with redis:// or rediss://');
  const insecure = flag(read, 'REDIS_INSECURE');
  if (url.startsWith('rediss://') && insecure)
    throw new ConfigError(blame(read, 'REDIS_INSECURE'), 'is true but REDIS_URL uses TLS (rediss://): remove one');
  const host = hostOf(key, url);
  if (url.startsWith('redis://') && !insecure && !isLoopback(host)) {
    throw new ConfigError(key, `plaintext to ${host}: use rediss:// (TLS), or set REDIS_INSECURE=true for a Redis without TLS`);
  }
  return url;
}

/** An AWS API endpoint override (local stand-ins, tests): plaintext only on this machine. */
function endpointOf(read: Read, setting: Setting): string | undefined {
  const url = text(read, setting);
  if (url === undefined) return undefined;
  const key = blame(read, setting);
  if (!/^https?:\/\//.test(url)) throw new ConfigError(key, 'must be an http(s) URL');
  const host = hostOf(key, url);
  if (url.startsWith('http://') && !isLoopback(host))
    throw new ConfigError(key, `plaintext to ${host}: use https:// (http:// only on this machine)`);
  return url;
}

/**
 * Parses the app's settings: each from its environment variable, else the YAML file named by CONFIG_FILE
 * (see APP_SETTINGS), else its default. A bad value names its variable (or YAML path) and what is accepted.
 */
export function parseAppConfig(env: Env = process.env): AppConfig {
  const read: Read = settingReader(env, APP_SETTINGS);
  const optional = (key: Setting) => text(read, key);
  const redisUrl = redisUrlOf(read);
  const priorities = read('QUEUE_PRIORITIES');
  const region = optional('AWS_REGION') ?? optional('AWS_DEFAULT_REGION') ?? 'us-east-1';
  const lambdaEndpoint = endpointOf(read, 'LAMBDA_ENDPOINT');
  const snsEndpoint = endpointOf(read, 'SNS_ENDPOINT');
  // No job may ask for more time than the poller keeps in hand for one.
  const jobTimeoutMs = number(read, 'POLLER_JOB_TIMEOUT_MS', 30_000, 1, MAX_JOB_TIMEOUT_MS);
  const name = (key: Setting) => functionName(blame(read, key), optional(key));
  const pollerName = name('POLLER_FUNCTION_NAME') ?? name('AWS_LAMBDA_FUNCTION_NAME');
  const dlqName = name('DLQ_FUNCTION_NAME');
  const queues = read('POLLER_QUEUES');
  const health = read('QUEUE_HEALTH_METRICS');
  const config: AppConfig = {
    redis: {
      url: redisUrl,
      cluster: flag(read, 'REDIS_CLUSTER'),
      ...(optional('REDIS_AUTH_TOKEN') ? { authToken: optional('REDIS_AUTH_TOKEN') } : {}),
      ...(optional('REDIS_AUTH_SECRET_ARN') ? { authSecretArn: optional('REDIS_AUTH_SECRET_ARN') } : {}),
    },
    queue: {
      namespace: optional('QUEUE_NAMESPACE') ?? 'tq',
      ...(priorities ? { priorities: parseList(priorities.key, priorities.value) } : {}),
      maxPayloadBytes: number(read, 'QUEUE_MAX_PAYLOAD_BYTES', 256 * 1024, 1, 6 * 1024 * 1024),
      maxBatchSize: number(read, 'QUEUE_MAX_BATCH_SIZE', DEFAULT_API_BATCH_SIZE, 1, MAX_BATCH_SIZE_LIMIT),
      maxResultBytes: number(read, 'QUEUE_MAX_RESULT_BYTES', DEFAULT_MAX_RESULT_BYTES, 0, 1024 * 1024),
      defaultMaxAttempts: number(read, 'QUEUE_DEFAULT_MAX_ATTEMPTS', 3, 1, MAX_ATTEMPTS_LIMIT),
      leaseMs: number(read, 'QUEUE_LEASE_MS', 30_000, 1000, 3_600_000),
      maxTimeoutMs: jobTimeoutMs,
      backoff: {
        baseMs: number(read, 'QUEUE_BACKOFF_BASE_MS', 1000, 0, 3_600_000),
        capMs: number(read, 'QUEUE_BACKOFF_CAP_MS', 300_000, 0, 86_400_000),
      },
      history: {
        maxCount: number(read, 'QUEUE_HISTORY_MAX_COUNT', 1000, 0, 10_000_000),
        maxAgeMs: number(read, 'QUEUE_HISTORY_MAX_AGE_MS', 86_400_000, 0, 90 * 86_400_000),
      },
    },
    poller: {
      queues: queues ? parseList(queues.key, queues.value) : ['default'],
      concurrency: number(read, 'POLLER_CONCURRENCY', 50, 1, 1000),
      prefetch: number(read, 'POLLER_PREFETCH', 0, 0, 1000),
      idleMs: number(read, 'POLLER_IDLE_MS', 2000, 0, 900_000),
      waitMs: number(read, 'POLLER_WAIT_MS', 1000, 10, 60_000),
      jobTimeoutMs,
      safetyMarginMs: number(read, 'POLLER_SAFETY_MARGIN_MS', 2000, 0, 120_000),
      fanOutBacklog: number(read, 'POLLER_FANOUT_BACKLOG', 500, 0, 100_000_000),
      maxFanOut: number(read, 'POLLER_MAX_FANOUT', 4, 0, 100),
      ...(pollerName ? { functionName: pollerName } : {}),
    },
    lambda: { ...(lambdaEndpoint ? { endpoint: lambdaEndpoint } : {}), region },
    targets: parseTargets(read('JOB_TARGETS')),
    jobTypes: parseJobTypes(read('JOB_TYPES')),
    dlq: {
      ...(dlqName ? { functionName: dlqName } : {}),
      ...(optional('DLQ_SNS_TOPIC_ARN') ? { snsTopicArn: optional('DLQ_SNS_TOPIC_ARN') } : {}),
      ...(snsEndpoint ? { snsEndpoint } : {}),
      maxRedrives: number(read, 'DLQ_MAX_REDRIVES', 0, 0, 100),
      redriveDelayMs: number(read, 'DLQ_REDRIVE_DELAY_MS', 60_000, 0, 86_400_000),
      sweepBatch: number(read, 'DLQ_SWEEP_BATCH', 100, 1, 1000),
    },
    audit: { maxLength: number(read, 'ADMIN_AUDIT_MAX_LENGTH', 10_000, 100, 10_000_000) },
    healthMetrics: health ? parseEnum(health.key, health.value, ['emf', 'off'] as const) : 'off',
  };
  if (config.dlq.snsTopicArn && !/^arn:aws[a-z-]*:sns:[a-z0-9-]+:\d{12}:[A-Za-z0-9_-]+$/.test(config.dlq.snsTopicArn)) {
    throw new ConfigError(blame(read, 'DLQ_SNS_TOPIC_ARN'), 'is not an SNS topic ARN');
  }
  return deepFreeze(config);
}
