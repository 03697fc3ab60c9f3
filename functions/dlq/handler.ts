import { SNSClient } from '@aws-sdk/client-sns';
import { awsClientOptions, lazyRuntime, type Runtime } from '../../shared/runtime';
import { initTracing, parseTracingConfig } from '../../shared/tracing';
import { createDlqHandler } from './app';

// Once per cold start; a bad setting fails the start with a message naming it.
const tracing = initTracing(parseTracingConfig());
let sns: SNSClient | undefined;

export const handler = createDlqHandler({
  tracing,
  runtime: lazyRuntime({ role: 'consumer', tracing }),
  sns: (rt: Runtime) => (sns ??= snsClient(rt)),
});

function snsClient(rt: Runtime): SNSClient {
  return new SNSClient(awsClientOptions(rt.config.lambda.region, rt.config.dlq.snsEndpoint));
}
