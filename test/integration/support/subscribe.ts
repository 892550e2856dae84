/** A subscriber queue on a local stack's alerts topic, with raw delivery and an optional filter policy. */
import { SubscribeCommand } from '@aws-sdk/client-sns';
import { CreateQueueCommand, GetQueueAttributesCommand } from '@aws-sdk/client-sqs';
import type { LocalStack } from '#shared/local/stack.ts';

/**
 * @example
 * const queueUrl = await subscribe(stack, 'bus-test-subscriber', { type: ['baseline'] });
 */
export async function subscribe(stack: LocalStack, name: string, filterPolicy?: object): Promise<string> {
  const { sqs, sns } = stack.composition.clients;
  const { QueueUrl = '' } = await sqs.send(new CreateQueueCommand({ QueueName: `credmon-${name}` }));
  const { Attributes } = await sqs.send(
    new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['QueueArn'] }),
  );
  await sns.send(
    new SubscribeCommand({
      TopicArn: stack.resources.alertsTopicArn,
      Protocol: 'sqs',
      Endpoint: Attributes?.QueueArn ?? '',
      Attributes: {
        RawMessageDelivery: 'true',
        ...(filterPolicy ? { FilterPolicy: JSON.stringify(filterPolicy) } : {}),
      },
    }),
  );
  return QueueUrl;
}
