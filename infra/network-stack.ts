import { Stack, type StackProps } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as logs from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import type { Settings } from './settings';

/** The AWS APIs the functions and their collector call, reached through interface endpoints when there is no NAT. */
export const INTERFACE_ENDPOINTS = {
  Lambda: ec2.InterfaceVpcEndpointAwsService.LAMBDA, // fan-out, dlq, job targets
  XRay: ec2.InterfaceVpcEndpointAwsService.XRAY, // the collector's trace export (and X-Ray's OTLP endpoint)
  Monitoring: ec2.InterfaceVpcEndpointAwsService.CLOUDWATCH_MONITORING, // the collector's metrics (CloudWatch's OTLP endpoint)
  SecretsManager: ec2.InterfaceVpcEndpointAwsService.SECRETS_MANAGER, // the Redis AUTH token
  Sns: ec2.InterfaceVpcEndpointAwsService.SNS, // dead-letter summaries
} as const;

export interface NetworkStackProps extends StackProps {
  readonly settings: Settings;
}

/**
 * A VPC over two Availability Zones. The functions run in private subnets and reach Redis there. They reach
 * the AWS APIs through interface endpoints by default (egress=endpoints: no route to the internet at all),
 * or through one NAT gateway (egress=nat: cheaper with few endpoints' worth of traffic, simpler, but a path
 * out of the VPC). docs/deployment.md compares the costs.
 */
export class NetworkStack extends Stack {
  readonly vpc: ec2.Vpc;
  /** The functions' security group: Redis admits it, the endpoints admit it. */
  readonly functionsSecurityGroup: ec2.SecurityGroup;

  constructor(scope: Construct, id: string, props: NetworkStackProps) {
    super(scope, id, props);
    const nat = props.settings.egress === 'nat';
    this.vpc = new ec2.Vpc(this, 'Vpc', {
      maxAzs: 2,
      natGateways: nat ? 1 : 0,
      subnetConfiguration: [
        ...(nat ? [{ name: 'public', subnetType: ec2.SubnetType.PUBLIC, cidrMask: 24 }] : []),
        { name: 'private', subnetType: nat ? ec2.SubnetType.PRIVATE_WITH_EGRESS : ec2.SubnetType.PRIVATE_ISOLATED, cidrMask: 22 },
      ],
      // Rejected and accepted traffic, kept as long as the functions' logs.
      flowLogs: {
        all: {
          destination: ec2.FlowLogDestination.toCloudWatchLogs(
            new logs.LogGroup(this, 'FlowLogs', { retention: props.settings.logRetentionDays as logs.RetentionDays }),
          ),
          trafficType: ec2.FlowLogTrafficType.ALL,
        },
      },
    });
    this.functionsSecurityGroup = new ec2.SecurityGroup(this, 'Functions', {
      vpc: this.vpc,
      description: 'traced-queue Lambda functions',
      allowAllOutbound: false,
    });
    // HTTPS to the AWS APIs (endpoints inside the VPC, or through the NAT gateway).
    this.functionsSecurityGroup.addEgressRule(
      ec2.Peer.ipv4(nat ? '0.0.0.0/0' : this.vpc.vpcCidrBlock),
      ec2.Port.tcp(443),
      'AWS APIs over HTTPS',
    );
    if (!nat) {
      const endpoints = new ec2.SecurityGroup(this, 'Endpoints', {
        vpc: this.vpc,
        description: 'AWS API interface endpoints',
        allowAllOutbound: false,
      });
      endpoints.addIngressRule(this.functionsSecurityGroup, ec2.Port.tcp(443), 'the functions');
      for (const [name, service] of Object.entries(INTERFACE_ENDPOINTS)) {
        // open: false — only the functions' security group may reach them, not the whole VPC.
        this.vpc.addInterfaceEndpoint(name, { service, securityGroups: [endpoints], privateDnsEnabled: true, open: false });
      }
    }
  }
}
