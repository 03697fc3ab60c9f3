import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Match } from 'aws-cdk-lib/assertions';
import { API_RESOURCES } from '../../infra/api-layout';
import { COLLECTOR_CONFIG_URI } from '../../infra/queue-function';
import { propertiesOf, synthApp, type SynthesizedApp } from '../support/cdk';

// One real synth for the file, functions bundled by esbuild as `cdk deploy` would, cdk-nag on.
let q: SynthesizedApp;
beforeAll(() => {
  q = synthApp({}, { bundle: true });
}, 120_000);

const functions = () => Object.values(propertiesOf(q.templates.pipeline, 'AWS::Lambda::Function'));
const policiesOf = (rolePrefix: string) =>
  Object.entries(propertiesOf(q.templates.pipeline, 'AWS::IAM::Policy'))
    .filter(([id]) => id.startsWith(rolePrefix))
    .flatMap(([, p]) => p.PolicyDocument.Statement as Array<{ Action: string | string[]; Resource: unknown }>);
const actionsOf = (rolePrefix: string) => policiesOf(rolePrefix).flatMap((s) => [s.Action].flat());

describe('network stack', () => {
  it('keeps the functions in private subnets with no route out, reaching the AWS APIs through endpoints', () => {
    const t = q.templates.network;
    t.resourceCountIs('AWS::EC2::NatGateway', 0);
    t.resourceCountIs('AWS::EC2::InternetGateway', 0);
    const endpoints = Object.values(propertiesOf(t, 'AWS::EC2::VPCEndpoint'));
    const services = endpoints
      .map((e) => JSON.stringify(e.ServiceName).match(/\.(lambda|xray|monitoring|secretsmanager|sns)"/)?.[1])
      .sort();
    expect(services).toEqual(['lambda', 'monitoring', 'secretsmanager', 'sns', 'xray']);
    for (const e of endpoints) expect(e).toMatchObject({ VpcEndpointType: 'Interface', PrivateDnsEnabled: true });
    t.resourceCountIs('AWS::EC2::FlowLog', 1);
  });

  it('lets only the functions reach the endpoints, and the functions nothing but HTTPS inside the VPC', () => {
    const groups = Object.values(propertiesOf(q.templates.network, 'AWS::EC2::SecurityGroup'));
    const endpoints = groups.find((g) => g.GroupDescription === 'AWS API interface endpoints')!;
    expect(endpoints.SecurityGroupIngress ?? []).toEqual([]); // rules are separate resources: none by CIDR
    const ingress = Object.values(propertiesOf(q.templates.network, 'AWS::EC2::SecurityGroupIngress'));
    expect(ingress).toHaveLength(1);
    expect(ingress[0]).toMatchObject({ IpProtocol: 'tcp', FromPort: 443, ToPort: 443, SourceSecurityGroupId: expect.anything() });
    const fns = groups.find((g) => g.GroupDescription === 'traced-queue Lambda functions')!;
    expect(fns.SecurityGroupEgress).toEqual([
      expect.objectContaining({ IpProtocol: 'tcp', FromPort: 443, ToPort: 443, CidrIp: expect.anything() }),
    ]);
  });
});

describe('data stack', () => {
  it('runs Redis with TLS, encryption at rest, AUTH from Secrets Manager and Multi-AZ failover', () => {
    const [group] = Object.values(propertiesOf(q.templates.data, 'AWS::ElastiCache::ReplicationGroup'));
    expect(group).toMatchObject({
      Engine: 'valkey',
      CacheNodeType: 'cache.t4g.small',
      NumNodeGroups: 1,
      ReplicasPerNodeGroup: 1,
      Port: 6380,
      TransitEncryptionEnabled: true,
      TransitEncryptionMode: 'required',
      AtRestEncryptionEnabled: true,
      KmsKeyId: expect.anything(),
      MultiAZEnabled: true,
      AutomaticFailoverEnabled: true,
    });
    // The token is a dynamic reference resolved by CloudFormation: never a value in the template.
    expect(JSON.stringify(group!.AuthToken)).toMatch(/\{\{resolve:secretsmanager:/);
    q.templates.data.hasResourceProperties('AWS::SecretsManager::Secret', {
      GenerateSecretString: Match.objectLike({ PasswordLength: 64, ExcludePunctuation: true }),
      KmsKeyId: Match.anyValue(),
    });
  });

  it('never evicts jobs: maxmemory-policy noeviction', () => {
    q.templates.data.hasResourceProperties('AWS::ElastiCache::ParameterGroup', {
      CacheParameterGroupFamily: 'valkey8',
      Properties: { 'maxmemory-policy': 'noeviction', 'hash-max-listpack-value': '1024' },
    });
  });

  it('admits only the functions, on the Redis port', () => {
    const ingress = Object.values(propertiesOf(q.templates.data, 'AWS::EC2::SecurityGroupIngress'));
    expect(ingress).toEqual([expect.objectContaining({ FromPort: 6380, ToPort: 6380, SourceSecurityGroupId: expect.anything() })]);
    // The functions' group allows nothing outbound by default: without this rule they could never reach Redis.
    const egress = Object.values(propertiesOf(q.templates.data, 'AWS::EC2::SecurityGroupEgress'));
    expect(egress).toEqual([
      expect.objectContaining({ IpProtocol: 'tcp', FromPort: 6380, ToPort: 6380, DestinationSecurityGroupId: expect.anything() }),
    ]);
  });
});

describe('pipeline stack: functions', () => {
  it('runs four functions on Node 24 ARM64 with active tracing, the collector layer and its configuration', () => {
    expect(
      functions()
        .map((f) => f.FunctionName)
        .sort(),
    ).toEqual(['tq-dev-admin', 'tq-dev-dlq', 'tq-dev-enqueue', 'tq-dev-worker-poller']);
    for (const f of functions()) {
      expect(f).toMatchObject({
        Runtime: 'nodejs24.x',
        Architectures: ['arm64'],
        TracingConfig: { Mode: 'Active' },
        VpcConfig: expect.anything(),
      });
      expect(JSON.stringify(f.Layers)).toContain(':184161586896:layer:opentelemetry-collector-arm64-');
      expect(f.Environment.Variables).toMatchObject({
        OPENTELEMETRY_COLLECTOR_CONFIG_URI: COLLECTOR_CONFIG_URI,
        TRACING_PROPAGATION_FORMAT: 'xray',
        TRACING_SAMPLING_STRATEGY: 'probabilistic',
        TRACING_REDACT_SENSITIVE: 'true',
        QUEUE_HEALTH_METRICS: 'emf',
        REDIS_AUTH_SECRET_ARN: expect.anything(),
      });
      expect(JSON.stringify(f.Environment.Variables.REDIS_URL)).toContain('rediss://');
    }
  });

  it('bundles each function into one file with its source map, the collector configuration and the YAML parser beside it', () => {
    const assets = functions().map((f) => join(q.outdir, `asset.${String(f.Code.S3Key).replace(/\.zip$/, '')}`));
    for (const dir of assets) {
      expect(existsSync(join(dir, 'index.js'))).toBe(true);
      expect(existsSync(join(dir, 'index.js.map'))).toBe(true);
      expect(readFileSync(join(dir, 'collector.yaml'), 'utf8')).toContain('decouple');
      // The YAML parser travels beside the bundle, not in it (read only when CONFIG_FILE names a file).
      expect(readFileSync(join(dir, 'index.js'), 'utf8')).not.toContain('tag:yaml.org');
      expect(readFileSync(join(dir, 'node_modules', 'js-yaml', 'index.js'), 'utf8')).toContain('tag:yaml.org');
    }
  });

  it('keeps each log group for the configured days', () => {
    const groups = Object.values(propertiesOf(q.templates.pipeline, 'AWS::Logs::LogGroup'));
    expect(groups.filter((g) => String(g.LogGroupName ?? '').startsWith('/aws/lambda/tq-dev-'))).toHaveLength(4);
    for (const g of groups) expect(g.RetentionInDays).toBe(30);
  });

  it("logs in Lambda's JSON format at the application level info by default", () => {
    for (const f of functions()) {
      expect(f.LoggingConfig).toMatchObject({ LogFormat: 'JSON', ApplicationLogLevel: 'INFO', SystemLogLevel: 'INFO' });
    }
  });

  it('lets only the poller invoke functions: the dlq function and itself, nothing else', () => {
    const invokes = policiesOf('').filter((s) => [s.Action].flat().includes('lambda:InvokeFunction'));
    expect(invokes).toHaveLength(1);
    expect(policiesOf('WorkerPoller')).toContainEqual(invokes[0]);
    const arns = JSON.stringify(invokes[0]!.Resource);
    expect(arns).toContain(':function:tq-dev-dlq');
    expect(arns).toContain(':function:tq-dev-worker-poller');
    expect((invokes[0]!.Resource as unknown[]).length).toBe(2);
  });

  it('lets only the dlq function publish to the topic, and every function read the AUTH token and nothing more', () => {
    for (const name of ['Enqueue', 'WorkerPoller', 'Admin', 'Dlq']) {
      expect(actionsOf(`${name}Role`)).toContain('secretsmanager:GetSecretValue');
      expect(actionsOf(`${name}Role`).includes('sns:Publish')).toBe(name === 'Dlq');
      expect(actionsOf(`${name}Role`).filter((a) => a.endsWith('*') && !a.startsWith('kms:'))).toEqual([]);
    }
    const decrypt = policiesOf('EnqueueRole').find((s) => [s.Action].flat().includes('kms:Decrypt')) as unknown as { Condition: unknown };
    expect(decrypt.Condition).toEqual({ StringEquals: { 'kms:ViaService': expect.anything() } });
  });
});

describe('pipeline stack: API', () => {
  it('traces and throttles the stage, logs access, and never logs request bodies', () => {
    q.templates.pipeline.hasResourceProperties('AWS::ApiGateway::Stage', {
      TracingEnabled: true,
      AccessLogSetting: Match.objectLike({ DestinationArn: Match.anyValue() }),
      MethodSettings: [
        Match.objectLike({ ThrottlingRateLimit: 1000, ThrottlingBurstLimit: 2000, DataTraceEnabled: false, LoggingLevel: 'ERROR' }),
      ],
    });
  });

  it('deploys the API layout the local gateway serves (infra/api-layout.ts)', () => {
    const resources = propertiesOf(q.templates.pipeline, 'AWS::ApiGateway::Resource');
    const pathOf = (ref: unknown): string => {
      const id = (ref as { Ref?: string }).Ref;
      const r = id ? resources[id] : undefined;
      return r ? `${pathOf(r.ParentId)}/${r.PathPart}` : '';
    };
    const methods = Object.values(propertiesOf(q.templates.pipeline, 'AWS::ApiGateway::Method'));
    expect(methods.map((m) => `${m.HttpMethod} ${pathOf(m.ResourceId)}`).sort()).toEqual(
      API_RESOURCES.map((r) => `${r.method} ${r.resource}`).sort(),
    );
  });

  it('authorizes POST /jobs, POST /jobs/batch, GET and DELETE /jobs/{id} and every /admin route with IAM', () => {
    const methods = Object.values(propertiesOf(q.templates.pipeline, 'AWS::ApiGateway::Method'));
    expect(methods.map((m) => [m.HttpMethod, m.AuthorizationType]).sort()).toEqual([
      ['ANY', 'AWS_IAM'],
      ['DELETE', 'AWS_IAM'],
      ['GET', 'AWS_IAM'],
      ['POST', 'AWS_IAM'],
      ['POST', 'AWS_IAM'],
    ]);
    expect(methods.filter((m) => m.HttpMethod === 'POST').every((m) => m.RequestValidatorId && m.RequestModels?.['application/json'])).toBe(
      true,
    );
    q.templates.pipeline.hasResourceProperties('AWS::ApiGateway::Resource', { PathPart: '{proxy+}' });
  });

  it('validates bodies against the same schema the function enforces, a batch capped at QUEUE_MAX_BATCH_SIZE', () => {
    const models = Object.values(propertiesOf(q.templates.pipeline, 'AWS::ApiGateway::Model'));
    const job = models.find((m) => m.Name === 'Job')!.Schema;
    expect(job).toMatchObject({ $schema: 'http://json-schema.org/draft-04/schema#', required: ['type'], additionalProperties: false });
    expect(Object.keys(job.properties).sort()).toEqual([
      'delayMs',
      'filepath',
      'filesize',
      'maxAttempts',
      'payload',
      'priority',
      'queue',
      'runAt',
      'timeoutMs',
      'type',
    ]);
    expect(job.properties.delayMs).toMatchObject({ type: 'integer', minimum: 0, maximum: 365 * 86_400_000 });
    expect(models.find((m) => m.Name === 'Batch')!.Schema.properties.jobs).toMatchObject({ type: 'array', minItems: 1, maxItems: 100 });
  });
});

describe('pipeline stack: schedules, topic and alarms', () => {
  it('starts a poller every minute and sweeps the dead-letter queue every five', () => {
    const rules = Object.values(propertiesOf(q.templates.pipeline, 'AWS::Events::Rule'));
    expect(rules.map((r) => r.ScheduleExpression).sort()).toEqual(['rate(1 minute)', 'rate(5 minutes)']);
    const poller = rules.find((r) => r.ScheduleExpression === 'rate(1 minute)')!;
    expect(JSON.stringify(poller.Targets)).toContain('WorkerPoller');
  });

  it('encrypts the alerts topic and refuses plaintext publishing', () => {
    q.templates.pipeline.hasResourceProperties('AWS::SNS::Topic', { TopicName: 'tq-dev-alerts', KmsMasterKeyId: Match.anyValue() });
    q.templates.pipeline.hasResourceProperties('AWS::SNS::TopicPolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } })]),
      },
    });
  });

  it("alarms on dead letters, the oldest job (or silence), and each function's errors, to the topic", () => {
    const alarms = Object.values(propertiesOf(q.templates.pipeline, 'AWS::CloudWatch::Alarm'));
    expect(alarms).toHaveLength(6);
    const byMetric = (name: string) => alarms.find((a) => a.MetricName === name)!;
    expect(byMetric('DeadLetters')).toMatchObject({
      Namespace: 'TracedQueue',
      Threshold: 1,
      Dimensions: [{ Name: 'QueueNamespace', Value: 'tq' }],
    });
    expect(byMetric('OldestJobAgeSeconds')).toMatchObject({ Threshold: 300, TreatMissingData: 'breaching' });
    expect(alarms.filter((a) => a.MetricName === 'Errors' && a.Namespace === 'AWS/Lambda')).toHaveLength(4);
    for (const a of alarms) expect(JSON.stringify(a.AlarmActions)).toContain('Alerts');
  });

  it('turns on X-Ray Transaction Search, which the OTLP endpoint needs, in the account stack', () => {
    q.templates.pipeline.resourceCountIs('AWS::XRay::TransactionSearchConfig', 0);
    q.templates.account!.resourceCountIs('AWS::XRay::TransactionSearchConfig', 1);
    const [policy] = Object.values(propertiesOf(q.templates.account!, 'AWS::Logs::ResourcePolicy'));
    expect(JSON.stringify(policy!.PolicyDocument)).toContain('xray.amazonaws.com');
  });
});
