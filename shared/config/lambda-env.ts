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
