import { FUNCTION_SIZES, type FunctionName } from '../../../shared/config/functions';
import { traced } from '../../../shared/middleware/tracing';
import type { Env, LazyServices } from '../../../shared/services';
import { adminFunction } from '../../../functions/admin/function';
import { dlqFunction } from '../../../functions/dlq/function';
import { enqueueFunction } from '../../../functions/enqueue/function';
import type { PollerDeps } from '../../../functions/worker-poller/app';
import { pollerFunction } from '../../../functions/worker-poller/function';
import { initTracing, parseTracingConfig, type Tracing } from '../../../shared/tracing';
import type { LocalFunction } from '../lambda';
import { ECHO_FUNCTION, LOCAL_FUNCTIONS } from './names';

/** A function as loaded here: what the Invoke API runs, and what a clean stop flushes and closes. */
export interface LoadedFunction extends LocalFunction {
  readonly tracing: Tracing;
  readonly runtime?: LazyServices;
}

/** The deployed functions, each built from its own settings as Lambda would build it at a cold start. */
const FUNCTIONS: Readonly<
  Record<
    FunctionName,
    (env: Env, processors?: PollerDeps['processors']) => { handler: LocalFunction['handler']; tracing: Tracing; runtime: LazyServices }
  >
> = {
  enqueue: enqueueFunction,
  'worker-poller': pollerFunction,
  admin: adminFunction,
  dlq: dlqFunction,
};

/**
 * Builds each function with its own service name (the function's, as on Lambda, unless OTEL_SERVICE_NAME
 * is set in `env`), so a local trace shows which function each span came from.
 */
export function loadFunctions(env: Env, processors?: PollerDeps['processors']): LoadedFunction[] {
  const named = (name: string): Env => (env.OTEL_SERVICE_NAME ? env : { ...env, OTEL_SERVICE_NAME: name });
  const loaded: LoadedFunction[] = [];
  for (const [key, build] of Object.entries(FUNCTIONS) as [FunctionName, (typeof FUNCTIONS)[FunctionName]][]) {
    const name = LOCAL_FUNCTIONS[key];
    const fn = build(named(name), processors); // only the poller takes processors; the others ignore them
    loaded.push({
      name,
      handler: fn.handler,
      tracing: fn.tracing,
      runtime: fn.runtime,
      memoryMb: FUNCTION_SIZES[key].memoryMb,
      timeoutMs: FUNCTION_SIZES[key].timeoutMs,
    });
  }
  loaded.push(echoFunction(initTracing(parseTracingConfig(named(ECHO_FUNCTION)))));
  return loaded;
}

/**
 * The example processor target: answers with the job it was given. Traced with the same middleware, so its
 * invocation joins the job's trace from the carrier the poller sends.
 */
function echoFunction(tracing: Tracing): LoadedFunction {
  const handler = traced(async (event: { job?: { id?: unknown; type?: unknown; payload?: unknown } }) => ({ echoed: event.job ?? null }), {
    tracing,
  });
  return { name: ECHO_FUNCTION, handler, tracing, memoryMb: 128, timeoutMs: 10_000 };
}
