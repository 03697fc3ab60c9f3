import { lazyServices, type Env } from '../../shared/services';
import { initTracing, parseTracingConfig } from '../../shared/tracing';
import { createAdminHandler } from './app';

/** The function as Lambda runs it, from the settings in `env`: its handler, and what a host flushes and closes. */
export function adminFunction(env: Env = process.env) {
  const tracing = initTracing(parseTracingConfig(env));
  const runtime = lazyServices({ role: 'producer', tracing, env });
  return { handler: createAdminHandler({ tracing, runtime }), tracing, runtime };
}
