import { parseTraceViewer, TraceViewerConfigError, type TraceViewer } from '../links';
import { resolveEndpoints } from './endpoint';
import { ConfigError } from '../../config/errors';
import { settingReader, type SettingKeys, type Source } from '../../config/source';
import {
  PROPAGATION_FORMATS,
  SAMPLING_STRATEGIES,
  type Env,
  type LambdaInfo,
  type PropagationFormat,
  type SamplingStrategy,
  type TracingConfig,
} from './types';
import {
  deepFreeze,
  parseBool,
  parseDurationMs,
  parseEnum,
  parseHeaders,
  parseList,
  parseNumber,
  parseOtelHeaders,
  shown,
} from '../../config/values';

export { ConfigError } from '../../config/errors';
export { resolveEndpoints, TLS_PORTS, type ExportEndpoints } from './endpoint';
export * from './types';

export const DEFAULT_ENDPOINT = 'http://localhost:4318/v1/traces';

/** The seed's keys (`observability.tracing.*`) and the environment variables that override them. */
const KEYS = {
  enabled: 'TRACING_ENABLED',
  endpoint: 'TRACING_ENDPOINT',
  environment: 'TRACING_ENVIRONMENT',
  sampling_strategy: 'TRACING_SAMPLING_STRATEGY',
  sampling_rate: 'TRACING_SAMPLING_RATE',
  sampling_target_per_second: 'TRACING_SAMPLING_TARGET_PER_SECOND',
  failure_traces_per_second: 'TRACING_FAILURE_TRACES_PER_SECOND',
  batch_timeout: 'TRACING_BATCH_TIMEOUT_MS',
  max_export_batch_size: 'TRACING_MAX_EXPORT_BATCH_SIZE',
  max_queue_size: 'TRACING_MAX_QUEUE_SIZE',
  export_timeout: 'TRACING_EXPORT_TIMEOUT_MS',
  flush_timeout: 'TRACING_FLUSH_TIMEOUT_MS',
  metrics_interval: 'TRACING_METRICS_INTERVAL_MS',
  headers: 'TRACING_HEADERS',
  insecure: 'TRACING_INSECURE',
  redact_sensitive: 'TRACING_REDACT_SENSITIVE',
  propagation_format: 'TRACING_PROPAGATION_FORMAT',
  attribute_allowlist: 'TRACING_ATTRIBUTE_ALLOWLIST',
  enable_metric_exemplars: 'TRACING_METRIC_EXEMPLARS',
  viewer: 'TRACING_VIEWER',
  viewer_url: 'TRACING_VIEWER_URL',
  viewer_region: 'TRACING_VIEWER_REGION',
  viewer_template: 'TRACING_VIEWER_TEMPLATE',
} as const;
type Key = keyof typeof KEYS;
/** The same settings as the shared reader takes them: variable → YAML path. */
export const TRACING_SETTINGS: SettingKeys = Object.fromEntries(
  Object.entries(KEYS).map(([key, variable]) => [variable, `observability.tracing.${key}`]),
);

/** OTEL_TRACES_SAMPLER(_ARG), mapped onto our strategies (ours are all parent-based). */
function otelSampler(env: Env): { strategy?: Source; rate?: Source } {
  const name = env.OTEL_TRACES_SAMPLER?.trim().toLowerCase();
  if (!name) return {};
  const strategies: Record<string, SamplingStrategy> = {
    always_on: 'always',
    parentbased_always_on: 'always',
    always_off: 'never',
    parentbased_always_off: 'never',
    traceidratio: 'probabilistic',
    parentbased_traceidratio: 'probabilistic',
  };
  const strategy = strategies[name];
  if (!strategy)
    throw new ConfigError('OTEL_TRACES_SAMPLER', `${shown(name)} is not supported; accepted: ${Object.keys(strategies).join(', ')}`);
  const arg = env.OTEL_TRACES_SAMPLER_ARG;
  return {
    strategy: { value: strategy, key: 'OTEL_TRACES_SAMPLER' },
    ...(arg !== undefined && strategy === 'probabilistic' ? { rate: { value: arg, key: 'OTEL_TRACES_SAMPLER_ARG' } } : {}),
  };
}

