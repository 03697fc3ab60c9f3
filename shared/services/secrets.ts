import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { AppConfig } from '../config';

/**
 * The Redis AUTH token: given directly (local), or read once per cold start from Secrets Manager
 * (deployed: ElastiCache's AUTH token never sits in an environment variable). The secret holds the token
 * itself, or JSON with a `token` (or `password`) field.
 */
export async function redisAuthToken(config: AppConfig): Promise<{ authToken?: string }> {
  if (config.redis.authToken) return { authToken: config.redis.authToken };
  if (!config.redis.authSecretArn) return {};
  const client = new SecretsManagerClient({ region: config.lambda.region });
  const { SecretString } = await client.send(new GetSecretValueCommand({ SecretId: config.redis.authSecretArn }));
  client.destroy();
  if (!SecretString) throw new Error('the Redis AUTH secret has no string value');
  try {
    const parsed = JSON.parse(SecretString) as { token?: string; password?: string };
    const token = parsed.token ?? parsed.password;
    if (typeof token === 'string') return { authToken: token };
  } catch {
    // not JSON: the secret is the token itself
  }
  return { authToken: SecretString };
}
