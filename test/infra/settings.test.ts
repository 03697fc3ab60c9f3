import { execFile } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { App } from 'aws-cdk-lib';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { buildApp } from '../../infra/build-app';
import { ConfigError } from '../../shared/config';
import { readSettings } from '../../infra/settings';
import { propertiesOf, synthApp } from '../support/cdk';
import { thrownBy } from '../support/errors';

const settingsOf = (context: Record<string, unknown>) => readSettings((key) => context[key]);

describe('deployment settings', () => {
  it('has a default for everything: a deployable dev environment with nothing set', () => {
    expect(settingsOf({})).toMatchObject({
      environment: 'dev',
      samplingStrategy: 'probabilistic',
      samplingRate: 0.1,
      propagationFormat: 'xray',
      redactSensitive: true,
      pollerSchedule: 'rate(1 minute)',
      maxFanOut: 4,
      redisEngine: 'valkey',
      redisNodeType: 'cache.t4g.small',
      redisReplicas: 1,
      collectorLayerArn: undefined,
      egress: 'endpoints',
      jobsAuth: 'iam',
      transactionSearch: true,
    });
  });

  it('reads context values given on the command line as strings', () => {
    expect(
      settingsOf({ samplingRate: '0.25', redisReplicas: '2', redactSensitive: 'false', attributeAllowlist: 'queue.name, job.id' }),
    ).toMatchObject({
      samplingRate: 0.25,
      redisReplicas: 2,
      redactSensitive: false,
      attributeAllowlist: ['queue.name', 'job.id'],
    });
  });

  it.each([
    [{ environment: 'Prod!' }, 'environment'],
    [{ samplingRate: '2' }, 'samplingRate'],
    [{ samplingStrategy: 'sometimes' }, 'samplingStrategy'],
    [{ propagationFormat: 'zipkin' }, 'propagationFormat'],
    [{ redisReplicas: '0' }, 'redisReplicas'],
    [{ redisShards: '-1' }, 'redisShards'],
    [{ redisNodeType: 'm5.large' }, 'redisNodeType'],
    [{ pollerSchedule: 'every minute' }, 'pollerSchedule'],
    [{ collectorLayerArn: 'opentelemetry-collector' }, 'collectorLayerArn'],
    [{ logRetentionDays: '10' }, 'logRetentionDays'],
    [{ logLevel: 'verbose' }, 'logLevel'],
    [{ egress: 'internet' }, 'egress'],
  ])('refuses %j, naming the context key', (context, key) => {
    expect(thrownBy(() => settingsOf(context), ConfigError).key).toBe(key);
  });

  it('stops the synth on a setting the functions would refuse at their cold start, naming the variable', () => {
    const error = thrownBy(() => synthApp({ jobTargets: 'thumbnail' }), ConfigError);
    expect(error.key).toBe('JOB_TARGETS');
    expect(error.message).toContain('worker-poller');
  });

  it('says what is wrong in one line and exits 1 when cdk runs the app with a bad setting', async () => {
    const app = join(import.meta.dirname, '..', '..', 'infra', 'app.ts');
    // As `cdk synth -c egress=natgw` runs it: context in CDK_CONTEXT_JSON, output in CDK_OUTDIR.
    const env = {
      ...process.env,
      CDK_CONTEXT_JSON: JSON.stringify({ egress: 'natgw' }),
      CDK_OUTDIR: mkdtempSync(join(tmpdir(), 'tq-cdk-')),
    };
    const result = await promisify(execFile)(process.execPath, ['--import', 'tsx', app], { env }).then(
      () => ({ code: 0, stderr: '' }),
      (error: { code: number; stderr: string }) => error,
    );
    expect(result.code).toBe(1);
    expect(result.stderr.trim().split('\n')).toEqual(['cdk: egress: "natgw" is not one of endpoints, nat']);
  }, 60_000);
});

