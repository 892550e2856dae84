/**
 * A downstream subscriber of credmon's alerts with the plain AWS SDK v3, against `credmon local
 * --serve` (or AWS: the code is the same, only the environment differs).
 *
 *   eval "$(credmon env)"
 *   npx tsx examples/subscriber.ts [filter-recipe] [--redrive]
 *
 * Endpoints, region and credentials come from the environment (AWS_ENDPOINT_URL_SQS, …).
 */
import { SNSClient, SubscribeCommand } from '@aws-sdk/client-sns';
import {
  CreateQueueCommand,
  DeleteMessageBatchCommand,
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  SendMessageBatchCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import { AlertV1 } from '#shared/domain/alert.ts';
import { FILTER_RECIPES } from '#shared/domain/filter-recipes.ts';

// fauxqs's queue URLs name a *.localhost host: send to the endpoint, not to the URL's host.
const sqs = new SQSClient({ useQueueUrlAsEndpoint: false });
const sns = new SNSClient({});

const recipeName = process.argv[2] ?? 'high-or-critical';
const recipe = FILTER_RECIPES[recipeName];
if (!recipe)
  throw new Error(`unknown filter recipe '${recipeName}': ${Object.keys(FILTER_RECIPES).join(', ')}`);
const topicArn = process.env.CREDMON_ALERTS_TOPIC_ARN;
if (!topicArn) throw new Error('CREDMON_ALERTS_TOPIC_ARN is not set: eval "$(credmon env)" first');

if (process.argv.includes('--redrive')) {
  const [dlq, source] = [process.env.CREDMON_MONITOR_DLQ_URL, process.env.CREDMON_MONITOR_QUEUE_URL];
  if (!dlq || !source) throw new Error('CREDMON_MONITOR_DLQ_URL / CREDMON_MONITOR_QUEUE_URL are not set');
  process.stdout.write(`redrove ${await redrive(dlq, source)} messages\n`);
  process.exit(0);
}

const { QueueUrl = '' } = await sqs.send(new CreateQueueCommand({ QueueName: `my-${recipeName}` }));
const { Attributes } = await sqs.send(
  new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['QueueArn'] }),
);
await sns.send(
  new SubscribeCommand({
    TopicArn: topicArn,
    Protocol: 'sqs',
    Endpoint: Attributes?.QueueArn,
    Attributes: { RawMessageDelivery: 'true', FilterPolicy: JSON.stringify(recipe.filterPolicy) },
  }),
);
process.stdout.write(`subscribed ${QueueUrl} with ${recipeName}: ${JSON.stringify(recipe.filterPolicy)}\n`);

// Delivery is at least once: dedupe by alertId (a real subscriber keeps these in its own store).
const seen = new Set<string>();
for (;;) {
  const { Messages = [] } = await sqs.send(
    new ReceiveMessageCommand({ QueueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 20 }),
  );
  for (const message of Messages) {
    const alert = AlertV1.parse(JSON.parse(message.Body ?? ''));
    if (seen.has(alert.alertId)) continue;
    seen.add(alert.alertId);
    process.stdout.write(
      `${alert.detectedAt} ${alert.severity} ${alert.type} ${alert.subject.portfolioId}/${alert.subject.id} class ${alert.risk.class}\n`,
    );
  }
  if (Messages.length > 0) {
    await sqs.send(
      new DeleteMessageBatchCommand({
        QueueUrl,
        Entries: Messages.map((message, i) => ({ Id: String(i), ReceiptHandle: message.ReceiptHandle })),
      }),
    );
  }
}

/** Moves every message of a dead-letter queue back to its source (no StartMessageMoveTask locally). */
async function redrive(dlqUrl: string, sourceUrl: string): Promise<number> {
  let moved = 0;
  for (;;) {
    const { Messages = [] } = await sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: dlqUrl,
        MaxNumberOfMessages: 10,
        MessageAttributeNames: ['All'],
      }),
    );
    if (Messages.length === 0) return moved;
    await sqs.send(
      new SendMessageBatchCommand({
        QueueUrl: sourceUrl,
        Entries: Messages.map((message, i) => ({
          Id: String(i),
          MessageBody: message.Body ?? '',
          ...(message.MessageAttributes ? { MessageAttributes: message.MessageAttributes } : {}),
        })),
      }),
    );
    await sqs.send(
      new DeleteMessageBatchCommand({
        QueueUrl: dlqUrl,
        Entries: Messages.map((message, i) => ({ Id: String(i), ReceiptHandle: message.ReceiptHandle })),
      }),
    );
    moved += Messages.length;
  }
}
