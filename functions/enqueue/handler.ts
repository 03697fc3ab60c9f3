import { lazyRuntime } from '../../shared/runtime';
import { initTracing, parseTracingConfig } from '../../shared/tracing';
import { createEnqueueHandler } from './app';

// Once per cold start; a bad setting fails the start with a message naming it.
const tracing = initTracing(parseTracingConfig());

export const handler = createEnqueueHandler({ tracing, runtime: lazyRuntime({ role: 'producer', tracing }) });
