import { LambdaClient } from '@aws-sdk/client-lambda';
import type { AppConfig } from '../config';
import { isLoopback } from '../config/values';

/**
 * Options for an AWS SDK client. With an endpoint override on loopback (local stand-ins for the Lambda
 * and SNS APIs) there is no account behind it: it signs with the key pair
 * in AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY when both are set (as Lambda sets a function's role's, the
 * host running the functions locally gives the one its stand-in accepts), else with placeholders; never with a session token
 * or the rest of the credential chain. A SigV4 signature never carries the secret and binds the Host, so
 * nothing it sends to loopback works anywhere else.
 */
export function awsClientOptions(region: string, endpoint?: string, env: Readonly<Record<string, string | undefined>> = process.env) {
  const local = endpoint !== undefined && isLoopback(new URL(endpoint).hostname);
  const pair =
    env.AWS_ACCESS_KEY_ID && env.AWS_SECRET_ACCESS_KEY
      ? { accessKeyId: env.AWS_ACCESS_KEY_ID, secretAccessKey: env.AWS_SECRET_ACCESS_KEY }
      : undefined;
  return {
    region,
    ...(endpoint ? { endpoint } : {}),
    ...(local ? { credentials: pair ?? { accessKeyId: 'local', secretAccessKey: 'local' } } : {}),
  };
}

/** The Lambda client of the functions that invoke others (LAMBDA_ENDPOINT overrides the endpoint). */
export function lambdaClient(
  config: AppConfig,
  env: NodeJS.ProcessEnv | Readonly<Record<string, string | undefined>> = process.env,
): LambdaClient {
  return new LambdaClient({ ...awsClientOptions(config.lambda.region, config.lambda.endpoint, env), maxAttempts: 2 });
}