describe('deployment variants', () => {
  it('egress=nat: one NAT gateway and private subnets with a route out, no interface endpoints', () => {
    const { templates } = synthApp({ egress: 'nat' });
    templates.network.resourceCountIs('AWS::EC2::NatGateway', 1);
    templates.network.resourceCountIs('AWS::EC2::VPCEndpoint', 0);
  });

  it('jobsAuth=apikey: POST /jobs takes an API key under a usage plan, /admin stays IAM only', () => {
    const { templates } = synthApp({ jobsAuth: 'apikey' });
    const methods = Object.values(propertiesOf(templates.pipeline, 'AWS::ApiGateway::Method'));
    expect(methods.filter((m) => m.HttpMethod === 'POST').map((m) => [m.AuthorizationType, m.ApiKeyRequired])).toEqual([
      ['NONE', true],
      ['NONE', true],
    ]);
    expect(methods.find((m) => m.HttpMethod === 'ANY')).toMatchObject({ AuthorizationType: 'AWS_IAM' });
    templates.pipeline.resourceCountIs('AWS::ApiGateway::UsagePlan', 1);
    templates.pipeline.resourceCountIs('AWS::ApiGateway::ApiKey', 1);
  });

  it('logLevel=debug: every function logs at the debug application level', () => {
    const { templates } = synthApp({ logLevel: 'DEBUG' });
    const levels = Object.values(propertiesOf(templates.pipeline, 'AWS::Lambda::Function')).map((f) => f.LoggingConfig.ApplicationLogLevel);
    expect(levels).toEqual(['DEBUG', 'DEBUG', 'DEBUG', 'DEBUG']);
  });

  it('jobTargets: the poller may invoke the target functions too, and knows them', () => {
    const { templates } = synthApp({ jobTargets: 'thumbnail=tq-thumbnail,report=arn:aws:lambda:eu-west-1:123456789012:function:report' });
    const poller = Object.values(propertiesOf(templates.pipeline, 'AWS::Lambda::Function')).find(
      (f) => f.FunctionName === 'tq-dev-worker-poller',
    )!;
    expect(poller.Environment.Variables.JOB_TARGETS).toBe(
      'thumbnail=tq-thumbnail,report=arn:aws:lambda:eu-west-1:123456789012:function:report',
    );
    const invoke = JSON.stringify(
      Object.values(propertiesOf(templates.pipeline, 'AWS::IAM::Policy'))
        .flatMap((p) => p.PolicyDocument.Statement)
        .find((s: { Action: unknown }) => s.Action === 'lambda:InvokeFunction'),
    );
    expect(invoke).toContain(':function:tq-thumbnail');
    expect(invoke).toContain('arn:aws:lambda:eu-west-1:123456789012:function:report');
  });

  it('redisShards=3: cluster mode enabled, still TLS, AUTH, KMS, Multi-AZ and noeviction; the functions told REDIS_CLUSTER', () => {
    const { templates } = synthApp({ redisShards: '3', redisReplicas: '2' });
    templates.data.hasResourceProperties('AWS::ElastiCache::ReplicationGroup', {
      ClusterMode: 'enabled',
      NumNodeGroups: 3,
      ReplicasPerNodeGroup: 2,
      TransitEncryptionEnabled: true,
      TransitEncryptionMode: 'required',
      AtRestEncryptionEnabled: true,
      MultiAZEnabled: true,
      AutomaticFailoverEnabled: true,
    });
    templates.data.hasResourceProperties('AWS::ElastiCache::ParameterGroup', {
      Properties: { 'maxmemory-policy': 'noeviction', 'cluster-enabled': 'yes' },
    });
    for (const f of Object.values(propertiesOf(templates.pipeline, 'AWS::Lambda::Function'))) {
      expect(f.Environment.Variables.REDIS_CLUSTER).toBe('true');
      expect(JSON.stringify(f.Environment.Variables.REDIS_URL)).toMatch(/ConfigurationEndPoint\.?Address/);
    }
  });

  it('lets a second environment deploy beside the first: account-level resources in one stack both deploy alike', () => {
    const dev = synthApp({ environment: 'dev' });
    const prod = synthApp({ environment: 'prod' });
    expect([dev.account!.stackName, prod.account!.stackName]).toEqual(['tq-account', 'tq-account']);
    expect(prod.templates.account!.toJSON()).toEqual(dev.templates.account!.toJSON());
    // Everything else is the environment's own.
    expect(prod.pipeline.stackName).not.toBe(dev.pipeline.stackName);
    for (const t of [dev.templates.pipeline, prod.templates.pipeline]) t.resourceCountIs('AWS::XRay::TransactionSearchConfig', 0);
  });

  it('names resources by environment, uses a given collector layer, another engine, and can leave Transaction Search alone', () => {
    const layer = 'arn:aws:lambda:eu-west-1:111122223333:layer:my-collector:7';
    const { templates, pipeline } = synthApp({
      environment: 'prod',
      collectorLayerArn: layer,
      redisEngine: 'redis',
      transactionSearch: 'false',
      alarmEmail: 'ops@example.com',
    });
    expect(pipeline.stackName).toBe('tq-prod-pipeline');
    for (const f of Object.values(propertiesOf(templates.pipeline, 'AWS::Lambda::Function'))) expect(f.Layers).toEqual([layer]);
    templates.data.hasResourceProperties('AWS::ElastiCache::ParameterGroup', { CacheParameterGroupFamily: 'redis7' });
    expect(templates.account).toBeUndefined();
    templates.pipeline.hasResourceProperties('AWS::SNS::Subscription', { Protocol: 'email', Endpoint: 'ops@example.com' });
  });
});

describe('cdk-nag', () => {
  it('runs its AWS Solutions checks in the synth: an unacknowledged finding fails it', () => {
    // The project's own app (buildApp adds the checks): a careless resource in one of its stacks fails the synth.
    const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
    const built = buildApp(app);
    new s3.Bucket(built.data, 'Open'); // no access logs, no SSL-only policy
    expect(() => app.synth()).toThrow(/AwsSolutions-S1|AwsSolutions-S10/);
  });
});
