import { LambdaClient } from '@aws-sdk/client-lambda';
import type { AppConfig } from '../config';
import { isLoopback } from '../config/values';

/**
 * Options for an AWS SDK client. With an endpoint override on loopback (the local pipeline's stand-ins
 * for the Lambda and SNS APIs, and the tests') it signs with placeholder credentials: there is no
 * account behind it, and no real credentials should be sent to it.
 */
export function awsClientOptions(region: string, endpoint?: string) {
  const local = endpoint !== undefined && isLoopback(new URL(endpoint).hostname);
  return {
    region,
    ...(endpoint ? { endpoint } : {}),
    ...(local ? { credentials: { accessKeyId: 'local', secretAccessKey: 'local' } } : {}),
  };
}

/** The Lambda client of the functions that invoke others (LAMBDA_ENDPOINT overrides the endpoint). */
export function lambdaClient(config: AppConfig): LambdaClient {
  return new LambdaClient({ ...awsClientOptions(config.lambda.region, config.lambda.endpoint), maxAttempts: 2 });
}
