import { SNSClient } from '@aws-sdk/client-sns';
import { awsClientOptions, lazyRuntime, type Runtime } from '../../shared/runtime';
import { initTracing, parseTracingConfig } from '../../shared/tracing';
import { createDlqHandler } from './app';

// Once per cold start; a bad setting fails the start with a message naming it.
// tracing and runtime are exported for the local pipeline, which flushes and closes them on Ctrl-C.
export const tracing = initTracing(parseTracingConfig());
export const runtime = lazyRuntime({ role: 'consumer', tracing });
let sns: SNSClient | undefined;

export const handler = createDlqHandler({
  tracing,
  runtime,
  sns: (rt: Runtime) => (sns ??= snsClient(rt)),
});

function snsClient(rt: Runtime): SNSClient {
  return new SNSClient(awsClientOptions(rt.config.lambda.region, rt.config.dlq.snsEndpoint));
}
