import { parseAppConfig } from '../../shared/config';
import { lazyRuntime } from '../../shared/runtime';
import { lambdaClient } from '../../shared/runtime/aws';
import { initTracing, parseTracingConfig } from '../../shared/tracing';
import { createPollerHandler } from './app';

// Once per cold start; a bad setting fails the start with a message naming it.
const tracing = initTracing(parseTracingConfig());

export const handler = createPollerHandler({ tracing, runtime: lazyRuntime({ role: 'consumer', tracing }), lambda: lambdaClient(parseAppConfig()) });
