import { App, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { AwsSolutionsChecks } from 'cdk-nag';
import { parseDeploymentConfig } from '#lib/config.ts';
import { CredmonStack } from '#lib/credmon-stack.ts';

import { FIXTURE_ENTRY_ROOT, synthCredmon } from './synth.ts';

describe('cdk-nag (AwsSolutions + Serverless) and CloudFormation default rules', () => {
  it('synthesizes the default deployment with no unacknowledged findings', () => {
    // Prepare / Act / Assess: any finding makes the synth throw
    expect(() => synthCredmon({ checks: true })).not.toThrow();
  });

  it('synthesizes the example deployment (e-mail, third bureau) with no unacknowledged findings', () => {
    expect(() =>
      synthCredmon({
        checks: true,
        config: {
          alarmEmail: 'ops@example.com',
          bureaus: { creditBureau: { baseUrl: 'https://bureau.example.com', maxConcurrency: 4 } },
          environment: 'dev',
          removalPolicy: 'destroy',
        },
      }),
    ).not.toThrow();
  });

  it('fails the synth on an unacknowledged finding', () => {
    // Prepare / Act: a wildcard grant nobody acknowledged / Assess
    expect(() => synthWithWildcard()).toThrow(/AwsSolutions-IAM5/);
  });
});

function synthWithWildcard(): void {
  const app = new App({ context: { 'aws:cdk:bundling-stacks': [] }, builtinCloudFormationValidation: false });
  const stack = new CredmonStack(app, 'Credmon', {
    config: parseDeploymentConfig({}, 'test'),
    entryRoot: FIXTURE_ENTRY_ROOT,
  });
  stack.credmon.monitoring.monitor.addToRolePolicy(
    new iam.PolicyStatement({ actions: ['dynamodb:*'], resources: [stack.credmon.store.table.tableArn] }),
  );
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  app.synth();
}
