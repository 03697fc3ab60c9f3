/**
 * The CDK app (`cdk synth`, `cdk deploy`): an environment's three stacks and the shared account stack,
 * not tied to an account, so `cdk synth` works offline; settings from CDK context (infra/settings.ts);
 * cdk-nag's AWS Solutions checks on everything.
 */
import { App } from 'aws-cdk-lib';
import { ConfigError } from '../shared/config/errors';
import { buildApp } from './build-app';

try {
  buildApp(new App());
} catch (error) {
  // A bad setting is the user's to fix: one line naming it, not a stack trace (anything else keeps its stack).
  if (!(error instanceof ConfigError)) throw error;
  console.error(`cdk: ${error.message}`);
  process.exitCode = 1;
}
