/**
 * What we read of Lambda's invoke store: the runtime's per-invocation context, published as
 * `globalThis.awslambda.InvokeStore` (package @aws/lambda-invoke-store). Described by shape, not imported:
 * it is the runtime's copy that holds the invocations, and off Lambda there is none.
 */
interface InvokeStoreLike {
  hasContext(): boolean;
  getXRayTraceId(): string | undefined;
}

function invokeStore(): InvokeStoreLike | undefined {
  const store = (globalThis as { awslambda?: { InvokeStore?: Partial<InvokeStoreLike> } }).awslambda?.InvokeStore;
  return typeof store?.hasContext === 'function' && typeof store.getXRayTraceId === 'function' ? (store as InvokeStoreLike) : undefined;
}

/**
 * The one per-invocation environment value: Lambda's X-Ray trace header, in order:
 * - the local Invoke API server's, passed on the context (`traceHeader`): it serves several invocations in
 *   one process;
 * - the invoke store's, when the runtime runs this invocation inside one: with several invocations in
 *   flight (Lambda Managed Instances, AWS_LAMBDA_MAX_CONCURRENCY) `_X_AMZN_TRACE_ID` cannot hold each
 *   one's, so the store is the only right answer, even when it has none;
 * - `_X_AMZN_TRACE_ID`, which the runtime rewrites before each invocation (so it is read per invocation,
 *   not parsed once like the rest of the configuration).
 */
export function invocationTraceHeader(context: object): string | undefined {
  const local = (context as { traceHeader?: unknown }).traceHeader;
  if (typeof local === 'string') return local;
  const store = invokeStore();
  if (store?.hasContext()) {
    const header = store.getXRayTraceId();
    return typeof header === 'string' && header !== '' ? header : undefined;
  }
  return process.env._X_AMZN_TRACE_ID;
}

/**
 * The local pipeline's shutdown signal on the context (see LambdaContextLike.stopSignal), undefined on
 * Lambda, which never asks a running invocation to wind down.
 */
export function invocationStopSignal(context: object): AbortSignal | undefined {
  const signal = (context as { stopSignal?: unknown }).stopSignal;
  return signal instanceof AbortSignal ? signal : undefined;
}
