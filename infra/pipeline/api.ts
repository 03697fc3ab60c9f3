import * as apigateway from 'aws-cdk-lib/aws-apigateway';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { batchBodySchema, jobBodySchema, type Schema } from '../../shared/jobs/schema';
import { API_RESOURCES } from '../api-layout';
import { acknowledge } from '../nag';
import type { Settings } from '../settings';

export interface QueueApiProps {
  readonly settings: Settings;
  readonly enqueue: lambda.IFunction;
  readonly admin: lambda.IFunction;
  /** Most jobs in one POST /jobs/batch (QUEUE_MAX_BATCH_SIZE of the functions). */
  readonly maxBatchSize: number;
}

/** The enqueue API's JSON Schema as an API Gateway model (draft-04, the dialect API Gateway validates). */
function model(schema: Schema): apigateway.JsonSchema {
  return { schema: apigateway.JsonSchemaVersion.DRAFT4, ...(schema as apigateway.JsonSchema) };
}

/**
 * The REST API: POST /jobs and POST /jobs/batch (IAM or an API key with a usage plan; bodies checked against
 * the same JSON Schema the function enforces, batch size capped) and /admin/* (IAM only). Traced by X-Ray,
 * throttled, with access logs; execution logs keep errors only and never request bodies.
 */
export class QueueApi extends Construct {
  readonly api: apigateway.RestApi;
  readonly apiKey?: apigateway.IApiKey;

  constructor(scope: Construct, id: string, props: QueueApiProps) {
    super(scope, id);
    const { settings } = props;
    const accessLogs = new logs.LogGroup(this, 'AccessLogs', { retention: settings.logRetentionDays as logs.RetentionDays });
    this.api = new apigateway.RestApi(this, 'Api', {
      restApiName: `tq-${settings.environment}`,
      description: "traced-queue: jobs in, operators' admin routes",
      endpointTypes: [apigateway.EndpointType.REGIONAL],
      cloudWatchRole: true,
      deployOptions: {
        stageName: 'v1',
        tracingEnabled: true,
        throttlingRateLimit: settings.apiRateLimit,
        throttlingBurstLimit: settings.apiBurstLimit,
        loggingLevel: apigateway.MethodLoggingLevel.ERROR,
        dataTraceEnabled: false, // request bodies may hold payloads and credentials: never in logs
        metricsEnabled: true,
        accessLogDestination: new apigateway.LogGroupLogDestination(accessLogs),
        accessLogFormat: apigateway.AccessLogFormat.jsonWithStandardFields(),
      },
    });
    acknowledge(this.api, {
      'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AmazonAPIGatewayPushToCloudWatchLogs]':
        "API Gateway's account-level CloudWatch role uses AWS's AmazonAPIGatewayPushToCloudWatchLogs policy, the documented way to let API Gateway write execution logs.",
    });
    // Errors that API Gateway answers itself, in the functions' shape: { error, message }. (The detailed
    // validation string is not JSON-escaped in gateway responses, so only the quoted message goes in.)
    this.api.addGatewayResponse('BadBody', {
      type: apigateway.ResponseType.BAD_REQUEST_BODY,
      templates: { 'application/json': '{"error":"invalid_job","message":$context.error.messageString}' },
    });
    this.api.addGatewayResponse('TooLarge', {
      type: apigateway.ResponseType.REQUEST_TOO_LARGE,
      templates: { 'application/json': '{"error":"payload_too_large","message":$context.error.messageString}' },
    });

    const validator = new apigateway.RequestValidator(this, 'BodyValidator', {
      restApi: this.api,
      validateRequestBody: true,
      validateRequestParameters: true,
    });
    const jobModel = this.api.addModel('Job', { contentType: 'application/json', modelName: 'Job', schema: model(jobBodySchema) });
    const batchSchema: Schema = {
      ...batchBodySchema,
      properties: { jobs: { ...batchBodySchema.properties!.jobs!, maxItems: props.maxBatchSize } },
    };
    const batchModel = this.api.addModel('Batch', { contentType: 'application/json', modelName: 'Batch', schema: model(batchSchema) });

    const iam = { authorizationType: apigateway.AuthorizationType.IAM };
    const auth = { jobs: settings.jobsAuth === 'iam' ? iam : { apiKeyRequired: true }, iam };
    const integrations = { enqueue: new apigateway.LambdaIntegration(props.enqueue), admin: new apigateway.LambdaIntegration(props.admin) };
    const models = { job: jobModel, batch: batchModel };
    for (const r of API_RESOURCES) {
      const resource = r.resource
        .split('/')
        .filter(Boolean)
        .reduce<apigateway.IResource>((parent, part) => parent.getResource(part) ?? parent.addResource(part), this.api.root);
      const method = resource.addMethod(r.method, integrations[r.fn], {
        ...auth[r.auth],
        ...(r.body ? { requestValidator: validator, requestModels: { 'application/json': models[r.body] } } : {}),
      });
      if (r.auth === 'jobs' && settings.jobsAuth === 'apikey') {
        acknowledge(method, {
          'AwsSolutions-APIG4':
            'API-key callers were chosen with -c jobsAuth=apikey: the key identifies and meters each caller under a usage plan, and the gateway refuses requests without one; jobsAuth=iam (the default) authorizes with SigV4 instead.',
        });
      }
    }

    if (settings.jobsAuth === 'apikey') {
      this.apiKey = this.api.addApiKey('JobsKey', { description: 'callers of POST /jobs' });
      const plan = this.api.addUsagePlan('Jobs', { throttle: { rateLimit: settings.apiRateLimit, burstLimit: settings.apiBurstLimit } });
      plan.addApiKey(this.apiKey);
      plan.addApiStage({ stage: this.api.deploymentStage });
    }

    acknowledge(this.api, {
      'AwsSolutions-APIG3':
        'No AWS WAF web ACL by default (from $5 a month plus per-request charges): every route is authenticated, throttled per stage, and bodies are validated; attach a web ACL to the stage where the traffic calls for one.',
      'AwsSolutions-COG4':
        'Callers are AWS principals authenticated with IAM (SigV4), or holders of an API key for POST /jobs; there is no Cognito user pool.',
    });
  }
}
