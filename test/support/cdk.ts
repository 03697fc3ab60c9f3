import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { buildApp, type QueueApp } from '../../infra/build-app';

export interface SynthesizedApp extends QueueApp {
  readonly app: App;
  readonly templates: { readonly network: Template; readonly data: Template; readonly pipeline: Template; readonly account?: Template };
  /** Where the cloud assembly was written (bundled function code included, when bundled). */
  readonly outdir: string;
}

/**
 * Builds and synthesizes the app as `cdk synth` does, cdk-nag included (a finding fails the synth). With
 * `bundle: false` the functions are not bundled (faster; for tests about settings, not code).
 */
export function synthApp(context: Record<string, unknown> = {}, options: { bundle?: boolean } = {}): SynthesizedApp {
  const app = new App({ context: { ...context, ...(options.bundle ? {} : { 'aws:cdk:bundling-stacks': [] }) } });
  const built = buildApp(app);
  const assembly = app.synth();
  return {
    ...built,
    app,
    outdir: assembly.directory,
    templates: {
      network: Template.fromStack(built.network),
      data: Template.fromStack(built.data),
      pipeline: Template.fromStack(built.pipeline),
      ...(built.account ? { account: Template.fromStack(built.account) } : {}),
    },
  };
}

/** Resources of one type in a template, as id → properties. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- CloudFormation properties are free-form
export function propertiesOf(template: Template, type: string): Record<string, Record<string, any>> {
  return Object.fromEntries(
    Object.entries(template.findResources(type)).map(([id, r]) => [id, (r as { Properties: Record<string, unknown> }).Properties]),
  );
}
