/** Our enqueue function with its own tracing off and Powertools Tracer's middleware added instead. */
import { Tracer } from '@aws-lambda-powertools/tracer';
import { captureLambdaHandler } from '@aws-lambda-powertools/tracer/middleware';
import { enqueueFunction } from '../../functions/enqueue/function';

const tracer = new Tracer({ serviceName: 'bench' });
export const handler = enqueueFunction({ ...process.env, TRACING_ENABLED: 'false' }).handler.use(captureLambdaHandler(tracer));
