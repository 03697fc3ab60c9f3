import { ConfigError } from '../shared/config/errors';
import { parseBool, parseEnum, parseNumber, shown } from '../shared/config/values';
import { PROPAGATION_FORMATS, SAMPLING_STRATEGIES, type PropagationFormat, type SamplingStrategy } from '../shared/tracing/config/types';

/** Deployment settings, read from CDK context (`cdk deploy -c key=value`, or `cdk.json`); every one has a default. */
export interface Settings {
  /** Names resources (`tq-<environment>-…`) and tags traces (`environment`). */
  readonly environment: string;
  readonly samplingStrategy: SamplingStrategy;
  readonly samplingRate: number;
  readonly propagationFormat: PropagationFormat;
  /** Attribute keys allowed out of the functions; empty: all (after redaction). */
  readonly attributeAllowlist: readonly string[];
  readonly redactSensitive: boolean;
  /** EventBridge schedule expression of the worker-poller, and of the dead-letter sweep. */
  readonly pollerSchedule: string;
  readonly dlqSweepSchedule: string;
  readonly maxFanOut: number;
  readonly redisEngine: 'valkey' | 'redis';
  readonly redisNodeType: string;
  /** Replicas of the primary (1 or more: Multi-AZ failover needs one); with shards, per shard. */
  readonly redisReplicas: number;
  /** 0: cluster mode disabled (one shard). 1 or more: cluster mode enabled with that many shards. */
  readonly redisShards: number;
  /** Collector layer ARN; empty: the default for the stack's region (see collector-layer.ts). */
  readonly collectorLayerArn: string | undefined;
  /** How functions reach the AWS APIs: VPC interface endpoints (no internet route) or one NAT gateway. */
  readonly egress: 'endpoints' | 'nat';
  /** How callers of POST /jobs authenticate: IAM (SigV4) or an API key with a usage plan. */
  readonly jobsAuth: 'iam' | 'apikey';
  /** Requests per second (steady, burst) the API accepts before throttling. */
  readonly apiRateLimit: number;
  readonly apiBurstLimit: number;
  /** Job types run by other Lambda functions: `type=function-name,…` (JOB_TARGETS). */
  readonly jobTargets: string;
  /** Alarm notifications by e-mail (an SNS subscription); empty: the topic only. */
  readonly alarmEmail: string | undefined;
  readonly logRetentionDays: number;
  /** The functions' application log level (Lambda's JSON log format filters below it; shared/log.ts reads it too). */
  readonly logLevel: (typeof LOG_LEVELS)[number];
  /** Dead-letter redrive: requeue a dead job after the delay, at most this many times (0: off). */
  readonly dlqMaxRedrives: number;
  readonly dlqRedriveDelaySeconds: number;
  /** Turn on X-Ray Transaction Search (needed by X-Ray's OTLP endpoint); off when the account has it already. */
  readonly transactionSearch: boolean;
  /** Queue dead-letter depth and oldest-job age that raise alarms. */
  readonly alarmDeadLetters: number;
  readonly alarmOldestJobSeconds: number;
}

const ENVIRONMENT = /^[a-z][a-z0-9-]{0,15}$/;
const NODE_TYPE = /^cache\.[a-z0-9]+\.[a-z0-9]+$/;
const SCHEDULE = /^(rate\(\d+ (minute|minutes|hour|hours|day|days)\)|cron\(.+\))$/;
const LAYER_ARN = /^arn:aws[a-z-]*:lambda:[a-z0-9-]+:\d{12}:layer:[A-Za-z0-9_-]+:\d+$/;
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const LOG_LEVELS = ['debug', 'info', 'warn', 'error'] as const;
const LOG_RETENTION_DAYS = [1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653];

type Context = (key: string) => unknown;

function text(key: string, value: unknown, pattern: RegExp, accepted: string): string {
  const v = String(value).trim();
  if (!pattern.test(v)) throw new ConfigError(key, `${shown(value)} is not ${accepted}`);
  return v;
}

