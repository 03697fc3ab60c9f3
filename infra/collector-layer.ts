import { Aws, type Stack } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';

/**
 * The OpenTelemetry collector Lambda layer (open-telemetry/opentelemetry-lambda), ARM64, as its project
 * publishes it in every commercial region under one account and name; the region is the stack's own, so
 * one template deploys anywhere. Override with `-c collectorLayerArn=…` (a newer release, another
 * partition, or a layer built yourself).
 */
export const COLLECTOR_LAYER = { account: '184161586896', name: 'opentelemetry-collector-arm64-0_23_0', version: 1 } as const;

export function defaultCollectorLayerArn(): string {
  return `arn:${Aws.PARTITION}:lambda:${Aws.REGION}:${COLLECTOR_LAYER.account}:layer:${COLLECTOR_LAYER.name}:${COLLECTOR_LAYER.version}`;
}

export function collectorLayer(stack: Stack, arn: string | undefined): lambda.ILayerVersion {
  return lambda.LayerVersion.fromLayerVersionArn(stack, 'CollectorLayer', arn ?? defaultCollectorLayerArn());
}
