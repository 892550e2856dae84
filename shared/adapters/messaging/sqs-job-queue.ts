/** Monitor jobs and fan-out continuations on SQS, sent in batches of ten. */
import {
  SendMessageBatchCommand,
  type SendMessageBatchRequestEntry,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import { TransientError } from '#shared/errors.ts';
import type { FanOutRequest, JobQueue, MonitorJob } from '#shared/use-cases/ports.ts';
import { batchesBySize, messageSize, SQS_MAX_BYTES } from './batches.ts';

const SQS_BATCH = 10;

export class SqsJobQueue implements JobQueue {
  constructor(
    private readonly sqs: SQSClient,
    private readonly queues: { readonly monitorQueueUrl: string; readonly fanOutQueueUrl: string },
  ) {}

  sendMonitorJobs(
    jobs: readonly MonitorJob[],
    options: { readonly delaySeconds?: number } = {},
  ): Promise<void> {
    return sendAll(this.sqs, this.queues.monitorQueueUrl, jobs, options.delaySeconds);
  }

  sendFanOut(requests: readonly FanOutRequest[]): Promise<void> {
    return sendAll(this.sqs, this.queues.fanOutQueueUrl, requests);
  }
}

/** Sends every body, retrying the entries SQS reports as failed; throws only if some never go. */
export async function sendAll(
  sqs: SQSClient,
  queueUrl: string,
  bodies: readonly unknown[],
  delaySeconds?: number,
): Promise<void> {
  const messages = bodies.map((body) => JSON.stringify(body));
  const limits = { maxEntries: SQS_BATCH, maxBytes: SQS_MAX_BYTES };
  for (const batch of batchesBySize(messages, (message) => messageSize(message), limits)) {
    let entries: SendMessageBatchRequestEntry[] = batch.map((message, index) => ({
      Id: String(index),
      MessageBody: message,
      ...(delaySeconds ? { DelaySeconds: Math.min(900, Math.round(delaySeconds)) } : {}),
    }));
    for (let attempt = 1; entries.length > 0; attempt++) {
      const result = await sqs.send(new SendMessageBatchCommand({ QueueUrl: queueUrl, Entries: entries }));
      const failed = new Set((result.Failed ?? []).map((failure) => failure.Id));
      entries = entries.filter((entry) => failed.has(entry.Id));
      if (entries.length > 0 && attempt >= 3) {
        throw new TransientError(`SQS refused ${entries.length} message(s) to ${queueName(queueUrl)}`);
      }
    }
  }
}

const queueName = (url: string) => url.slice(url.lastIndexOf('/') + 1);
