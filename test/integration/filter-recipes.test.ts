/**
 * The documented filter-policy recipes hold on the embedded SNS: each subscriber queue receives
 * exactly the alerts its policy selects, from the alert contract's example of every type.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CreateTopicCommand, SubscribeCommand } from '@aws-sdk/client-sns';
import { CreateQueueCommand, GetQueueAttributesCommand, ReceiveMessageCommand } from '@aws-sdk/client-sqs';
import { createAwsClients } from '#shared/adapters/aws/clients.ts';
import { SnsAlertPublisher } from '#shared/adapters/messaging/sns-alert-publisher.ts';
import { AlertV1, alertMessageAttributes } from '#shared/domain/alert.ts';
import { FILTER_RECIPES, portfolioFilterPolicy } from '#shared/domain/filter-recipes.ts';
import { testAws } from '../support/test-aws.ts';

const examplesDir = join(__dirname, '..', '..', 'docs', 'alert-contract', 'examples');
const examples = readdirSync(examplesDir).map((file) =>
  AlertV1.parse(JSON.parse(readFileSync(join(examplesDir, file), 'utf8'))),
);

/** What SNS's exact-match policies select: every key's attribute value is one of the listed values. */
function selects(policy: Record<string, unknown[]>, alert: AlertV1): boolean {
  const attributes = alertMessageAttributes(alert);
  return Object.entries(policy).every(([key, values]) => values.includes(attributes[key]?.StringValue));
}

it('delivers to each recipe exactly the alerts its policy selects', async () => {
  // Prepare
  const { sqs, sns } = createAwsClients(testAws());
  const recipes = {
    ...Object.fromEntries(
      Object.entries(FILTER_RECIPES).map(([name, recipe]) => [name, recipe.filterPolicy]),
    ),
    'single-portfolio': portfolioFilterPolicy(examples[0]?.subject.portfolioId ?? 'none'),
  };
  const { TopicArn } = await sns.send(new CreateTopicCommand({ Name: 'recipes-alerts' }));
  const queues: Record<string, string> = {};
  for (const [name, policy] of Object.entries(recipes)) {
    const { QueueUrl = '' } = await sqs.send(new CreateQueueCommand({ QueueName: `recipe-${name}` }));
    const { Attributes } = await sqs.send(
      new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['QueueArn'] }),
    );
    await sns.send(
      new SubscribeCommand({
        TopicArn,
        Protocol: 'sqs',
        Endpoint: Attributes?.QueueArn,
        Attributes: { RawMessageDelivery: 'true', FilterPolicy: JSON.stringify(policy) },
      }),
    );
    queues[name] = QueueUrl;
  }

  // Act
  await new SnsAlertPublisher(sns, TopicArn ?? '').publish(examples);

  // Assess
  for (const [name, policy] of Object.entries(recipes)) {
    const expected = examples
      .filter((alert) => selects(policy, alert))
      .map((alert) => alert.alertId)
      .sort();
    expect(expected.length).toBeGreaterThan(0);
    const received: string[] = [];
    for (let round = 0; round < 20 && received.length < expected.length; round++) {
      const { Messages = [] } = await sqs.send(
        new ReceiveMessageCommand({ QueueUrl: queues[name], MaxNumberOfMessages: 10, WaitTimeSeconds: 0 }),
      );
      received.push(...Messages.map((message) => AlertV1.parse(JSON.parse(message.Body ?? '')).alertId));
      if (Messages.length === 0) await new Promise((resolve) => setTimeout(resolve, 25));
    }
    expect({ name, received: received.sort() }).toEqual({ name, received: expected });
  }
});
