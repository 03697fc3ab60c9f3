import { SNSClient } from '@aws-sdk/client-sns';
import { awsClientOptions, lazyServices, type Env, type Services } from '../../shared/services';
import { initTracing, parseTracingConfig } from '../../shared/tracing';
import { createDlqHandler } from './app';

/** The function as Lambda runs it, from the settings in `env`: its handler, and what a host flushes and closes. */
export function dlqFunction(env: Env = process.env) {
  const tracing = initTracing(parseTracingConfig(env));
  const runtime = lazyServices({ role: 'consumer', tracing, env });
  let sns: SNSClient | undefined;
  const snsClient = (rt: Services) => (sns ??= new SNSClient(awsClientOptions(rt.config.lambda.region, rt.config.dlq.snsEndpoint, env)));
  return { handler: createDlqHandler({ tracing, runtime, sns: snsClient }), tracing, runtime };
}
