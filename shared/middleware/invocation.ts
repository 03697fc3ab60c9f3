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
 * The invocation's X-Ray trace header: the invoke store's, when the runtime runs this invocation inside
 * one — with several invocations in flight (Lambda Managed Instances, AWS_LAMBDA_MAX_CONCURRENCY)
 * `_X_AMZN_TRACE_ID` cannot hold each one's, so the store is the only right answer, even when it has none —
 * else `_X_AMZN_TRACE_ID`, which the runtime rewrites before each invocation (so it is read per
 * invocation, not parsed once like the configuration).
 */
export function invocationTraceHeader(): string | undefined {
  const store = invokeStore();
  if (store?.hasContext()) {
    const header = store.getXRayTraceId();
    return typeof header === 'string' && header !== '' ? header : undefined;
  }
  return process.env._X_AMZN_TRACE_ID;
}

/**
 * Aborts once the invocation has at most `marginMs` left (`getRemainingTimeInMillis`, checked every
 * `everyMs`): a long invocation stops taking work and ends its waits in time. `dispose` stops watching.
 */
export function outOfTimeSignal(
  context: { getRemainingTimeInMillis(): number },
  marginMs: number,
  everyMs = 250,
): { signal: AbortSignal; dispose(): void } {
  const controller = new AbortController();
  const check = () => {
    if (context.getRemainingTimeInMillis() > marginMs) return;
    controller.abort();
    clearInterval(timer);
  };
  const timer = setInterval(check, everyMs);
  timer.unref();
  check();
  return { signal: controller.signal, dispose: () => clearInterval(timer) };
}
