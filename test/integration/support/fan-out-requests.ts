/** Reads (and deletes) the fan-out queue of a local stack: the baseline requests enrolment sent. */
import { DeleteMessageCommand, ReceiveMessageCommand } from '@aws-sdk/client-sqs';
import type { LocalStack } from '#shared/local/stack.ts';

/** Every message on the fan-out queue, until it has been empty twice in a row. */
export async function drainFanOut(stack: LocalStack): Promise<Record<string, unknown>[]> {
  const { sqs } = stack.composition.clients;
  const queueUrl = stack.resources.queueUrls.fanOut;
  const bodies: Record<string, unknown>[] = [];
  for (let empty = 0; empty < 2; ) {
    const { Messages = [] } = await sqs.send(
      new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 0 }),
    );
    empty = Messages.length === 0 ? empty + 1 : 0;
    for (const message of Messages) {
      bodies.push(JSON.parse(message.Body ?? '{}'));
      await sqs.send(new DeleteMessageCommand({ QueueUrl: queueUrl, ReceiptHandle: message.ReceiptHandle }));
    }
    if (Messages.length === 0) await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return bodies;
}
