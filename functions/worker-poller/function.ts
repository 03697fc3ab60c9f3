import type { LambdaClient } from '@aws-sdk/client-lambda';
import { lazyServices, type Env } from '../../shared/services';
import { lambdaClient } from '../../shared/services/aws';
import { initTracing, parseTracingConfig } from '../../shared/tracing';
import { createPollerHandler, type PollerDeps } from './app';

/** The function as Lambda runs it, from the settings in `env`: its handler, and what a host flushes and closes. */
export function pollerFunction(env: Env = process.env, processors?: PollerDeps['processors']) {
  const tracing = initTracing(parseTracingConfig(env));
  const runtime = lazyServices({ role: 'consumer', tracing, env });
  let lambda: LambdaClient | undefined;
  // The client is made from the runtime's config on first use: no second parse of the settings at cold start.
  return {
    handler: createPollerHandler({
      tracing,
      runtime,
      lambda: (rt) => (lambda ??= lambdaClient(rt.config, env)),
      ...(processors ? { processors } : {}),
    }),
    tracing,
    runtime,
  };
}
