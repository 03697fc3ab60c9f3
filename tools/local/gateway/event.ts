import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { APIGatewayEventIdentity, APIGatewayProxyEvent } from 'aws-lambda';
import { LOCAL_ACCOUNT_ID } from '../lambda/limits';

export const LOCAL_API_ID = 'local';
export const LOCAL_STAGE = 'local';

export interface ProxyRequest {
  readonly req: IncomingMessage;
  readonly url: URL;
  /** The path as received (API Gateway's `path`): not resolved, unlike `url.pathname`. */
  readonly path: string;
  readonly body: string;
  /** API Gateway's resource template: `/jobs`, `/jobs/batch`, `/admin/{proxy+}`. */
  readonly resource: string;
  readonly pathParameters: Record<string, string> | null;
  readonly traceHeader: string;
  /** The caller IAM authenticated (admin routes); null for unauthenticated routes. */
  readonly identity: { readonly userArn: string; readonly caller: string; readonly user: string; readonly accessKey: string } | null;
  /** Headers API Gateway consumes rather than passes on. */
  readonly dropHeaders?: readonly string[];
}

/** `24/Nov/2026:10:00:00 +0000`, the requestContext.requestTime format. */
function requestTime(date: Date): string {
  const months = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
  const p = (n: number) => String(n).padStart(2, '0');
  return `${p(date.getUTCDate())}/${months[date.getUTCMonth()]}/${date.getUTCFullYear()}:${p(date.getUTCHours())}:${p(date.getUTCMinutes())}:${p(date.getUTCSeconds())} +0000`;
}

function multi(entries: Iterable<[string, string]>): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const [k, v] of entries) (out[k] ??= []).push(v);
  return out;
}

const lastOf = (m: Record<string, string[]>) => Object.fromEntries(Object.entries(m).map(([k, v]) => [k, v[v.length - 1]!]));

/**
 * A REST API (v1) Lambda proxy event, as API Gateway builds it: headers in their sent case with the ones it
 * adds (X-Forwarded-*, X-Amzn-Trace-Id), single and multi-value forms, the stage in requestContext.path.
 */
export function toProxyEvent(p: ProxyRequest): APIGatewayProxyEvent {
  const now = new Date();
  const raw: [string, string][] = [];
  const drop = new Set((p.dropHeaders ?? []).map((h) => h.toLowerCase()));
  const skip = new Set([...drop, 'x-amzn-trace-id', 'x-forwarded-for', 'x-forwarded-proto', 'x-forwarded-port']);
  for (let i = 0; i < p.req.rawHeaders.length; i += 2) {
    const name = p.req.rawHeaders[i]!;
    if (!skip.has(name.toLowerCase())) raw.push([name, p.req.rawHeaders[i + 1]!]);
  }
  const sourceIp = p.req.socket.remoteAddress?.replace(/^::ffff:/, '') ?? '127.0.0.1';
  const forwardedFor = p.req.headers['x-forwarded-for'];
  raw.push(
    ['X-Amzn-Trace-Id', p.traceHeader],
    ['X-Forwarded-For', forwardedFor ? `${forwardedFor}, ${sourceIp}` : sourceIp],
    ['X-Forwarded-Port', String(p.req.socket.localPort ?? '')],
    ['X-Forwarded-Proto', 'http'],
  );
  const multiValueHeaders = multi(raw);
  const query = multi(p.url.searchParams.entries());
  const hasQuery = Object.keys(query).length > 0;
  const requestId = randomUUID();
  const method = p.req.method ?? 'GET';
  const userAgent = p.req.headers['user-agent'] ?? null;
  return {
    resource: p.resource,
    path: p.path,
    httpMethod: method,
    headers: lastOf(multiValueHeaders),
    multiValueHeaders,
    queryStringParameters: hasQuery ? lastOf(query) : null,
    multiValueQueryStringParameters: hasQuery ? query : null,
    pathParameters: p.pathParameters,
    stageVariables: null,
    body: p.body === '' ? null : p.body,
    isBase64Encoded: false,
    requestContext: {
      accountId: LOCAL_ACCOUNT_ID,
      apiId: LOCAL_API_ID,
      authorizer: null,
      domainName: p.req.headers.host ?? '127.0.0.1',
      extendedRequestId: requestId,
      httpMethod: method,
      path: `/${LOCAL_STAGE}${p.path}`,
      protocol: `HTTP/${p.req.httpVersion}`,
      requestId,
      requestTime: requestTime(now),
      requestTimeEpoch: now.getTime(),
      resourceId: 'local',
      resourcePath: p.resource,
      stage: LOCAL_STAGE,
      identity: proxyIdentity({
        sourceIp,
        userAgent,
        ...(p.identity ? { ...p.identity, accountId: LOCAL_ACCOUNT_ID } : {}),
      }),
    },
  };
}

/** A REST API request's identity as API Gateway fills it: what is given, every other field null. */
export function proxyIdentity(
  given: Partial<APIGatewayEventIdentity> & Pick<APIGatewayEventIdentity, 'sourceIp'>,
): APIGatewayEventIdentity {
  return {
    accessKey: null,
    accountId: null,
    apiKey: null,
    apiKeyId: null,
    caller: null,
    clientCert: null,
    cognitoAuthenticationProvider: null,
    cognitoAuthenticationType: null,
    cognitoIdentityId: null,
    cognitoIdentityPoolId: null,
    principalOrgId: null,
    user: null,
    userAgent: null,
    userArn: null,
    ...given,
  };
}
