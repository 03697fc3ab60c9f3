/** Our enqueue function with its own tracing off, for OpenTelemetry's instrumentation (see otel-bare.cts). */
import enqueue = require('../../functions/enqueue/function');

export = { handler: enqueue.enqueueFunction({ ...process.env, TRACING_ENABLED: 'false' }).handler };
