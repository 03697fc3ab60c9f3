import { fileValue, readConfigFile } from '../../../shared/config/file';
import { ECHO_FUNCTION, LOCAL_FUNCTIONS } from './names';

type Env = Readonly<Record<string, string | undefined>>;

const set = (env: Env, ...keys: string[]) => keys.some((k) => (env[k]?.trim() ?? '') !== '');

export interface LocalEnvironment {
  /** Variables to add to the functions' environment (none of them set by the user). */
  readonly defaults: Record<string, string>;
  /** Traces go to this pipeline's receiver (false: the user pointed TRACING_ENDPOINT elsewhere). */
  readonly ownReceiver: boolean;
}

/**
 * What the functions need to run here rather than in AWS: the Lambda API, the collector and the trace
 * viewer at this pipeline's URL, the local function names, every trace sampled. Only what the user has not
 * set, by variable or in CONFIG_FILE: their settings come first, as in a deployment.
 */
export function localEnvironment(env: Env, baseUrl: string, redisUrl: string): LocalEnvironment {
  const doc = readConfigFile(env);
  const inFile = (key: string) => fileValue(doc, `observability.tracing.${key}`) !== undefined;
  const ownReceiver =
    !set(env, 'TRACING_ENDPOINT', 'OTEL_EXPORTER_OTLP_TRACES_ENDPOINT', 'OTEL_EXPORTER_OTLP_ENDPOINT') && !inFile('endpoint');
  const defaults: Record<string, string> = { REDIS_URL: redisUrl };
  const add = (key: string, value: string, ...alsoSetBy: string[]) => {
    if (!set(env, key, ...alsoSetBy)) defaults[key] = value;
  };
  if (ownReceiver) defaults.TRACING_ENDPOINT = `${baseUrl}/v1/traces`;
  if (ownReceiver && !inFile('viewer')) add('TRACING_VIEWER', 'local');
  if (ownReceiver && !inFile('viewer_url')) add('TRACING_VIEWER_URL', baseUrl);
  if (!inFile('sampling_strategy')) add('TRACING_SAMPLING_STRATEGY', 'always', 'OTEL_TRACES_SAMPLER');
  if (!inFile('environment')) add('TRACING_ENVIRONMENT', 'local');
  // Your own machine's file names in stack traces are what you want to read here (deployed: redacted).
  if (!inFile('redact_sensitive')) add('TRACING_REDACT_SENSITIVE', 'false');
  add('LAMBDA_ENDPOINT', baseUrl);
  add('POLLER_FUNCTION_NAME', LOCAL_FUNCTIONS['worker-poller']);
  add('DLQ_FUNCTION_NAME', LOCAL_FUNCTIONS.dlq);
  add('JOB_TARGETS', `echo=${ECHO_FUNCTION}`);
  return { defaults, ownReceiver };
}
