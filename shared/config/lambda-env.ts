/**
 * The one per-invocation environment value: Lambda's X-Ray trace header. The runtime rewrites
 * `_X_AMZN_TRACE_ID` before each invocation, so it cannot be parsed once like the rest of the
 * configuration. The local Invoke API server, which serves several invocations in one process, passes
 * it on the context instead (`traceHeader`).
 */
export function invocationTraceHeader(context: object): string | undefined {
  const local = (context as { traceHeader?: unknown }).traceHeader;
  return typeof local === 'string' ? local : process.env._X_AMZN_TRACE_ID;
}

/**
 * The local pipeline's shutdown signal on the context (see LambdaContextLike.stopSignal), undefined on
 * Lambda, which never asks a running invocation to wind down.
 */
export function invocationStopSignal(context: object): AbortSignal | undefined {
  const signal = (context as { stopSignal?: unknown }).stopSignal;
  return signal instanceof AbortSignal ? signal : undefined;
}
