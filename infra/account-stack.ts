import { Stack, type StackProps } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { TransactionSearch } from './pipeline/transaction-search';

/** The stack of what exists once per account and region, whatever the environment: one name for all. */
export const ACCOUNT_STACK_NAME = 'tq-account';

/**
 * Account-level resources (X-Ray Transaction Search and the log resource policy it needs): one of each per
 * account and region. Every environment's deploy carries the same stack under the same name with the same
 * template, so a second environment updates it to what it already is instead of colliding with it.
 */
export class AccountStack extends Stack {
  constructor(scope: Construct, props: StackProps = {}) {
    super(scope, ACCOUNT_STACK_NAME, props);
    new TransactionSearch(this, 'TransactionSearch');
  }
}
