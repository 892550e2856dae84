/**
 * The local event source behaves like Lambda's SQS event source mapping on the embedded AWS:
 * partial batch failures keep only the failed records, and a record that keeps failing moves to
 * the dead-letter queue after maxReceiveCount receives.
 */
import {
  CreateQueueCommand,
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  SendMessageBatchCommand,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import type { SQSEvent } from 'aws-lambda';
import { createAwsClients } from '#shared/adapters/aws/clients.ts';
import { startPoller } from '#shared/local/poller.ts';
import { testAws } from '../support/test-aws.ts';

let sqs: SQSClient;

beforeAll(() => {
  sqs = createAwsClients(testAws()).sqs;
});

async function queueWithDlq(name: string, maxReceiveCount: number) {
  const dlq = await sqs.send(new CreateQueueCommand({ QueueName: `${name}-dlq` }));
  const { Attributes } = await sqs.send(
    new GetQueueAttributesCommand({ QueueUrl: dlq.QueueUrl, AttributeNames: ['QueueArn'] }),
  );
  const queue = await sqs.send(
    new CreateQueueCommand({
      QueueName: name,
      Attributes: {
        VisibilityTimeout: '30',
        RedrivePolicy: JSON.stringify({ deadLetterTargetArn: Attributes?.QueueArn, maxReceiveCount }),
      },
    }),
  );
  return { url: queue.QueueUrl ?? '', dlqUrl: dlq.QueueUrl ?? '' };
}

async function waitFor(condition: () => boolean, ms = 15_000) {
  const deadline = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

it('retries only the records reported as failed and dead-letters one that never succeeds', async () => {
  // Prepare
  const { url, dlqUrl } = await queueWithDlq('poller-test', 3);
  await sqs.send(
    new SendMessageBatchCommand({
      QueueUrl: url,
      Entries: ['ok-1', 'flaky', 'ok-2', 'poison'].map((body, i) => ({ Id: String(i), MessageBody: body })),
    }),
  );
  const deliveries: Record<string, number> = {};
  const batchSizes: number[] = [];
  const handler = async (event: SQSEvent) => {
    batchSizes.push(event.Records.length);
    const failures = [];
    for (const record of event.Records) {
      deliveries[record.body] = (deliveries[record.body] ?? 0) + 1;
      const fails = record.body === 'poison' || (record.body === 'flaky' && deliveries.flaky === 1);
      if (fails) failures.push({ itemIdentifier: record.messageId });
    }
    return { batchItemFailures: failures };
  };

  // Act
  const poller = startPoller(sqs, {
    name: 'test',
    queueUrl: url,
    queueArn: 'arn:aws:sqs:eu-north-1:000000000000:poller-test',
    handler,
    batchSize: 10,
    maxBatchingWindowSeconds: 0,
    maxConcurrency: 1,
    timeoutSeconds: 5,
    retryDelaySeconds: 0,
  });
  await waitFor(() => (deliveries.poison ?? 0) >= 3 && (deliveries.flaky ?? 0) >= 2);
  await new Promise((resolve) => setTimeout(resolve, 300));
  await poller.stop();

  // Assess
  expect(deliveries).toEqual({ 'ok-1': 1, 'ok-2': 1, flaky: 2, poison: 3 });
  expect(batchSizes[0]).toBe(4);
  const dead = await sqs.send(new ReceiveMessageCommand({ QueueUrl: dlqUrl, MaxNumberOfMessages: 10 }));
  expect(dead.Messages?.map((message) => message.Body)).toEqual(['poison']);
});

it('never runs more invocations at once than maxConcurrency', async () => {
  const { url } = await queueWithDlq('poller-concurrency', 5);
  for (let batch = 0; batch < 3; batch++) {
    await sqs.send(
      new SendMessageBatchCommand({
        QueueUrl: url,
        Entries: Array.from({ length: 10 }, (_, i) => ({ Id: String(i), MessageBody: `m${batch}-${i}` })),
      }),
    );
  }
  let running = 0;
  let peak = 0;
  let handled = 0;
  const poller = startPoller(sqs, {
    name: 'test',
    queueUrl: url,
    queueArn: 'arn:aws:sqs:eu-north-1:000000000000:poller-concurrency',
    handler: async (event) => {
      running++;
      peak = Math.max(peak, running);
      await new Promise((resolve) => setTimeout(resolve, 30));
      handled += event.Records.length;
      running--;
      return { batchItemFailures: [] };
    },
    batchSize: 2,
    maxBatchingWindowSeconds: 0,
    maxConcurrency: 2,
    timeoutSeconds: 5,
  });
  await waitFor(() => handled === 30);
  await poller.stop();
  expect(peak).toBeLessThanOrEqual(2);
  expect(peak).toBeGreaterThan(0);
});
