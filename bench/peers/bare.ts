/** The trivial handler with no tracer: the baseline, and what OpenTelemetry's instrumentation wraps. */
export { respond as handler } from './respond';
