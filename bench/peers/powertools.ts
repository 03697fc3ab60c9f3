/**
 * The trivial handler with Powertools Tracer, as its docs set it up: a Tracer and its middy middleware.
 * It traces through the X-Ray SDK, which sends segments to the daemon at AWS_XRAY_DAEMON_ADDRESS; what is
 * sampled is Lambda's decision, read from the invocation's trace header.
 */
import { Tracer } from '@aws-lambda-powertools/tracer';
import { captureLambdaHandler } from '@aws-lambda-powertools/tracer/middleware';
import middy from '@middy/core';
import { respond } from './respond';

const tracer = new Tracer({ serviceName: 'bench' });
export const handler = middy(respond).use(captureLambdaHandler(tracer));
