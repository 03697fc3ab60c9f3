import { FUNCTION_SIZES, type FunctionName } from '../../config/functions';
import { traced } from '../../middleware/tracing';
import type { LazyRuntime } from '../../runtime';
import { initTracing, parseTracingConfig, type Tracing } from '../../tracing';
import type { LocalFunction } from '../lambda';
import { ECHO_FUNCTION, LOCAL_FUNCTIONS } from './names';

/** A function as loaded here: what the Invoke API runs, and what a clean stop flushes and closes. */
export interface LoadedFunction extends LocalFunction {
  readonly tracing: Tracing;
  readonly runtime?: LazyRuntime;
}

interface HandlerModule {
  readonly handler: LocalFunction['handler'];
  readonly tracing: Tracing;
  readonly runtime: LazyRuntime;
}

/*
 * The deployed handler modules, each loaded once. Imported on demand, not statically: they read their
 * settings as they load, like a cold start, so they must load only after process.env holds the local ones.
 */
const MODULES: Readonly<Record<FunctionName, () => Promise<HandlerModule>>> = {
  enqueue: () => import('../../../functions/enqueue/handler'),
  'worker-poller': () => import('../../../functions/worker-poller/handler'),
  admin: () => import('../../../functions/admin/handler'),
  dlq: () => import('../../../functions/dlq/handler'),
};

/**
 * Imports each handler module with its own service name (the function's, as on Lambda, unless
 * OTEL_SERVICE_NAME is set), so a local trace shows which function each span came from. process.env
 * must already hold the local settings: the modules read it as they load.
 */
export async function loadFunctions(): Promise<LoadedFunction[]> {
  const userServiceName = process.env.OTEL_SERVICE_NAME;
  const loaded: LoadedFunction[] = [];
  try {
    for (const [key, load] of Object.entries(MODULES) as [FunctionName, () => Promise<HandlerModule>][]) {
      const name = LOCAL_FUNCTIONS[key];
      if (!userServiceName) process.env.OTEL_SERVICE_NAME = name;
      const mod = await load(); // one at a time: each reads OTEL_SERVICE_NAME as it loads
      loaded.push({ name, handler: mod.handler, tracing: mod.tracing, runtime: mod.runtime, memoryMb: FUNCTION_SIZES[key].memoryMb, timeoutMs: FUNCTION_SIZES[key].timeoutMs });
    }
    if (!userServiceName) process.env.OTEL_SERVICE_NAME = ECHO_FUNCTION;
    loaded.push(echoFunction(initTracing(parseTracingConfig())));
  } finally {
    if (userServiceName === undefined) delete process.env.OTEL_SERVICE_NAME;
    else process.env.OTEL_SERVICE_NAME = userServiceName;
  }
  return loaded;
}

/**
 * The example processor target: answers with the job it was given. Traced with the same middleware, so its
 * invocation joins the job's trace from the carrier the poller sends.
 */
function echoFunction(tracing: Tracing): LoadedFunction {
  const handler = traced(async (event: { job?: { id?: unknown; type?: unknown; payload?: unknown } }) => ({ echoed: event.job ?? null }), { tracing });
  return { name: ECHO_FUNCTION, handler, tracing, memoryMb: 128, timeoutMs: 10_000 };
}
