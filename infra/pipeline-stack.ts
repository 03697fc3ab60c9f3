import { ArnFormat, CfnOutput, Duration, Stack, type StackProps } from 'aws-cdk-lib';
import { acknowledge } from './nag';
import { DEFAULT_API_BATCH_SIZE } from '../shared/queue/limits';
import type * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import type * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import type { Construct } from 'constructs';
import type { AppConfig } from '../shared/config';
import { collectorLayer } from './collector-layer';
import { checkFunctionEnv, functionEnv, QUEUE_NAMESPACE } from './function-env';
import { QueueAlarms } from './pipeline/alarms';
import { QueueApi } from './pipeline/api';
import { FUNCTION_NAMES, FUNCTION_SIZES } from '../shared/config/functions';
import { QueueFunction, type FunctionName } from './queue-function';
import type { Settings } from './settings';

export interface PipelineStackProps extends StackProps {
  readonly settings: Settings;
  readonly vpc: ec2.IVpc;
  readonly functionsSecurityGroup: ec2.ISecurityGroup;
  readonly redisUrl: string;
  readonly redisCluster: boolean;
  readonly authSecret: secretsmanager.ISecret;
  readonly authKey: kms.IKey;
}

const size = (name: FunctionName) => ({
  memorySize: FUNCTION_SIZES[name].memoryMb,
  timeout: Duration.millis(FUNCTION_SIZES[name].timeoutMs),
});

/**
 * The pipeline: the four functions, the REST API in front of enqueue and admin, the schedules of the poller
 * and the dead-letter sweep, the topic for dead-letter summaries and alarms, the alarms, and X-Ray
 * Transaction Search. IAM is per function: each gets only the calls it makes.
 */
export class PipelineStack extends Stack {
  readonly functions: Readonly<Record<FunctionName, QueueFunction>>;
  readonly api: QueueApi;
  readonly topic: sns.Topic;

  constructor(scope: Construct, id: string, props: PipelineStackProps) {
    super(scope, id, props);
    const { settings } = props;
    const functionName = (name: FunctionName) => `tq-${settings.environment}-${name}`;
    // ARNs built from names, not from the functions: a role that names its own function would be a cycle.
    const functionArn = (name: string) =>
      name.startsWith('arn:')
        ? name
        : this.formatArn({ service: 'lambda', resource: 'function', resourceName: name, arnFormat: ArnFormat.COLON_RESOURCE_NAME });

    const key = new kms.Key(this, 'TopicKey', { enableKeyRotation: true, description: 'traced-queue alerts topic' });
    // CloudWatch alarms publish to the encrypted topic.
    key.addToResourcePolicy(
      new iam.PolicyStatement({
        principals: [new iam.ServicePrincipal('cloudwatch.amazonaws.com')],
        actions: ['kms:Decrypt', 'kms:GenerateDataKey*'],
        resources: ['*'],
      }),
    );
    this.topic = new sns.Topic(this, 'Alerts', { topicName: `tq-${settings.environment}-alerts`, masterKey: key, enforceSSL: true });
    if (settings.alarmEmail) this.topic.addSubscription(new subscriptions.EmailSubscription(settings.alarmEmail));

    const layer = collectorLayer(this, settings.collectorLayerArn);
    const refs = {
      redisUrl: props.redisUrl,
      redisCluster: props.redisCluster,
      authSecretArn: props.authSecret.secretArn,
      topicArn: this.topic.topicArn,
      functionNames: Object.fromEntries(FUNCTION_NAMES.map((n) => [n, functionName(n)])) as Record<FunctionName, string>,
    };
    const made = {} as Record<FunctionName, QueueFunction>;
    const configs = {} as Record<FunctionName, AppConfig>;
    for (const name of FUNCTION_NAMES) {
      const environment = functionEnv(name, settings, refs);
      configs[name] = checkFunctionEnv(name, environment);
      const fn = new QueueFunction(this, pascal(name), {
        name,
        functionName: functionName(name),
        ...size(name),
        environment,
        vpc: props.vpc,
        securityGroup: props.functionsSecurityGroup,
        collectorLayer: layer,
        logRetentionDays: settings.logRetentionDays,
        logLevel: settings.logLevel,
      });
      // The AUTH token, granted on the functions' side: a grant in the data stack's key policy would make
      // the two stacks depend on each other.
      fn.addToRolePolicy(new iam.PolicyStatement({ actions: ['secretsmanager:GetSecretValue'], resources: [props.authSecret.secretArn] }));
      fn.addToRolePolicy(
        new iam.PolicyStatement({
          actions: ['kms:Decrypt'],
          resources: [props.authKey.keyArn],
          conditions: { StringEquals: { 'kms:ViaService': `secretsmanager.${this.region}.amazonaws.com` } },
        }),
      );
      // The collector's metrics export (CloudWatch's OTLP endpoint signs as PutMetricData).
      fn.addToRolePolicy(new iam.PolicyStatement({ actions: ['cloudwatch:PutMetricData'], resources: ['*'] }));
      made[name] = fn;
    }
    this.functions = made;

    // The poller invokes the dlq function, itself (fan-out) and the job targets; nothing else invokes.
    const targetFunctions = Object.values(configs['worker-poller'].targets);
    made['worker-poller'].addToRolePolicy(
      new iam.PolicyStatement({
        actions: ['lambda:InvokeFunction'],
        resources: [functionName('dlq'), functionName('worker-poller'), ...targetFunctions].map(functionArn),
      }),
    );
    this.topic.grantPublish(made.dlq);

    this.api = new QueueApi(this, 'Api', {
      settings,
      enqueue: made.enqueue,
      admin: made.admin,
      maxBatchSize: configs.enqueue.queue.maxBatchSize ?? DEFAULT_API_BATCH_SIZE,
    });

    new events.Rule(this, 'PollerSchedule', {
      description: 'starts a worker-poller; it drains the queues within its time budget and fans out under backlog',
      schedule: events.Schedule.expression(settings.pollerSchedule),
      targets: [new targets.LambdaFunction(made['worker-poller'], { retryAttempts: 0 })],
    });
    new events.Rule(this, 'DlqSweepSchedule', {
      description: 'sweeps the dead-letter queue for redrives that are due, and reports its depth',
      schedule: events.Schedule.expression(settings.dlqSweepSchedule),
      targets: [new targets.LambdaFunction(made.dlq, { retryAttempts: 0 })],
    });

    new QueueAlarms(this, 'Alarms', { settings, topic: this.topic, queueNamespace: QUEUE_NAMESPACE, functions: made });

    acknowledge(made.dlq.role!, {
      'AwsSolutions-IAM5[Action::kms:GenerateDataKey*]':
        'Publishing to the KMS-encrypted topic needs GenerateDataKey* on its one key (granted by topic.grantPublish, scoped to that key).',
    });

    new CfnOutput(this, 'ApiUrl', { value: this.api.api.url, description: 'POST {ApiUrl}jobs · GET {ApiUrl}admin/stats' });
    new CfnOutput(this, 'AlertsTopic', { value: this.topic.topicArn });
    if (this.api.apiKey)
      new CfnOutput(this, 'JobsApiKeyId', {
        value: this.api.apiKey.keyId,
        description: 'aws apigateway get-api-key --include-value --api-key <id>',
      });
  }
}

const pascal = (name: string) => name.replace(/(^|-)(\w)/g, (_m, _d, c: string) => c.toUpperCase());
