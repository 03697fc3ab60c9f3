import { Tags, Validations, type App } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { AccountStack } from './account-stack';
import { DataStack } from './data-stack';
import { NetworkStack } from './network-stack';
import { PipelineStack } from './pipeline-stack';
import { readSettings, type Settings } from './settings';

export interface QueueApp {
  readonly settings: Settings;
  readonly network: NetworkStack;
  readonly data: DataStack;
  readonly pipeline: PipelineStack;
  /** Account-level resources (Transaction Search), shared by every environment; absent with transactionSearch=false. */
  readonly account?: AccountStack;
}

/** The stacks of one deployment (`tq-<environment>-…`), with cdk-nag's AWS Solutions checks on the app. */
export function buildApp(app: App): QueueApp {
  const settings = readSettings((key) => app.node.tryGetContext(key));
  const prefix = `tq-${settings.environment}`;
  const network = new NetworkStack(app, `${prefix}-network`, { settings, description: 'traced-queue: VPC and AWS API endpoints' });
  const data = new DataStack(app, `${prefix}-data`, {
    settings,
    vpc: network.vpc,
    clients: network.functionsSecurityGroup,
    description: 'traced-queue: ElastiCache (Valkey/Redis) with TLS and AUTH',
  });
  const pipeline = new PipelineStack(app, `${prefix}-pipeline`, {
    settings,
    vpc: network.vpc,
    functionsSecurityGroup: network.functionsSecurityGroup,
    redisUrl: data.redisUrl,
    redisCluster: data.redisCluster,
    authSecret: data.authSecret,
    authKey: data.key,
    description: 'traced-queue: functions, API, schedules, alarms',
  });
  const account = settings.transactionSearch
    ? new AccountStack(app, { description: 'traced-queue: X-Ray Transaction Search, once per account and region' })
    : undefined;
  Tags.of(app).add('project', 'traced-queue');
  // Not on the account stack: every environment deploys it, and must deploy the same template.
  for (const stack of [network, data, pipeline]) Tags.of(stack).add('environment', settings.environment);
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  return { settings, network, data, pipeline, ...(account ? { account } : {}) };
}