/** Reads the settings; a bad value stops the synth with an error naming the context key and what it accepts. */
export function readSettings(context: Context): Settings {
  const get = <T>(key: string, parse: (key: string, value: unknown) => T, fallback: T): T => {
    const value = context(key);
    return value === undefined || value === null || value === '' ? fallback : parse(key, value);
  };
  const int = (min: number, max: number) => (key: string, v: unknown) => parseNumber(key, v, min, max, true);
  const optional =
    (pattern: RegExp, accepted: string) =>
    (key: string, v: unknown): string | undefined =>
      text(key, v, pattern, accepted);
  const logRetentionDays = get('logRetentionDays', int(1, 3653), 30);
  if (!LOG_RETENTION_DAYS.includes(logRetentionDays)) {
    throw new ConfigError(
      'logRetentionDays',
      `${logRetentionDays} is not a CloudWatch Logs retention; accepted: ${LOG_RETENTION_DAYS.join(', ')}`,
    );
  }
  return {
    environment: get('environment', (k, v) => text(k, v, ENVIRONMENT, 'a lower-case name of up to 16 characters'), 'dev'),
    samplingStrategy: get('samplingStrategy', (k, v) => parseEnum(k, v, SAMPLING_STRATEGIES), 'probabilistic'),
    samplingRate: get('samplingRate', (k, v) => parseNumber(k, v, 0, 1), 0.1),
    propagationFormat: get('propagationFormat', (k, v) => parseEnum(k, v, PROPAGATION_FORMATS), 'xray'),
    attributeAllowlist: get(
      'attributeAllowlist',
      (_k, v) =>
        String(v)
          .split(',')
          .map((s) => s.trim())
          .filter(Boolean),
      [],
    ),
    redactSensitive: get('redactSensitive', parseBool, true),
    pollerSchedule: get('pollerSchedule', (k, v) => text(k, v, SCHEDULE, 'an EventBridge rate(…) or cron(…) expression'), 'rate(1 minute)'),
    dlqSweepSchedule: get(
      'dlqSweepSchedule',
      (k, v) => text(k, v, SCHEDULE, 'an EventBridge rate(…) or cron(…) expression'),
      'rate(5 minutes)',
    ),
    maxFanOut: get('maxFanOut', int(0, 100), 4),
    redisEngine: get('redisEngine', (k, v) => parseEnum(k, v, ['valkey', 'redis'] as const), 'valkey'),
    redisNodeType: get(
      'redisNodeType',
      (k, v) => text(k, v, NODE_TYPE, 'an ElastiCache node type such as cache.t4g.small'),
      'cache.t4g.small',
    ),
    redisReplicas: get('redisReplicas', int(1, 5), 1),
    redisShards: get('redisShards', int(0, 90), 0),
    collectorLayerArn: get('collectorLayerArn', optional(LAYER_ARN, 'a Lambda layer version ARN'), undefined),
    egress: get('egress', (k, v) => parseEnum(k, v, ['endpoints', 'nat'] as const), 'endpoints'),
    jobsAuth: get('jobsAuth', (k, v) => parseEnum(k, v, ['iam', 'apikey'] as const), 'iam'),
    apiRateLimit: get('apiRateLimit', int(1, 100_000), 1000),
    apiBurstLimit: get('apiBurstLimit', int(1, 100_000), 2000),
    jobTargets: get('jobTargets', (_k, v) => String(v).trim(), ''),
    alarmEmail: get('alarmEmail', optional(EMAIL, 'an e-mail address'), undefined),
    logRetentionDays,
    logLevel: get('logLevel', (k, v) => parseEnum(k, String(v).toLowerCase(), LOG_LEVELS), 'info'),
    dlqMaxRedrives: get('dlqMaxRedrives', int(0, 100), 0),
    dlqRedriveDelaySeconds: get('dlqRedriveDelaySeconds', int(0, 86_400), 60),
    transactionSearch: get('transactionSearch', parseBool, true),
    alarmDeadLetters: get('alarmDeadLetters', int(1, 1_000_000), 1),
    alarmOldestJobSeconds: get('alarmOldestJobSeconds', int(1, 86_400), 300),
  };
}
