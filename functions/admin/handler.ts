import { lazyRuntime } from '../../shared/runtime';
import { initTracing, parseTracingConfig } from '../../shared/tracing';
import { createAdminHandler } from './app';

// Once per cold start; a bad setting fails the start with a message naming it.
const tracing = initTracing(parseTracingConfig());

export const handler = createAdminHandler({ tracing, runtime: lazyRuntime({ role: 'producer', tracing }) });
