import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseTracingConfig, resolveEndpoints, ConfigError } from '../../shared/tracing/config';
import { thrownBy } from '../support/errors';

function yamlFile(text: string): string {
  const file = join(mkdtempSync(join(tmpdir(), 'tq-config-')), 'config.yaml');
  writeFileSync(file, text);
  return file;
}

const configError = (fn: () => unknown): ConfigError => thrownBy(fn, ConfigError);

describe('tracing configuration', () => {
  it('has defaults that suit Lambda with the collector layer', () => {
    const config = parseTracingConfig({});
    expect(config).toMatchObject({
      enabled: true,
      endpoints: { traces: 'http://localhost:4318/v1/traces', metrics: 'http://localhost:4318/v1/metrics', tls: false },
      sampling: { strategy: 'probabilistic', rate: 0.01 },
      propagationFormat: 'w3c',
      redactSensitive: true,
      attributeAllowlist: null,
      metricExemplars: true,
      lambda: null,
    });
  });

  it('reads every TRACING_* variable', () => {
    const config = parseTracingConfig({
      TRACING_ENABLED: 'false',
      TRACING_ENDPOINT: 'https://otel.example.com/v1/traces',
      TRACING_ENVIRONMENT: 'production',
      TRACING_SAMPLING_STRATEGY: 'adaptive',
      TRACING_SAMPLING_RATE: '0.001',
      TRACING_BATCH_TIMEOUT_MS: '250',
      TRACING_MAX_EXPORT_BATCH_SIZE: '128',
      TRACING_HEADERS: 'Authorization=Bearer ${TOKEN},x-team=queue',
      TOKEN: 's3cr3t',
      TRACING_INSECURE: 'false',
      TRACING_REDACT_SENSITIVE: 'no',
      TRACING_PROPAGATION_FORMAT: 'XRAY',
      TRACING_ATTRIBUTE_ALLOWLIST: 'job.id, queue.name,worker.id',
      TRACING_METRIC_EXEMPLARS: '0',
    });
    expect(config).toMatchObject({
      enabled: false,
      environment: 'production',
      endpoints: { traces: 'https://otel.example.com/v1/traces', metrics: 'https://otel.example.com/v1/metrics', tls: true },
      sampling: { strategy: 'adaptive', rate: 0.001 },
      batchTimeoutMs: 250,
      maxExportBatchSize: 128,
      headers: { authorization: 'Bearer s3cr3t', 'x-team': 'queue' },
      redactSensitive: false,
      propagationFormat: 'xray',
      attributeAllowlist: ['job.id', 'queue.name', 'worker.id'],
      metricExemplars: false,
    });
  });

  it('reads the seed-shaped YAML file, with the environment winning per key', () => {
    const file = yamlFile(`
observability:
  tracing:
    enabled: true
    endpoint: "https://collector.internal:4318"
    environment: "staging"
    sampling_strategy: "probabilistic"
    sampling_rate: 0.1
    batch_timeout: 5s
    max_export_batch_size: 256
    headers:
      Authorization: "Bearer \${OTEL_AUTH_TOKEN}"
    insecure: false
    redact_sensitive: true
    propagation_format: "b3"
    attribute_allowlist:
      - "job.id"
      - "queue.name"
    enable_metric_exemplars: true
`);
    const config = parseTracingConfig({ CONFIG_FILE: file, OTEL_AUTH_TOKEN: 'tok', TRACING_SAMPLING_RATE: '0.5' });
    expect(config).toMatchObject({
      environment: 'staging',
      endpoints: { traces: 'https://collector.internal:4318/v1/traces' },
      sampling: { strategy: 'probabilistic', rate: 0.5 },
      batchTimeoutMs: 5000,
      maxExportBatchSize: 256,
      headers: { authorization: 'Bearer tok' },
      propagationFormat: 'b3',
      attributeAllowlist: ['job.id', 'queue.name'],
    });
  });

  it('honours the standard OTEL_* variables where ours are unset', () => {
    const config = parseTracingConfig({
      OTEL_SERVICE_NAME: 'orders-api',
      OTEL_EXPORTER_OTLP_ENDPOINT: 'https://otel.example.com',
      OTEL_EXPORTER_OTLP_HEADERS: 'api-key=a%20b,tenant=7',
      OTEL_PROPAGATORS: 'baggage,xray',
      OTEL_TRACES_SAMPLER: 'parentbased_traceidratio',
      OTEL_TRACES_SAMPLER_ARG: '0.25',
    });
    expect(config).toMatchObject({
      serviceName: 'orders-api',
      endpoints: { traces: 'https://otel.example.com/v1/traces' },
      headers: { 'api-key': 'a b', tenant: '7' },
      propagationFormat: 'xray',
      sampling: { strategy: 'probabilistic', rate: 0.25 },
    });
    const ours = parseTracingConfig({
      OTEL_TRACES_SAMPLER: 'always_off',
      TRACING_SAMPLING_STRATEGY: 'always',
      OTEL_PROPAGATORS: 'b3',
      TRACING_PROPAGATION_FORMAT: 'jaeger',
    });
    expect(ours).toMatchObject({ sampling: { strategy: 'always' }, propagationFormat: 'jaeger' });
  });

  it('describes the Lambda function it runs in', () => {
    const config = parseTracingConfig({
      AWS_LAMBDA_FUNCTION_NAME: 'tq-worker-poller',
      AWS_LAMBDA_FUNCTION_VERSION: '$LATEST',
      AWS_REGION: 'eu-west-1',
      AWS_LAMBDA_FUNCTION_MEMORY_SIZE: '512',
      AWS_LAMBDA_LOG_STREAM_NAME: '2026/11/24/[$LATEST]abc',
    });
    expect(config.serviceName).toBe('tq-worker-poller');
    expect(config.lambda).toEqual({
      functionName: 'tq-worker-poller',
      functionVersion: '$LATEST',
      region: 'eu-west-1',
      memoryMb: 512,
      logStreamName: '2026/11/24/[$LATEST]abc',
    });
  });

  it('builds trace links for the configured viewer, defaulting to the X-Ray console on Lambda', () => {
    expect(parseTracingConfig({}).viewer).toEqual({ kind: 'none' });
    expect(parseTracingConfig({ AWS_LAMBDA_FUNCTION_NAME: 'f', AWS_REGION: 'eu-west-1' }).viewer).toEqual({
      kind: 'xray',
      region: 'eu-west-1',
    });
    expect(parseTracingConfig({ TRACING_VIEWER: 'jaeger', TRACING_VIEWER_URL: 'http://localhost:16686' }).viewer).toEqual({
      kind: 'jaeger',
      baseUrl: 'http://localhost:16686',
    });
    const bad = configError(() => parseTracingConfig({ TRACING_VIEWER: 'jaeger', TRACING_VIEWER_URL: "http://x/'; rm -rf /" }));
    expect(bad.key).toBe('TRACING_VIEWER_URL');
    expect(configError(() => parseTracingConfig({ TRACING_VIEWER: 'kibana' })).key).toBe('TRACING_VIEWER');
    expect(configError(() => parseTracingConfig({ TRACING_VIEWER: 'xray' })).key).toBe('TRACING_VIEWER_REGION');
  });

  it('is frozen', () => {
    const config = parseTracingConfig({ TRACING_HEADERS: 'a=b' });
    expect(Object.isFrozen(config)).toBe(true);
    expect(Object.isFrozen(config.headers)).toBe(true);
    expect(Object.isFrozen(config.sampling)).toBe(true);
  });

  it.each([
    ['TRACING_SAMPLING_STRATEGY', 'sometimes', 'always, never, probabilistic, adaptive'],
    ['TRACING_SAMPLING_RATE', '1.5', 'from 0 to 1'],
    ['TRACING_PROPAGATION_FORMAT', 'zipkin', 'w3c, xray, b3, jaeger'],
    ['TRACING_ENABLED', 'maybe', 'true, 1, yes, on, false'],
    ['TRACING_BATCH_TIMEOUT_MS', 'soon', 'duration'],
    ['TRACING_MAX_EXPORT_BATCH_SIZE', '12.5', 'integer'],
    ['TRACING_HEADERS', 'novalue', 'has no "=value"'],
    ['OTEL_TRACES_SAMPLER', 'jaeger_remote', 'accepted: always_on'],
    ['OTEL_PROPAGATORS', 'ottrace', 'accepted: tracecontext'],
  ])('fails at start-up on a bad %s, naming the key and what is accepted', (key, value, accepted) => {
    const error = configError(() => parseTracingConfig({ [key]: value }));
    expect(error.key).toBe(key);
    expect(error.message).toContain(accepted);
  });

  it('names the variable a header refers to when it is missing, and never echoes header values', () => {
    const missing = configError(() => parseTracingConfig({ TRACING_HEADERS: 'authorization=Bearer ${NOPE}' }));
    expect(missing.message).toContain('${NOPE}');
    const bad = configError(() => parseTracingConfig({ TRACING_HEADERS: 'bad header=supersecretvalue' }));
    expect(bad.message).not.toContain('supersecretvalue');
  });

  it('names the YAML path of a bad file value, and refuses unknown keys', () => {
    const bad = configError(() => parseTracingConfig({ CONFIG_FILE: yamlFile('observability:\n  tracing:\n    sampling_rate: 7\n') }));
    expect(bad.key).toBe('observability.tracing.sampling_rate');
    const unknown = configError(() =>
      parseTracingConfig({ CONFIG_FILE: yamlFile('observability:\n  tracing:\n    sampling_ratio: 0.1\n') }),
    );
    expect(unknown.key).toBe('observability.tracing.sampling_ratio');
    expect(configError(() => parseTracingConfig({ CONFIG_FILE: '/nonexistent/config.yaml' })).key).toBe('CONFIG_FILE');
  });
});

