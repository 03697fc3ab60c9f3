import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { APP_SETTINGS, ConfigError, parseAppConfig } from '../../shared/config';
import { TRACING_SETTINGS } from '../../shared/tracing/config';
import { LOCAL_SETTINGS, parseLocalConfig } from '../../tools/local/config';
import { thrownBy } from '../support/errors';

describe('app configuration', () => {
  it('runs against a local Redis with nothing set, with the documented defaults', () => {
    const config = parseAppConfig({});
    expect(config.redis).toEqual({ url: 'redis://127.0.0.1:6379', cluster: false });
    expect(config.queue).toMatchObject({ namespace: 'tq', maxBatchSize: 100, defaultMaxAttempts: 3, maxTimeoutMs: 30_000 });
    expect(config.poller).toMatchObject({ queues: ['default'], concurrency: 50, idleMs: 2000, fanOutBacklog: 500, maxFanOut: 4 });
    expect(config.dlq).toMatchObject({ maxRedrives: 0, redriveDelayMs: 60_000 });
    expect(config.targets).toEqual({});
    expect(config.healthMetrics).toBe('off'); // EMF lines only where the stack asks for them
    expect(Object.isFrozen(config.poller.queues)).toBe(true);
  });

  it('reads job targets as type=function pairs and caps job timeouts at the time the poller keeps for one', () => {
    const config = parseAppConfig({
      JOB_TARGETS: 'thumbnail=tq-thumbnail, report=arn:aws:lambda:eu-west-1:123456789012:function:tq-report:live',
      POLLER_JOB_TIMEOUT_MS: '120000',
      POLLER_FUNCTION_NAME: 'tq-poller',
    });
    expect(config.targets).toEqual({ thumbnail: 'tq-thumbnail', report: 'arn:aws:lambda:eu-west-1:123456789012:function:tq-report:live' });
    expect(config.queue.maxTimeoutMs).toBe(120_000);
    expect(config.poller.functionName).toBe('tq-poller');
  });

  it.each([
    [{ POLLER_CONCURRENCY: '0' }, 'POLLER_CONCURRENCY', 'from 1 to 1000'],
    [{ QUEUE_MAX_BATCH_SIZE: '1.5' }, 'QUEUE_MAX_BATCH_SIZE', 'integer'],
    [{ JOB_TARGETS: 'thumbnail' }, 'JOB_TARGETS', 'jobtype=function-name'],
    [{ JOB_TARGETS: 'thumbnail=not a function' }, 'JOB_TARGETS', 'not a Lambda function name'],
    [{ DLQ_SNS_TOPIC_ARN: 'tq-dead' }, 'DLQ_SNS_TOPIC_ARN', 'SNS topic ARN'],
    [{ REDIS_URL: 'http://cache:6379' }, 'REDIS_URL', 'redis:// or rediss://'],
    [{ REDIS_CLUSTER: 'maybe' }, 'REDIS_CLUSTER', 'true'],
  ])('refuses %j naming the variable', (env, key, message) => {
    const error = thrownBy(() => parseAppConfig(env), ConfigError);
    expect(error.key).toBe(key);
    expect(error.message).toContain(message);
  });
});

