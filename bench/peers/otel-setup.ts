/**
 * OpenTelemetry's own Lambda instrumentation, set up as the OpenTelemetry Lambda layer does: loaded
 * before the handler (`--require`, the layer's NODE_OPTIONS), a tracer provider with a batch processor and
 * the OTLP/protobuf exporter, AsyncLocalStorage context, W3C propagation, a parent-based ratio sampler,
 * and `AwsLambdaInstrumentation`, which wraps the handler module named by LAMBDA_TASK_ROOT and _HANDLER
 * and force-flushes the provider before each invocation returns.
 * Env: OTEL_EXPORTER_OTLP_TRACES_ENDPOINT, BENCH_SAMPLING_RATE.
 */
import { context, propagation, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { registerInstrumentations } from '@opentelemetry/instrumentation';
import { AwsLambdaInstrumentation } from '@opentelemetry/instrumentation-aws-lambda';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BatchSpanProcessor, ParentBasedSampler, TraceIdRatioBasedSampler, TracerProvider } from '@opentelemetry/sdk-trace';

const provider = new TracerProvider({
  resource: resourceFromAttributes({ 'service.name': process.env.AWS_LAMBDA_FUNCTION_NAME ?? 'bench', 'cloud.provider': 'aws' }),
  sampler: new ParentBasedSampler({ root: new TraceIdRatioBasedSampler(Number(process.env.BENCH_SAMPLING_RATE ?? 1)) }),
  spanProcessors: [new BatchSpanProcessor({ exporter: new OTLPTraceExporter({ url: process.env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT }) })],
});
context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
propagation.setGlobalPropagator(new W3CTraceContextPropagator());
trace.setGlobalTracerProvider(provider);
registerInstrumentations({ instrumentations: [new AwsLambdaInstrumentation()], tracerProvider: provider });