/** The TLS table of docs/tracing.md, row by row. */
describe('endpoint TLS rules', () => {
  it.each([
    ['http://localhost:4318/v1/traces', false, 'http://localhost:4318/v1/traces'],
    ['http://127.0.0.1:4318', false, 'http://127.0.0.1:4318/v1/traces'],
    ['http://[::1]:4318/v1/traces', false, 'http://[::1]:4318/v1/traces'],
    ['https://collector.example.com/v1/traces', false, 'https://collector.example.com/v1/traces'],
    ['https://collector.example.com:4318', false, 'https://collector.example.com:4318/v1/traces'],
    ['http://collector.internal:4318/v1/traces', true, 'http://collector.internal:4318/v1/traces'],
    ['http://localhost:4318/v1/traces', true, 'http://localhost:4318/v1/traces'],
  ])('accepts %s (insecure %s)', (endpoint, insecure, traces) => {
    expect(resolveEndpoints('TRACING_ENDPOINT', endpoint, insecure).traces).toBe(traces);
  });

  it.each([
    ['https://collector.example.com/v1/traces', true, 'implies TLS but insecure is on'],
    ['https://collector.example.com:443', true, 'implies TLS but insecure is on'],
    ['http://collector.example.com:443/v1/traces', false, 'port 443 implies TLS'],
    ['http://collector.example.com:8443/v1/traces', true, 'port 8443 implies TLS'],
    ['http://collector.example.com:4318/v1/traces', false, 'plaintext to collector.example.com'],
    ['http://10.0.0.5:4318/v1/traces', false, 'plaintext to 10.0.0.5'],
    ['otel-collector:4317', false, '4317 is the OTLP/gRPC port'],
    ['otel-collector:4318', false, 'has no scheme'],
    ['https://collector.example.com:4317', false, 'port 4317 is OTLP/gRPC'],
    ['grpc://collector.example.com:4317', false, 'not supported'],
    ['https://user:pw@collector.example.com/v1/traces', false, 'must not carry credentials'],
  ])('refuses %s (insecure %s) at start-up', (endpoint, insecure, reason) => {
    const error = configError(() => resolveEndpoints('TRACING_ENDPOINT', endpoint, insecure));
    expect(error.key).toBe('TRACING_ENDPOINT');
    expect(error.message).toContain(reason);
  });

  it('puts metrics beside traces on the same collector', () => {
    expect(resolveEndpoints('k', 'https://c.example.com/otlp/v1/traces', false).metrics).toBe('https://c.example.com/otlp/v1/metrics');
    expect(resolveEndpoints('k', 'https://c.example.com/custom', false).metrics).toBe('https://c.example.com/v1/metrics');
  });

  it('applies the rules through the configuration too', () => {
    expect(configError(() => parseTracingConfig({ TRACING_ENDPOINT: 'https://c.example.com', TRACING_INSECURE: 'true' })).key).toBe(
      'TRACING_ENDPOINT',
    );
    expect(configError(() => parseTracingConfig({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://c.example.com:4318' })).key).toBe(
      'OTEL_EXPORTER_OTLP_ENDPOINT',
    );
  });
});