/** OTEL_PROPAGATORS: the first entry other than `baggage` picks our format (baggage always travels). */
function otelPropagation(env: Env): Source | undefined {
  const list = env.OTEL_PROPAGATORS;
  if (!list) return undefined;
  const map: Record<string, PropagationFormat> = { tracecontext: 'w3c', xray: 'xray', b3: 'b3', b3multi: 'b3', jaeger: 'jaeger' };
  for (const entry of parseList('OTEL_PROPAGATORS', list).map((e) => e.toLowerCase())) {
    if (entry === 'baggage' || entry === 'none') continue;
    const format = map[entry];
    if (!format)
      throw new ConfigError(
        'OTEL_PROPAGATORS',
        `${shown(entry)} is not supported; accepted: ${[...Object.keys(map), 'baggage'].join(', ')}`,
      );
    return { value: format, key: 'OTEL_PROPAGATORS' };
  }
  return undefined;
}

function otelEndpoint(env: Env): Source | undefined {
  if (env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT)
    return { value: env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT, key: 'OTEL_EXPORTER_OTLP_TRACES_ENDPOINT' };
  const base = env.OTEL_EXPORTER_OTLP_ENDPOINT;
  // The standard variable is a base URL: the signal path is appended.
  if (base) return { value: `${base.replace(/\/+$/, '')}/v1/traces`, key: 'OTEL_EXPORTER_OTLP_ENDPOINT' };
  return undefined;
}

function lambdaInfo(env: Env): LambdaInfo | null {
  const functionName = env.AWS_LAMBDA_FUNCTION_NAME;
  if (!functionName) return null;
  const memory = Number(env.AWS_LAMBDA_FUNCTION_MEMORY_SIZE);
  return {
    functionName,
    ...(env.AWS_LAMBDA_FUNCTION_VERSION ? { functionVersion: env.AWS_LAMBDA_FUNCTION_VERSION } : {}),
    ...((env.AWS_REGION ?? env.AWS_DEFAULT_REGION) ? { region: env.AWS_REGION ?? env.AWS_DEFAULT_REGION } : {}),
    ...(Number.isFinite(memory) && memory > 0 ? { memoryMb: memory } : {}),
    ...(env.AWS_LAMBDA_LOG_STREAM_NAME ? { logStreamName: env.AWS_LAMBDA_LOG_STREAM_NAME } : {}),
  };
}

/**
 * Parses the tracing configuration once. Precedence per setting: TRACING_* environment variable, then
 * the YAML file named by CONFIG_FILE (`observability.tracing.*`), then the standard OTEL_* variables,
 * then the default. Any bad value fails here, naming its key and the accepted values.
 */
