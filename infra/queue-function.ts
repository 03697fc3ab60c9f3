import { join } from 'node:path';
import { type CfnElement, type Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { BUNDLE_DEFINE, carryCommands } from '../scripts/bundle';
import { ESBUILD_TARGET } from '../scripts/node-target';
import { acknowledge } from './nag';
import type * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as nodejs from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';

export const ROOT = join(import.meta.dirname, '..');
/** The collector configuration, bundled next to every function's code. */
export const COLLECTOR_CONFIG = join(import.meta.dirname, 'collector', 'collector.yaml');
/**
 * The Lambda runtime the bundles target (test/project/node-target.test.ts holds it to LAMBDA_RUNTIME). The
 * newest Node.js runtime aws-cdk-lib knows, so cdk-nag's AwsSolutions-L1 passes without a suppression.
 */
export const RUNTIME = lambda.Runtime.NODEJS_24_X;
/** Where the collector layer finds it in the sandbox (the bundle is unpacked in /var/task). */
export const COLLECTOR_CONFIG_URI = '/var/task/collector.yaml';

const APPLICATION_LOG_LEVEL = {
  debug: lambda.ApplicationLogLevel.DEBUG,
  info: lambda.ApplicationLogLevel.INFO,
  warn: lambda.ApplicationLogLevel.WARN,
  error: lambda.ApplicationLogLevel.ERROR,
} as const;

export type { FunctionName } from '../shared/config/functions';
import type { FunctionName } from '../shared/config/functions';

export interface QueueFunctionProps {
  readonly name: FunctionName;
  /** `tq-<environment>-<name>`. */
  readonly functionName: string;
  readonly memorySize: number;
  readonly timeout: Duration;
  readonly environment: Record<string, string>;
  readonly vpc: ec2.IVpc;
  readonly securityGroup: ec2.ISecurityGroup;
  readonly collectorLayer: lambda.ILayerVersion;
  readonly logRetentionDays: number;
  readonly logLevel: 'debug' | 'info' | 'warn' | 'error';
}

/**
 * Every function of the pipeline: Node 24 on ARM64, bundled by esbuild into one minified file with source
 * maps (ESM main fields, as `npm run build`), active X-Ray tracing, the OpenTelemetry collector layer with
 * our configuration file beside the code, its own log group with a retention, and a role of its own with
 * only what every function needs; the stack grants the rest function by function.
 */
export class QueueFunction extends nodejs.NodejsFunction {
  constructor(scope: Construct, id: string, props: QueueFunctionProps) {
    const logGroup = new logs.LogGroup(scope, `${id}Logs`, {
      logGroupName: `/aws/lambda/${props.functionName}`,
      retention: props.logRetentionDays as logs.RetentionDays,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    const role = new iam.Role(scope, `${id}Role`, {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: `${props.functionName}: logs, VPC network interfaces, X-Ray`,
    });
    super(scope, id, {
      functionName: props.functionName,
      entry: join(ROOT, 'functions', props.name, 'handler.ts'),
      handler: 'handler',
      projectRoot: ROOT,
      depsLockFilePath: join(ROOT, 'package-lock.json'),
      runtime: RUNTIME,
      architecture: lambda.Architecture.ARM_64,
      memorySize: props.memorySize,
      timeout: props.timeout,
      role,
      logGroup,
      // Lambda's JSON log format: its own lines (START, REPORT…) as JSON beside ours, and the application
      // level (AWS_LAMBDA_LOG_LEVEL) filters below it. Our records are already in its shape (shared/log.ts).
      loggingFormat: lambda.LoggingFormat.JSON,
      applicationLogLevelV2: APPLICATION_LOG_LEVEL[props.logLevel],
      systemLogLevelV2: lambda.SystemLogLevel.INFO,
      tracing: lambda.Tracing.ACTIVE,
      vpc: props.vpc,
      vpcSubnets: { subnets: props.vpc.isolatedSubnets.length > 0 ? props.vpc.isolatedSubnets : props.vpc.privateSubnets },
      securityGroups: [props.securityGroup],
      layers: [props.collectorLayer],
      environment: {
        ...props.environment,
        OPENTELEMETRY_COLLECTOR_CONFIG_URI: COLLECTOR_CONFIG_URI,
        NODE_OPTIONS: '--enable-source-maps',
      },
      bundling: {
        minify: true,
        sourceMap: true,
        sourcesContent: false,
        target: ESBUILD_TARGET,
        format: nodejs.OutputFormat.CJS,
        mainFields: ['module', 'main'],
        define: { ...BUNDLE_DEFINE },
        // The AWS SDK is bundled too: one pinned version, tested with this code, not the runtime's.
        externalModules: [],
        commandHooks: {
          beforeBundling: () => [],
          beforeInstall: () => [],
          afterBundling: (_input: string, output: string) => [
            `cp "${COLLECTOR_CONFIG}" "${output}/collector.yaml"`,
            ...carryCommands(ROOT, output),
          ],
        },
      },
    });
    // Its own log group's streams only (the group is made above, so the function needs no CreateLogGroup).
    role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        actions: ['logs:CreateLogStream', 'logs:PutLogEvents'],
        resources: [`${logGroup.logGroupArn}:*`],
      }),
    );
    // The network interfaces that put the function in the VPC (what AWSLambdaVPCAccessExecutionRole grants).
    role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        actions: [
          'ec2:CreateNetworkInterface',
          'ec2:DescribeNetworkInterfaces',
          'ec2:DescribeSubnets',
          'ec2:DeleteNetworkInterface',
          'ec2:AssignPrivateIpAddresses',
          'ec2:UnassignPrivateIpAddresses',
        ],
        resources: ['*'],
      }),
    );
    const logGroupId = Stack.of(this).getLogicalId(logGroup.node.defaultChild as CfnElement);
    acknowledge(role, {
      [`AwsSolutions-IAM5[Resource::<${logGroupId}.Arn>:*]`]:
        "Log streams are created by Lambda at run time under the function's own log group; their names cannot be known in advance.",
      'AwsSolutions-IAM5[Resource::*]':
        "X-Ray PutTraceSegments/PutTelemetryRecords (active tracing), CloudWatch PutMetricData (the collector's metrics) and EC2 network-interface actions (VPC) support no resource-level permissions.",
    });
  }
}
