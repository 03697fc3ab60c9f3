import type { ClientContext, Context } from 'aws-lambda';
import type { InvokeCredentials } from './auth';

/** The Invoke API's `X-Amz-Invocation-Type` values. */
export type InvocationType = 'RequestResponse' | 'Event' | 'DryRun';

/**
 * What a local handler receives: the context of Lambda's nodejs24.x runtime, so real handlers run
 * unchanged. Typed as aws-lambda's `Context`, which handlers declare,
 * though that runtime removed `callbackWaitsForEmptyEventLoop`, `done`, `fail` and `succeed` with callback
 * handlers: as there, they are absent (see createContext).
 */
export interface LambdaContextLike extends Context {
  /** Always undefined: there is no Cognito caller locally. */
  identity: undefined;
  /** Decoded from the base64 JSON `X-Amz-Client-Context` header; like Lambda, only for RequestResponse. */
  clientContext: ClientContext | undefined;
}

export interface LocalFunction {
  /** Function name as in Lambda: 1-64 of `[A-Za-z0-9_-]`. */
  name: string;
  /**
   * The function's handler. Its event type is the caller's business (Lambda passes whatever JSON was
   * sent). At most two declared parameters: nodejs24.x refuses callback handlers, and so does `register()`.
   */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- any handler shape, as Lambda itself takes
  handler: (event: any, context: LambdaContextLike, ...rest: any[]) => unknown;
  /** Default 30000 (the CDK/SAM default is 3 s; 30 s suits local pipelines). */
  timeoutMs?: number;
  /** Reported as `context.memoryLimitInMB`; nothing is enforced. Default 512. */
  memoryMb?: number;
}

export interface LambdaInvokeServer {
  /** `http://host:port`: pass as `endpoint` to `LambdaClient`. */
  readonly url: string;
  readonly port: number;
  /** Adds a function, or replaces the one with that name (like deploying new code). */
  register(fn: LocalFunction): void;
  /** Resolves when no async (Event) invocation is still running; one that timed out counts as finished. */
  idle(): Promise<void>;
  /** Stops listening and closes every connection, including keep-alive and in-flight ones. */
  stop(): Promise<void>;
}

export interface LambdaInvokeServerOptions {
  functions?: LocalFunction[];
  /** 0 (default) picks a free port. */
  port?: number;
  /** Default 127.0.0.1. */
  host?: string;
  /** Used in ARNs. Default us-east-1. */
  region?: string;
  /** Receives errors of Event invocations and of the server itself. Default: console.error. */
  log?: (line: string) => void;
  /** Serve only requests SigV4-signed with this key pair (see LambdaInvokeApiOptions.credentials). */
  credentials?: InvokeCredentials;
  /** The clock signatures are checked against. Default Date.now. */
  now?: () => number;
}
