/**
 * The CDK app: `npx cdk synth -c config=config/deployment.json`. Validates the deployment config,
 * builds the `Credmon` stack and checks it with cdk-nag (findings fail the synth).
 */
import { existsSync } from 'node:fs';
import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks, ServerlessChecks } from 'cdk-nag';
import { DEFAULT_CONFIG_FILE, loadDeploymentConfig, parseDeploymentConfig } from '#lib/config.ts';
import { CredmonStack } from '#lib/credmon-stack.ts';

const app = new App();
const configFile: unknown = app.node.tryGetContext('config');
const config =
  typeof configFile === 'string'
    ? loadDeploymentConfig(configFile)
    : existsSync(DEFAULT_CONFIG_FILE)
      ? loadDeploymentConfig(DEFAULT_CONFIG_FILE)
      : parseDeploymentConfig({}, '(defaults)');

const account = process.env.CDK_DEFAULT_ACCOUNT;
const region = process.env.CDK_DEFAULT_REGION;
new CredmonStack(app, 'Credmon', {
  config,
  ...(account && region ? { env: { account, region } } : {}),
});

Validations.of(app).addPlugins(new AwsSolutionsChecks(app), new ServerlessChecks(app));
app.synth();