export function parseTracingConfig(env: Env = process.env): TracingConfig {
  const read = settingReader(env, TRACING_SETTINGS);
  const pick = (key: Key, fallback?: Source): Source | undefined => read(KEYS[key]) ?? fallback;
  const get = <T>(key: Key, parse: (s: Source) => T, fallback: T, otel?: Source): T => {
    const source = pick(key, otel);
    return source ? parse(source) : fallback;
  };

  const sampler = otelSampler(env);
  const insecure = get('insecure', (s) => parseBool(s.key, s.value), false);
  const endpointSource = pick('endpoint', otelEndpoint(env)) ?? { value: DEFAULT_ENDPOINT, key: KEYS.endpoint };
  const headersSource = pick('headers');
  const maxQueueSize = get('max_queue_size', (s) => parseNumber(s.key, s.value, 1, 1_000_000, true), 2048);
  const allowlist = get('attribute_allowlist', (s) => parseList(s.key, s.value), [] as string[]);
  const lambda = lambdaInfo(env);

  const config: TracingConfig = {
    enabled: get('enabled', (s) => parseBool(s.key, s.value), true),
    serviceName: env.OTEL_SERVICE_NAME?.trim() || lambda?.functionName || 'traced-queue',
    environment: get('environment', (s) => String(s.value).trim(), 'development'),
    endpoints: resolveEndpoints(endpointSource.key, String(endpointSource.value), insecure),
    headers: headersSource
      ? parseHeaders(headersSource.key, headersSource.value, env)
      : env.OTEL_EXPORTER_OTLP_HEADERS
        ? parseOtelHeaders('OTEL_EXPORTER_OTLP_HEADERS', env.OTEL_EXPORTER_OTLP_HEADERS)
        : {},
    insecure,
    sampling: {
      strategy: get('sampling_strategy', (s) => parseEnum(s.key, s.value, SAMPLING_STRATEGIES), 'probabilistic', sampler.strategy),
      rate: get('sampling_rate', (s) => parseNumber(s.key, s.value, 0, 1), 0.01, sampler.rate),
      targetPerSecond: get('sampling_target_per_second', (s) => parseNumber(s.key, s.value, 0.01, 100_000), 10),
      failureTracesPerSecond: get('failure_traces_per_second', (s) => parseNumber(s.key, s.value, 0, 10_000), 10),
    },
    propagationFormat: get('propagation_format', (s) => parseEnum(s.key, s.value, PROPAGATION_FORMATS), 'w3c', otelPropagation(env)),
    batchTimeoutMs: get('batch_timeout', (s) => parseDurationMs(s.key, s.value, 1, 600_000), 1000),
    maxExportBatchSize: get(
      'max_export_batch_size',
      (s) => parseNumber(s.key, s.value, 1, maxQueueSize, true),
      Math.min(512, maxQueueSize),
    ),
    maxQueueSize,
    exportTimeoutMs: get('export_timeout', (s) => parseDurationMs(s.key, s.value, 100, 60_000), 5000),
    flushTimeoutMs: get('flush_timeout', (s) => parseDurationMs(s.key, s.value, 10, 30_000), 500),
    metricsIntervalMs: get('metrics_interval', (s) => parseDurationMs(s.key, s.value, 0, 3_600_000), 10_000),
    redactSensitive: get('redact_sensitive', (s) => parseBool(s.key, s.value), true),
    attributeAllowlist: allowlist.length > 0 ? allowlist : null,
    metricExemplars: get('enable_metric_exemplars', (s) => parseBool(s.key, s.value), true),
    lambda,
    viewer: viewerConfig(pick, lambda),
  };
  return deepFreeze(config);
}

/**
 * Where people open traces (links in admin responses and the CLI). Default: the X-Ray console when on
 * Lambda (traces go to X-Ray there), none elsewhere. A bad setting names its key.
 */
function viewerConfig(pick: (key: Key) => Source | undefined, lambda: LambdaInfo | null): TraceViewer {
  const viewer = pick('viewer');
  const url = pick('viewer_url');
  const region = pick('viewer_region');
  const template = pick('viewer_template');
  const sources: Record<string, [Source | undefined, Key]> = {
    viewer: [viewer, 'viewer'],
    baseUrl: [url, 'viewer_url'],
    region: [region, 'viewer_region'],
    template: [template, 'viewer_template'],
  };
  const text = (s: Source | undefined) => (s === undefined ? undefined : String(s.value).trim());
  try {
    return parseTraceViewer({
      viewer: text(viewer) ?? (lambda?.region ? 'xray' : 'none'),
      baseUrl: text(url),
      region: text(region) ?? lambda?.region,
      template: text(template),
    });
  } catch (error) {
    if (!(error instanceof TraceViewerConfigError)) throw error;
    const [source, key] = sources[error.field] ?? [undefined, 'viewer'];
    throw new ConfigError(source?.key ?? KEYS[key], `expected ${error.accepted}`);
  }
}
