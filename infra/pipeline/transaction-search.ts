import { Aws, Stack } from 'aws-cdk-lib';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as xray from 'aws-cdk-lib/aws-xray';
import { Construct } from 'constructs';

/**
 * X-Ray Transaction Search, which X-Ray's OTLP endpoint requires: spans are stored in CloudWatch Logs
 * (`aws/spans`), so X-Ray needs a resource policy allowing it to write there. Both are per account and
 * region, so they live in the account stack (infra/account-stack.ts) that every environment shares;
 * deploy with `-c transactionSearch=false` where the account has them from elsewhere.
 */
export class TransactionSearch extends Construct {
  constructor(scope: Construct, id: string) {
    super(scope, id);
    const policy = new logs.CfnResourcePolicy(this, 'XRayToLogs', {
      policyName: 'traced-queue-transaction-search',
      policyDocument: Stack.of(this).toJsonString({
        Version: '2012-10-17',
        Statement: [
          {
            Sid: 'TransactionSearchXRayAccess',
            Effect: 'Allow',
            Principal: { Service: 'xray.amazonaws.com' },
            Action: 'logs:PutLogEvents',
            Resource: [
              `arn:${Aws.PARTITION}:logs:${Aws.REGION}:${Aws.ACCOUNT_ID}:log-group:aws/spans:*`,
              `arn:${Aws.PARTITION}:logs:${Aws.REGION}:${Aws.ACCOUNT_ID}:log-group:/aws/application-signals/data:*`,
            ],
            Condition: {
              ArnLike: { 'aws:SourceArn': `arn:${Aws.PARTITION}:xray:${Aws.REGION}:${Aws.ACCOUNT_ID}:*` },
              StringEquals: { 'aws:SourceAccount': Aws.ACCOUNT_ID },
            },
          },
        ],
      }),
    });
    // 1 %: the share of spans indexed for search (all spans are stored and reachable by trace id).
    const config = new xray.CfnTransactionSearchConfig(this, 'Config', { indexingPercentage: 1 });
    config.addResourceDependency(policy);
  }
}
