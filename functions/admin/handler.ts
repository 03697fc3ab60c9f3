import { lazyRuntime } from '../../shared/runtime';
import { initTracing, parseTracingConfig } from '../../shared/tracing';
import { createAdminHandler } from './app';

// Once per cold start; a bad setting fails the start with a message naming it.
// tracing and runtime are exported for the local pipeline, which flushes and closes them on Ctrl-C.
export const tracing = initTracing(parseTracingConfig());
export const runtime = lazyRuntime({ role: 'producer', tracing });

export const handler = createAdminHandler({ tracing, runtime });
