/** Reads a subscriber queue empty: the alerts it holds, parsed as credmon.alert/v1, deleted once read. */
import { DeleteMessageBatchCommand, ReceiveMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { AlertV1 } from '#shared/domain/alert.ts';

/**
 * SNS → SQS delivery is asynchronous: gives up only after a few empty receives in a row.
 *
 * @example
 * const alerts = await drainAlerts(pipeline.composition.clients.sqs, subscriberUrl);
 */
export async function drainAlerts(sqs: SQSClient, queueUrl: string): Promise<AlertV1[]> {
  const alerts: AlertV1[] = [];
  for (let empty = 0; empty < 5; ) {
    const { Messages = [] } = await sqs.send(
      new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 0 }),
    );
    if (Messages.length === 0) {
      empty++;
      await new Promise((resolve) => setTimeout(resolve, 20));
      continue;
    }
    empty = 0;
    alerts.push(...Messages.map((message) => AlertV1.parse(JSON.parse(message.Body ?? ''))));
    await sqs.send(
      new DeleteMessageBatchCommand({
        QueueUrl: queueUrl,
        Entries: Messages.map((message, index) => ({
          Id: String(index),
          ReceiptHandle: message.ReceiptHandle,
        })),
      }),
    );
  }
  return alerts;
}
