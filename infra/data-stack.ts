import { Stack, type StackProps } from 'aws-cdk-lib';
import { acknowledge } from './nag';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as elasticache from 'aws-cdk-lib/aws-elasticache';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import type { Construct } from 'constructs';
import type { Settings } from './settings';
import { HASH_MAX_LISTPACK_VALUE } from '../shared/queue/limits';

/** Not Redis's default 6379: fewer drive-by scans of a well-known port (cdk-nag AwsSolutions-AEC5). */
export const REDIS_PORT = 6380;

/** Parameter group families of the engine versions deployed. */
const ENGINES = {
  valkey: { version: '8.0', family: 'valkey8' },
  redis: { version: '7.1', family: 'redis7' },
} as const;

export interface DataStackProps extends StackProps {
  readonly settings: Settings;
  readonly vpc: ec2.IVpc;
  /** Who may connect: the functions. */
  readonly clients: ec2.ISecurityGroup;
}

/**
 * The queue's Redis: an ElastiCache (Valkey or Redis OSS) replication group with TLS in transit, encryption
 * at rest under a customer key, an AUTH token kept in Secrets Manager, Multi-AZ with automatic failover,
 * and `maxmemory-policy noeviction` — a queue must refuse writes when full, never drop jobs. Serverless
 * ElastiCache is not used: its eviction policy cannot be set, and it rejects EVALSHA inside MULTI.
 */
export class DataStack extends Stack {
  readonly replicationGroup: elasticache.CfnReplicationGroup;
  readonly authSecret: secretsmanager.Secret;
  /** The key the secret (and the data) are encrypted with. */
  readonly key: kms.Key;
  /** `rediss://host:port`, for REDIS_URL: the primary endpoint, or with cluster mode the configuration endpoint. */
  readonly redisUrl: string;
  /** Cluster mode enabled (REDIS_CLUSTER for the functions). */
  readonly redisCluster: boolean;

  constructor(scope: Construct, id: string, props: DataStackProps) {
    super(scope, id, props);
    const { settings } = props;
    const engine = ENGINES[settings.redisEngine];
    const key = (this.key = new kms.Key(this, 'Key', { enableKeyRotation: true, description: 'traced-queue Redis data and AUTH token' }));

    this.authSecret = new secretsmanager.Secret(this, 'AuthToken', {
      description: 'AUTH token of the traced-queue Redis',
      encryptionKey: key,
      // ElastiCache AUTH tokens: 16–128 printable characters, no @, ", / or spaces.
      generateSecretString: { passwordLength: 64, excludePunctuation: true },
    });
    acknowledge(this.authSecret, {
      'AwsSolutions-SMG4':
        'Rotating an ElastiCache AUTH token needs ModifyReplicationGroup with AuthTokenUpdateStrategy ROTATE then SET, and every client to reconnect with the new token; this project ships no rotation function yet. Rotate by hand: see docs/deployment.md.',
    });

    const securityGroup = new ec2.SecurityGroup(this, 'Redis', {
      vpc: props.vpc,
      description: 'traced-queue Redis',
      allowAllOutbound: false,
    });
    // Both directions: the functions' group allows no outbound traffic by default, so it needs the egress rule too.
    securityGroup.connections.allowFrom(props.clients, ec2.Port.tcp(REDIS_PORT), 'the functions');
    const subnets = new elasticache.CfnSubnetGroup(this, 'Subnets', {
      description: 'traced-queue Redis',
      subnetIds: props.vpc.selectSubnets({
        subnetType: props.vpc.isolatedSubnets.length > 0 ? ec2.SubnetType.PRIVATE_ISOLATED : ec2.SubnetType.PRIVATE_WITH_EGRESS,
      }).subnetIds,
    });
    const parameters = new elasticache.CfnParameterGroup(this, 'Parameters', {
      cacheParameterGroupFamily: engine.family,
      description: 'traced-queue: never evict jobs',
      properties: {
        'maxmemory-policy': 'noeviction',
        // Job records as compact listpacks (shared/queue/limits.ts says why).
        'hash-max-listpack-value': String(HASH_MAX_LISTPACK_VALUE),
        ...(settings.redisShards > 0 ? { 'cluster-enabled': 'yes' } : {}),
      },
    });

    this.replicationGroup = new elasticache.CfnReplicationGroup(this, 'ReplicationGroup', {
      replicationGroupDescription: `traced-queue ${settings.environment}`,
      engine: settings.redisEngine,
      engineVersion: engine.version,
      cacheNodeType: settings.redisNodeType,
      // Cluster mode (-c redisShards=N): the namespace's keys share one hash tag, so one queue namespace
      // lives on one shard; more shards hold more namespaces and spread failover, not one queue's load.
      numNodeGroups: Math.max(1, settings.redisShards),
      ...(settings.redisShards > 0 ? { clusterMode: 'enabled' } : {}),
      replicasPerNodeGroup: settings.redisReplicas,
      multiAzEnabled: true,
      automaticFailoverEnabled: true,
      transitEncryptionEnabled: true,
      transitEncryptionMode: 'required',
      atRestEncryptionEnabled: true,
      kmsKeyId: key.keyId,
      authToken: this.authSecret.secretValue.unsafeUnwrap(), // a dynamic reference resolved by CloudFormation, never in the template
      port: REDIS_PORT,
      cacheParameterGroupName: parameters.ref,
      cacheSubnetGroupName: subnets.ref,
      securityGroupIds: [securityGroup.securityGroupId],
      snapshotRetentionLimit: 7,
      autoMinorVersionUpgrade: true,
    });
    this.redisCluster = settings.redisShards > 0;
    this.redisUrl = this.redisCluster
      ? `rediss://${this.replicationGroup.attrConfigurationEndPointAddress}:${REDIS_PORT}`
      : `rediss://${this.replicationGroup.attrPrimaryEndPointAddress}:${REDIS_PORT}`;
  }
}