describe('app configuration: TLS to anything off this machine', () => {
  it('accepts plaintext Redis on loopback and TLS anywhere', () => {
    expect(parseAppConfig({ REDIS_URL: 'redis://localhost:6380' }).redis.url).toBe('redis://localhost:6380');
    const elasticache = 'rediss://master.tq.abc123.euw1.cache.amazonaws.com:6379';
    expect(parseAppConfig({ REDIS_URL: elasticache }).redis.url).toBe(elasticache);
  });

  it('refuses plaintext to a remote Redis unless REDIS_INSECURE says so, and a contradiction either way', () => {
    expect(() => parseAppConfig({ REDIS_URL: 'redis://10.0.3.7:6379' })).toThrow(/REDIS_URL: plaintext to 10\.0\.3\.7: use rediss:\/\//);
    expect(parseAppConfig({ REDIS_URL: 'redis://10.0.3.7:6379', REDIS_INSECURE: 'true' }).redis.url).toBe('redis://10.0.3.7:6379');
    expect(() => parseAppConfig({ REDIS_URL: 'rediss://cache:6379', REDIS_INSECURE: 'true' })).toThrow(/REDIS_INSECURE/);
  });

  it.each(['LAMBDA_ENDPOINT', 'SNS_ENDPOINT'])('allows %s over http only on this machine', (key) => {
    expect(() => parseAppConfig({ [key]: 'http://127.0.0.1:9001' })).not.toThrow();
    expect(() => parseAppConfig({ [key]: 'https://stand-in.example.com' })).not.toThrow();
    expect(() => parseAppConfig({ [key]: 'http://stand-in.example.com' })).toThrow(
      new RegExp(`${key}: plaintext to stand-in\\.example\\.com`),
    );
    expect(() => parseAppConfig({ [key]: 'ftp://127.0.0.1' })).toThrow(/http\(s\) URL/);
  });
});

describe('app configuration from the YAML file (CONFIG_FILE)', () => {
  const yamlFile = (text: string) => {
    const dir = mkdtempSync(join(tmpdir(), 'tq-app-config-'));
    writeFileSync(join(dir, 'config.yaml'), text);
    return join(dir, 'config.yaml');
  };

  it('reads every section, with environment variables winning over the file', () => {
    const file = yamlFile(
      [
        'queue:',
        '  namespace: from-file',
        '  max_batch_size: 20',
        'poller:',
        '  queues: [images, default]',
        '  concurrency: 8',
        'jobs:',
        '  targets:',
        '    thumbnail: tq-thumbnail',
        'local:',
        '  port: 4000',
        'observability:',
        '  tracing:',
        '    sampling_rate: 0.5',
      ].join('\n'),
    );
    const config = parseAppConfig({ CONFIG_FILE: file, POLLER_CONCURRENCY: '16' });
    expect(config.queue).toMatchObject({ namespace: 'from-file', maxBatchSize: 20 });
    expect(config.poller).toMatchObject({ queues: ['images', 'default'], concurrency: 16 });
    expect(config.targets).toEqual({ thumbnail: 'tq-thumbnail' });
    expect(parseLocalConfig({ CONFIG_FILE: file }).port).toBe(4000);
  });

  it('names the YAML path of a bad value, an unknown setting or an unknown section', () => {
    expect(thrownBy(() => parseAppConfig({ CONFIG_FILE: yamlFile('poller:\n  concurrency: 0\n') }), ConfigError).key).toBe(
      'poller.concurrency',
    );
    expect(thrownBy(() => parseAppConfig({ CONFIG_FILE: yamlFile('queue:\n  max_payload: 10\n') }), ConfigError).key).toBe(
      'queue.max_payload',
    );
    expect(thrownBy(() => parseAppConfig({ CONFIG_FILE: yamlFile('queues:\n  namespace: x\n') }), ConfigError).key).toBe('queues');
    // A secret has no YAML form: the environment or Secrets Manager only.
    expect(thrownBy(() => parseAppConfig({ CONFIG_FILE: yamlFile('redis:\n  auth_token: hunter2\n') }), ConfigError).message).not.toContain(
      'hunter2',
    );
  });
});

describe('the configuration reference (docs/configuration.md)', () => {
  it('documents every setting the functions, the tracing layer and the local pipeline read', () => {
    const readme = readFileSync(join(import.meta.dirname, '..', '..', 'docs', 'configuration.md'), 'utf8');
    const missing = [...Object.keys(APP_SETTINGS), ...Object.keys(TRACING_SETTINGS), ...Object.keys(LOCAL_SETTINGS)].filter(
      (key) => !readme.includes(`\`${key}\``),
    );
    expect(missing).toEqual([]);
    const paths = ([...Object.values(APP_SETTINGS), ...Object.values(LOCAL_SETTINGS)] as (string | null)[]).filter(
      (p): p is string => p !== null,
    );
    expect(paths.filter((p) => !readme.includes(`\`${p}\``))).toEqual([]);
  });
});
