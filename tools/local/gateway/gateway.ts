import type { IncomingMessage, ServerResponse } from 'node:http';
import type { APIGatewayProxyResult } from 'aws-lambda';
import { API_RESOURCES } from '../../../infra/api-layout';
import { ConsoleSessions } from '../console/session';
import { resourceOf } from '../../../shared/http/routing';
import { bearerMatches, firstHeader, readBody, sendJson } from '../http';
import type { LambdaInvokeApi } from '../lambda';
import { toProxyEvent, type ProxyRequest } from './event';
import { gatewayTraceHeaders, type GatewaySampler } from './trace-header';

/** API Gateway's payload quota for REST APIs. */
const MAX_BODY_BYTES = 10 * 1024 * 1024;
/** The principal the local gateway vouches for once the admin token checks out. */
export const LOCAL_ADMIN = {
  userArn: 'arn:aws:iam::000000000000:user/local-admin',
  caller: 'local-admin',
  user: 'local-admin',
  accessKey: 'LOCALADMIN',
} as const;

export interface GatewayOptions {
  readonly api: LambdaInvokeApi;
  readonly functions: { readonly enqueue: string; readonly admin: string };
  /** What `Authorization: Bearer …` must carry on /admin/*: the local stand-in for IAM auth. */
  readonly adminToken: string;
  /** The console's sessions: their cookie stands in for the token too (changes only with our Origin). */
  readonly sessions?: ConsoleSessions;
  readonly sampler: GatewaySampler;
}

const RESOURCES = API_RESOURCES.map((r) => r.resource);

/** The deployed resource a path falls under (infra/api-layout.ts), its function, and whether IAM guards it. */
function routeOf(path: string, functions: GatewayOptions['functions']) {
  const match = resourceOf(RESOURCES, path);
  if (!match) return undefined;
  const layout = API_RESOURCES.find((r) => r.resource === match.resource)!;
  // Locally the token stands in for IAM on the IAM-only routes; /jobs takes any loopback caller.
  return { ...match, fn: functions[layout.fn], admin: layout.auth === 'iam' };
}

/**
 * The local REST API: the deployed API's routes, each request turned into the proxy event API Gateway sends
 * and run by the same function through the local Invoke API (so it gets a Lambda context and trace header).
 * Admin routes need the local admin token, standing in for IAM: never open. Returns false for other paths.
 */
export function apiGateway(options: GatewayOptions) {
  /** `path`: as received, not resolved (the caller refused dot segments). */
  return async (req: IncomingMessage, res: ServerResponse, url: URL, path: string): Promise<boolean> => {
    const route = routeOf(path, options.functions);
    if (!route) return false;
    const headers = gatewayTraceHeaders(firstHeader(req, 'x-amzn-trace-id'), options.sampler);
    const requestHeaders = { 'X-Amzn-Trace-Id': headers.response };
    if (route.admin) {
      const authorization = firstHeader(req, 'authorization');
      const viaConsole = !authorization && options.sessions?.signedIn(req) === true;
      if (viaConsole && ConsoleSessions.changeWithoutOrigin(req)) {
        // A cookie travels with any request the browser makes; a change must come from our own page.
        req.resume();
        sendJson(
          res,
          403,
          { message: 'a change made with the console cookie must carry the Origin header of this pipeline' },
          requestHeaders,
        );
        return true;
      }
      if (!viaConsole && !bearerMatches(authorization, options.adminToken)) {
        req.resume();
        const message = authorization ? 'The security token included in the request is invalid.' : 'Missing Authentication Token';
        sendJson(
          res,
          403,
          { message },
          { ...requestHeaders, 'x-amzn-ErrorType': authorization ? 'UnrecognizedClientException' : 'MissingAuthenticationTokenException' },
        );
        return true;
      }
    }
    const { body, tooLarge } = await readBody(req, MAX_BODY_BYTES);
    if (tooLarge) {
      sendJson(res, 413, { message: 'Request Too Long' }, requestHeaders);
      return true;
    }
    const request: ProxyRequest = {
      req,
      url,
      path,
      body: body.toString('utf8'),
      resource: route.resource,
      pathParameters: route.pathParameters,
      traceHeader: headers.event,
      identity: route.admin ? LOCAL_ADMIN : null,
      // The token is the gateway's business, as a SigV4 signature is API Gateway's: it never reaches the function.
      ...(route.admin ? { dropHeaders: ['authorization', 'cookie'] } : {}),
    };
    const outcome = await options.api.invoke(route.fn, toProxyEvent(request), { type: 'RequestResponse', traceHeader: headers.lambda });
    const result = outcome.ok ? (outcome.result as Partial<APIGatewayProxyResult> | undefined) : undefined;
    if (!result || typeof result.statusCode !== 'number') {
      // What API Gateway answers when the function fails or returns something that is not a proxy result.
      sendJson(res, 502, { message: 'Internal server error' }, { ...requestHeaders, 'x-amzn-ErrorType': 'InternalServerErrorException' });
      return true;
    }
    writeResult(res, result as APIGatewayProxyResult, requestHeaders);
    return true;
  };
}

function writeResult(res: ServerResponse, result: APIGatewayProxyResult, extra: Record<string, string>): void {
  const headers: Record<string, string | string[]> = { ...extra };
  for (const [k, v] of Object.entries(result.headers ?? {})) headers[k] = String(v);
  for (const [k, v] of Object.entries(result.multiValueHeaders ?? {})) headers[k] = v.map(String);
  const body = result.isBase64Encoded ? Buffer.from(result.body ?? '', 'base64') : Buffer.from(result.body ?? '', 'utf8');
  headers['Content-Length'] = String(body.length);
  res.writeHead(result.statusCode, headers).end(body);
}
