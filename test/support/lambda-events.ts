import { randomUUID } from 'node:crypto';
import type { APIGatewayProxyEvent, Context as LambdaContext, EventBridgeEvent } from 'aws-lambda';
import { proxyIdentity } from '../../tools/local/gateway/event';

/** A REST API (v1) proxy event as API Gateway sends it to a Lambda integration. */
export function apiGatewayEvent(
  options: {
    method?: string;
    resource?: string;
    path?: string;
    headers?: Record<string, string>;
    body?: string | null;
    pathParameters?: Record<string, string>;
    query?: Record<string, string>;
    userArn?: string;
  } = {},
): APIGatewayProxyEvent {
  const headers = { Host: 'abc123.execute-api.eu-west-1.amazonaws.com', 'Content-Type': 'application/json', ...options.headers };
  const path = options.path ?? '/jobs';
  return {
    resource: options.resource ?? path,
    path,
    httpMethod: options.method ?? 'POST',
    headers,
    multiValueHeaders: Object.fromEntries(Object.entries(headers).map(([k, v]) => [k, [v]])),
    queryStringParameters: options.query ?? null,
    multiValueQueryStringParameters: options.query ? Object.fromEntries(Object.entries(options.query).map(([k, v]) => [k, [v]])) : null,
    pathParameters: options.pathParameters ?? null,
    stageVariables: null,
    body: options.body ?? null,
    isBase64Encoded: false,
    requestContext: {
      accountId: '123456789012',
      apiId: 'abc123',
      authorizer: null,
      protocol: 'HTTP/1.1',
      httpMethod: options.method ?? 'POST',
      path: `/prod${path}`,
      stage: 'prod',
      requestId: randomUUID(),
      requestTimeEpoch: Date.now(),
      resourceId: 'r1',
      resourcePath: options.resource ?? path,
      identity: proxyIdentity({ sourceIp: '203.0.113.7', userAgent: 'curl/8.5.0', userArn: options.userArn ?? null }),
    },
  };
}

export function scheduledEvent(): EventBridgeEvent<'Scheduled Event', Record<string, never>> {
  return {
    version: '0',
    id: randomUUID(),
    'detail-type': 'Scheduled Event',
    source: 'aws.events',
    account: '123456789012',
    time: new Date().toISOString(),
    region: 'eu-west-1',
    resources: ['arn:aws:events:eu-west-1:123456789012:rule/tq-poller'],
    detail: {},
  };
}

/** A Lambda context as the runtime passes it. */
export function lambdaContext(options: { functionName?: string; remainingMs?: number } = {}): LambdaContext {
  const functionName = options.functionName ?? 'tq-test';
  const deadline = Date.now() + (options.remainingMs ?? 30_000);
  return {
    callbackWaitsForEmptyEventLoop: true,
    functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:eu-west-1:123456789012:function:${functionName}`,
    memoryLimitInMB: '512',
    awsRequestId: randomUUID(),
    logGroupName: `/aws/lambda/${functionName}`,
    logStreamName: '2026/11/24/[$LATEST]0123456789abcdef',
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}
