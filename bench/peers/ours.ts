/** The trivial handler with our tracing, as our functions set it up: the middy middleware, from env. */
import { traced } from '../../shared/middleware/tracing';
import { initTracing, parseTracingConfig } from '../../shared/tracing';
import { respond } from './respond';

export const handler = traced(respond, { tracing: initTracing(parseTracingConfig(process.env)) });
