import { hostname } from 'node:os';
import { resourceFromAttributes, type Resource } from '@opentelemetry/resources';
import { version } from '../../package.json';
import type { TracingConfig } from './config';
import { ResourceAttr } from './names';

/**
 * The resource every span and metric carries: service, host, environment, and the function's
 * `faas.*` / `cloud.*` attributes when on Lambda (read from its environment, so no detector I/O at
 * cold start).
 */
export function buildResource(config: TracingConfig): Resource {
  const attributes: Record<string, string | number> = {
    'service.name': config.serviceName,
    'service.version': version,
    'host.name': hostname(),
    [ResourceAttr.environment]: config.environment,
    [ResourceAttr.deploymentEnvironment]: config.environment,
  };
  const lambda = config.lambda;
  if (lambda) {
    attributes['cloud.provider'] = 'aws';
    attributes['cloud.platform'] = 'aws_lambda';
    if (lambda.region) attributes['cloud.region'] = lambda.region;
    attributes['faas.name'] = lambda.functionName;
    if (lambda.functionVersion) attributes['faas.version'] = lambda.functionVersion;
    if (lambda.logStreamName) attributes['faas.instance'] = lambda.logStreamName;
    if (lambda.memoryMb) attributes['faas.max_memory'] = lambda.memoryMb * 1024 * 1024; // bytes, per semconv
  }
  return resourceFromAttributes(attributes);
}
