/**
 * A local stack runs on the deployed configuration: each function's environment is its template's
 * `Environment.Variables` (references bound to the embedded AWS, secrets to the local keys) plus only
 * the endpoints, and a call outside a function's role is refused as AWS refuses it.
 */
import { PublishCommand } from '@aws-sdk/client-sns';
import { LOCAL_ONLY_VARIABLES, LOCAL_SECRETS } from '#shared/local/deployed-functions.ts';
import { type DeployedStack, deployedStack } from '#shared/local/deployed-stack.ts';
import { type LocalStack, startLocalStack } from '#shared/local/stack.ts';

const DYNAMIC_REFERENCE = /\{\{resolve:secretsmanager:([^:}]+)[^}]*\}\}/g;

describe('the deployed configuration, locally', () => {
  let stack: LocalStack;
  let deployed: DeployedStack;

  beforeAll(async () => {
    deployed = await deployedStack();
    stack = await startLocalStack();
  });
  afterAll(() => stack.stop());

  it("gives each pipeline function its template's environment, but for the endpoints", () => {
    // Prepare: what each reference stands for on the embedded AWS
    const { resources, bus } = stack;
    const secrets: Record<string, string> = {
      [deployed.secretNames.tokenKey]: LOCAL_SECRETS.tokenKey,
      [deployed.secretNames.sealKey]: LOCAL_SECRETS.sealKey,
      [deployed.secretNames.companiesHouseApiKey]: LOCAL_SECRETS.companiesHouseApiKey,
    };
    const byRef: Record<string, string> = {
      [deployed.bindings.table]: resources.tableName,
      [deployed.bindings.queues.monitorJobs.queue]: resources.queueUrls.monitorJobs,
      [deployed.bindings.queues.monitorJobs.deadLetterQueue]: resources.dlqUrls.monitorJobs,
      [deployed.bindings.queues.fanOut.queue]: resources.queueUrls.fanOut,
      [deployed.bindings.alertsTopic]: resources.alertsTopicArn,
      [deployed.bindings.eventBus]: bus.busName,
    };
    for (const name of [
      'monitor',
      'fan-out',
      'feed-poll',
      'outbox-sweeper',
      'portfolio-api',
      'portfolio-drop',
    ]) {
      const template = deployed.functions[name]?.environment ?? {};
      const local = { ...stack.environments[name] };
      // Act
      for (const variable of LOCAL_ONLY_VARIABLES) delete local[variable];
      const expected = Object.fromEntries(
        Object.entries(template).map(([variable, value]) => {
          if (typeof value === 'string') {
            const withSecrets = value.replace(
              DYNAMIC_REFERENCE,
              (_, secret: string) => secrets[secret] ?? '?',
            );
            // The bundled policy file is read from its source, the repository standing in for /var/task.
            return [variable, deployed.functions[name]?.bundledFiles[value] ?? withSecrets];
          }
          return [
            variable,
            byRef[(value as { Ref?: string }).Ref ?? ''] ?? `unexpected ${JSON.stringify(value)}`,
          ];
        }),
      );
      // Assess
      expect({ name, environment: local }).toEqual({ name, environment: expected });
    }
  });

  it('uses the real bureau origins the stack deploys', () => {
    // Assess
    expect(stack.config.bureaus.brreg.baseUrl).toBe('https://data.brreg.no');
    expect(stack.config.bureaus.companiesHouse.baseUrl).toBe(
      'https://api.company-information.service.gov.uk',
    );
  });

  it("refuses a call outside the function's role, naming function, action and resource", async () => {
    // Prepare: the fan-out may send jobs, never publish alerts
    const fanOut = stack.composeFunction('fan-out');
    const before = stack.iam.summary().denied;
    // Act
    const refused = await fanOut.clients.sns
      .send(new PublishCommand({ TopicArn: stack.resources.alertsTopicArn, Message: '{}' }))
      .catch((error: unknown) => error as Error);
    // Assess
    expect(refused).toBeInstanceOf(Error);
    expect((refused as Error).name).toBe('AccessDeniedException');
    expect((refused as Error).message).toContain(
      `not authorized to perform: sns:Publish on resource: ${stack.resources.alertsTopicArn}`,
    );
    expect((refused as Error).message).toContain('(function fan-out)');
    expect(stack.iam.summary().denied).toBe(before + 1);
  });
});
