import type { ClientContext } from 'aws-lambda';
import type { LambdaContextLike } from './types';

export interface ContextInit {
  readonly requestId: string;
  readonly functionName: string;
  readonly invokedFunctionArn: string;
  readonly memoryMb: number;
  readonly logStreamName: string;
  /** Epoch milliseconds at which the invocation times out. */
  readonly deadline: number;
  readonly clientContext?: ClientContext;
  readonly traceHeader?: string;
  /** Aborted when the local pipeline shuts down. */
  readonly stopSignal?: AbortSignal;
}

/** How the deprecated `succeed`/`fail`/`done` end an invocation, as in the Node.js runtime up to nodejs22.x. */
export interface Settle {
  succeed(result: unknown): void;
  fail(error: unknown): void;
}

/** A fresh context per invocation, so concurrent invocations never share or overwrite one another's fields. */
export function createContext(init: ContextInit, settle: Settle): LambdaContextLike {
  const context: LambdaContextLike = {
    awsRequestId: init.requestId,
    functionName: init.functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: init.invokedFunctionArn,
    memoryLimitInMB: String(init.memoryMb),
    logGroupName: `/aws/lambda/${init.functionName}`,
    logStreamName: init.logStreamName,
    callbackWaitsForEmptyEventLoop: true,
    clientContext: init.clientContext,
    identity: undefined,
    getRemainingTimeInMillis: () => Math.max(0, init.deadline - Date.now()),
    succeed: (result: unknown) => settle.succeed(result),
    fail: (error: Error | string) => settle.fail(error),
    done: (error?: Error, result?: unknown) => (error ? settle.fail(error) : settle.succeed(result)),
  };
  if (init.traceHeader !== undefined) context.traceHeader = init.traceHeader;
  if (init.stopSignal !== undefined) context.stopSignal = init.stopSignal;
  return context;
}

/** Lambda's stream name shape, `YYYY/MM/DD/[$LATEST]<32 hex>`: one per execution environment. */
export function logStreamName(now: Date, environmentId: string): string {
  return `${now.toISOString().slice(0, 10).replaceAll('-', '/')}/[$LATEST]${environmentId}`;
}
