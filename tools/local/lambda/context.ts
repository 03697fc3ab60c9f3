import type { ClientContext } from 'aws-lambda';
import type { LambdaContextLike } from './types';

/** What nodejs24.x removed from the context along with callback handlers. */
type RemovedContextMembers = 'callbackWaitsForEmptyEventLoop' | 'done' | 'fail' | 'succeed';

export interface ContextInit {
  readonly requestId: string;
  readonly functionName: string;
  readonly invokedFunctionArn: string;
  readonly memoryMb: number;
  readonly logStreamName: string;
  /** Epoch milliseconds at which the invocation times out. */
  readonly deadline: number;
  readonly clientContext?: ClientContext;
  /** The `_X_AMZN_TRACE_ID` of this invocation: Lambda's runtime puts it in the invoke store (see run-handler). */
  readonly traceHeader?: string;
  /** Aborted when the local pipeline shuts down: the invocation's remaining time drops to 0. */
  readonly stopSignal?: AbortSignal;
}

/**
 * A fresh context per invocation, so concurrent invocations never share or overwrite one another's fields.
 * Shaped as nodejs24.x's: no `callbackWaitsForEmptyEventLoop`, `done`, `fail` or `succeed` (that runtime
 * removed them with callback handlers), though aws-lambda's `Context` type still declares them.
 */
export function createContext(init: ContextInit): LambdaContextLike {
  const context: Omit<LambdaContextLike, RemovedContextMembers> = {
    awsRequestId: init.requestId,
    functionName: init.functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: init.invokedFunctionArn,
    memoryLimitInMB: String(init.memoryMb),
    logGroupName: `/aws/lambda/${init.functionName}`,
    logStreamName: init.logStreamName,
    clientContext: init.clientContext,
    identity: undefined,
    // A stop cuts the time short, as the end of an invocation's time would: long invocations wind down.
    getRemainingTimeInMillis: () => (init.stopSignal?.aborted ? 0 : Math.max(0, init.deadline - Date.now())),
  };
  return context as LambdaContextLike;
}

/** Lambda's stream name shape, `YYYY/MM/DD/[$LATEST]<32 hex>`: one per execution environment. */
export function logStreamName(now: Date, environmentId: string): string {
  return `${now.toISOString().slice(0, 10).replaceAll('-', '/')}/[$LATEST]${environmentId}`;
}
