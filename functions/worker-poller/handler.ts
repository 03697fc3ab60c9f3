import type { LambdaClient } from '@aws-sdk/client-lambda';
import { lazyRuntime } from '../../shared/runtime';
import { lambdaClient } from '../../shared/runtime/aws';
import { initTracing, parseTracingConfig } from '../../shared/tracing';
import { createPollerHandler } from './app';

// Once per cold start; a bad setting fails the start with a message naming it.
// tracing and runtime are exported for the local pipeline, which flushes and closes them on Ctrl-C.
export const tracing = initTracing(parseTracingConfig());
export const runtime = lazyRuntime({ role: 'consumer', tracing });

let lambda: LambdaClient | undefined;

// The client is made from the runtime's config on first use: no second parse of the settings at cold start.
export const handler = createPollerHandler({ tracing, runtime, lambda: (rt) => (lambda ??= lambdaClient(rt.config)) });
