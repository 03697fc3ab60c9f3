import { Token } from 'aws-cdk-lib';
import { ConfigError, parseAppConfig, type AppConfig } from '../shared/config';
import { parseTracingConfig } from '../shared/tracing/config';
import type { FunctionName } from './queue-function';
import type { Settings } from './settings';

/** The Redis key namespace of a deployment (one Redis per deployment); also the health metrics' dimension. */
export const QUEUE_NAMESPACE = 'tq';

/** What the environment points at; tokens at synth time, resolved by CloudFormation. */
export interface EnvRefs {
  readonly redisUrl: string;
  readonly redisCluster: boolean;
  readonly authSecretArn: string;
  readonly topicArn: string;
  readonly functionNames: Readonly<Record<FunctionName, string>>;
}

/**
 * Each function's environment variables, from the settings and the resources. The functions read them
 * with the same parsers as everywhere (shared/config, shared/tracing/config).
 */
export function functionEnv(name: FunctionName, settings: Settings, refs: EnvRefs): Record<string, string> {
  const common: Record<string, string> = {
    REDIS_URL: refs.redisUrl,
    ...(refs.redisCluster ? { REDIS_CLUSTER: 'true' } : {}),
    REDIS_AUTH_SECRET_ARN: refs.authSecretArn,
    QUEUE_NAMESPACE,
    QUEUE_HEALTH_METRICS: 'emf',
    TRACING_ENVIRONMENT: settings.environment,
    TRACING_SAMPLING_STRATEGY: settings.samplingStrategy,
    TRACING_SAMPLING_RATE: String(settings.samplingRate),
    TRACING_PROPAGATION_FORMAT: settings.propagationFormat,
    TRACING_REDACT_SENSITIVE: String(settings.redactSensitive),
    TRACING_VIEWER: 'xray', // trace links open the CloudWatch X-Ray console of the function's region
    ...(settings.attributeAllowlist.length > 0 ? { TRACING_ATTRIBUTE_ALLOWLIST: settings.attributeAllowlist.join(',') } : {}),
  };
  switch (name) {
    case 'worker-poller':
      return {
        ...common,
        POLLER_MAX_FANOUT: String(settings.maxFanOut),
        DLQ_FUNCTION_NAME: refs.functionNames.dlq,
        ...(settings.jobTargets ? { JOB_TARGETS: settings.jobTargets } : {}),
      };
    case 'dlq':
      return {
        ...common,
        DLQ_SNS_TOPIC_ARN: refs.topicArn,
        DLQ_MAX_REDRIVES: String(settings.dlqMaxRedrives),
        DLQ_REDRIVE_DELAY_MS: String(settings.dlqRedriveDelaySeconds * 1000),
      };
    default:
      return common;
  }
}

/** Stand-ins for values only CloudFormation knows, shaped like the real ones, for checking at synth. */
const PLACEHOLDERS: Readonly<Record<string, string>> = {
  REDIS_URL: 'rediss://master.tq.abc123.use1.cache.amazonaws.com:6380',
  REDIS_AUTH_SECRET_ARN: 'arn:aws:secretsmanager:us-east-1:123456789012:secret:tq-auth-AbCdEf',
  DLQ_SNS_TOPIC_ARN: 'arn:aws:sns:us-east-1:123456789012:tq-alerts',
};

/**
 * Parses an environment exactly as the function will at its cold start, so a bad setting fails `cdk synth`
 * (naming the variable) instead of the first invocation.
 */
export function checkFunctionEnv(name: FunctionName, env: Record<string, string>): AppConfig {
  const concrete = Object.fromEntries(
    Object.entries(env).map(([k, v]) => [k, Token.isUnresolved(v) ? (PLACEHOLDERS[k] ?? 'placeholder') : v]),
  );
  const lambdaEnv = { ...concrete, AWS_REGION: 'us-east-1', AWS_LAMBDA_FUNCTION_NAME: `tq-${name}` };
  try {
    parseTracingConfig(lambdaEnv);
    return parseAppConfig(lambdaEnv);
  } catch (error) {
    if (error instanceof ConfigError)
      throw new ConfigError(error.key, `${error.message.slice(error.key.length + 2)} (the ${name} function's environment)`);
    throw error;
  }
}
