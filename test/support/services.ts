import { randomBytes } from 'node:crypto';
import { InMemorySpanExporter, type ReadableSpan } from '@opentelemetry/sdk-trace';
import type { LambdaClient } from '@aws-sdk/client-lambda';
import { parseAppConfig } from '../../shared/config';
import { QueueAdmin } from '../../shared/queue';
import { lambdaClient } from '../../shared/services/aws';
import { createServices, type Services, type ServicesOptions } from '../../shared/services';
import { initTracing, parseTracingConfig, type Tracing } from '../../shared/tracing';
import { redisUrl } from './redis';

export interface TestServices {
  readonly runtime: () => Promise<Services>;
  readonly tracing: Tracing;
  readonly exporter: InMemorySpanExporter;
  readonly namespace: string;
  /** A Lambda client on this runtime's LAMBDA_ENDPOINT (made on first use). */
  lambda(): LambdaClient;
  spans(): ReadableSpan[];
  /** Spans of one trace, by name. */
  span(name: string, traceId?: string): ReadableSpan | undefined;
  close(): Promise<void>;
}

/**
 * A function's services as in Lambda — the real config parsing, Redis client, queue and Lambda client — on
 * the test Redis in a namespace of its own, exporting spans to memory (flushed by the middleware).
 */
export function testServices(role: ServicesOptions['role'], env: Record<string, string> = {}): TestServices {
  const namespace = `t-fn-${randomBytes(4).toString('hex')}`;
  const fullEnv = {
    REDIS_URL: redisUrl(),
    QUEUE_NAMESPACE: namespace,
    TRACING_SAMPLING_STRATEGY: 'always',
    TRACING_BATCH_TIMEOUT_MS: '60000',
    ...env,
  };
  const exporter = new InMemorySpanExporter();
  const tracing = initTracing(parseTracingConfig(fullEnv), { exporter, register: false, log: () => undefined });
  let made: Promise<Services> | undefined;
  const runtime = () => (made ??= createServices({ role, env: fullEnv, tracing }));
  let client: LambdaClient | undefined;
  return {
    runtime,
    tracing,
    exporter,
    namespace,
    lambda: () => (client ??= lambdaClient(parseAppConfig(fullEnv))),
    spans: () => exporter.getFinishedSpans(),
    span: (name, traceId) => exporter.getFinishedSpans().find((s) => s.name === name && (!traceId || s.spanContext().traceId === traceId)),
    async close() {
      if (made) {
        const rt = await made;
        rt.queue.close();
        await new QueueAdmin(rt.redis, rt.config.queue).purgeAll();
        rt.redis.disconnect();
      }
      client?.destroy();
      await tracing.shutdown();
    },
  };
}
