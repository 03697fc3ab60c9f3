import { defaultProvider } from '@aws-sdk/credential-provider-node';
import { SignatureV4 } from '@smithy/signature-v4';
import { Sha256 } from '@smithy/core/checksum';

/** `abc123.execute-api.eu-west-1.amazonaws.com` → `eu-west-1`. */
export function regionOfApiHost(host: string): string | undefined {
  return /\.execute-api\.([a-z0-9-]+)\.amazonaws\.com(\.cn)?$/.exec(host)?.[1];
}

/**
 * Signs a request to a deployed API with IAM auth (service `execute-api`), with the standard credential
 * chain: environment, SSO, shared config and credentials files, web identity, container and instance roles.
 */
export async function signedHeaders(
  request: { method: string; url: URL; headers: Record<string, string>; body?: string },
  region: string,
): Promise<Record<string, string>> {
  const signer = new SignatureV4({ service: 'execute-api', region, credentials: defaultProvider(), sha256: Sha256 });
  const query: Record<string, string> = {};
  for (const [k, v] of request.url.searchParams) query[k] = v;
  const signed = await signer
    .sign({
      method: request.method,
      protocol: request.url.protocol,
      hostname: request.url.hostname,
      ...(request.url.port ? { port: Number(request.url.port) } : {}),
      path: request.url.pathname,
      query,
      headers: { ...request.headers, host: request.url.host },
      ...(request.body !== undefined ? { body: request.body } : {}),
    })
    .catch((error: unknown) => {
      if ((error as Error).name !== 'CredentialsProviderError') throw error;
      throw new Error(
        'no AWS credentials to sign the request with (SigV4, as the API requires): set AWS_PROFILE, or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY',
      );
    });
  return signed.headers as Record<string, string>;
}
