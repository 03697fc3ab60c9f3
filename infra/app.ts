/**
 * The CDK app (`cdk synth`, `cdk deploy`): three stacks, not tied to an account, so `cdk synth` works
 * offline; settings from CDK context (infra/settings.ts); cdk-nag's AWS Solutions checks on everything.
 */
import { App } from 'aws-cdk-lib';
import { buildApp } from './build-app';

buildApp(new App());
