/** Builds the credmon stack for infra tests: bundling skipped, stand-in handler entries. */
import * as path from 'node:path';
import { App, type Stack, Validations } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks, ServerlessChecks } from 'cdk-nag';
import { type DeploymentConfigInput, parseDeploymentConfig } from '#lib/config.ts';
import { CredmonStack } from '#lib/credmon-stack.ts';

/** Stand-in handlers at the catalogue's entry paths: bundling is skipped, the files must exist. */
export const FIXTURE_ENTRY_ROOT = path.join(__dirname, 'fixtures');

export interface SynthOptions {
  /** Deployment config input; defaults apply to what is left out. */
  readonly config?: DeploymentConfigInput;
  /** Runs cdk-nag (AwsSolutions + Serverless) and CloudFormation's default rules as errors. */
  readonly checks?: boolean;
}

export interface Synthesized {
  readonly app: App;
  readonly stack: Stack;
  readonly template: Template;
}

export function synthCredmon(options: SynthOptions = {}): Synthesized {
  const checks = options.checks ?? false;
  const app = new App({
    context: {
      'aws:cdk:bundling-stacks': [],
      ...(checks ? { '@aws-cdk/core:validateAgainstDefaultRules': true } : {}),
    },
    // The built-in CloudFormation validation takes seconds: only the compliance test runs it.
    builtinCloudFormationValidation: checks,
  });
  const stack = new CredmonStack(app, 'Credmon', {
    config: parseDeploymentConfig(options.config ?? {}, 'test'),
    entryRoot: FIXTURE_ENTRY_ROOT,
  });
  if (checks) Validations.of(app).addPlugins(new AwsSolutionsChecks(app), new ServerlessChecks(app));
  return { app, stack, template: Template.fromStack(stack) };
}
