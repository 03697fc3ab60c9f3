/**
 * Cold start with tracing: parse the configuration, build provider, exporter and metrics, then serve one
 * invocation with a span and the end-of-invocation flush, as a function would. TRACING_ENDPOINT points at
 * a local receiver (set by the benchmark).
 */
import { parseTracingConfig } from '../../shared/tracing/config';
import { initTracing } from '../../shared/tracing/tracing';

const tracing = initTracing(parseTracingConfig());
// performance.now() counts from process start: module loading included.
const readyMs = performance.now();
export const handler = async () => {
  const span = tracing.tracer.startSpan('invocation');
  span.end();
  await tracing.flush();
  return { statusCode: 200 };
};
void handler().then(async () => {
  process.stdout.write(`${JSON.stringify({ readyMs, firstResponseMs: performance.now() })}\n`);
  await tracing.shutdown();
});
