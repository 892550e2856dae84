/**
 * Publishes alerts to the SNS alerts topic, up to ten and 256 KB per PublishBatch, with routing
 * message attributes.
 */
import { PublishBatchCommand, type PublishBatchRequestEntry, type SNSClient } from '@aws-sdk/client-sns';
import { type AlertV1, alertMessageAttributes } from '#shared/domain/alert.ts';
import { TransientError } from '#shared/errors.ts';
import type { AlertPublisher } from '#shared/use-cases/ports.ts';
import { batchesBySize, messageSize, SNS_MAX_BYTES } from './batches.ts';

const SNS_BATCH = 10;

export class SnsAlertPublisher implements AlertPublisher {
  constructor(
    private readonly sns: SNSClient,
    private readonly topicArn: string,
  ) {}

  async publish(alerts: readonly AlertV1[]): Promise<void> {
    const all: PublishBatchRequestEntry[] = alerts.map((alert) => ({
      Id: '',
      Message: JSON.stringify(alert),
      MessageAttributes: alertMessageAttributes(alert),
    }));
    const limits = { maxEntries: SNS_BATCH, maxBytes: SNS_MAX_BYTES };
    for (const batch of batchesBySize(all, (e) => messageSize(e.Message, e.MessageAttributes), limits)) {
      let entries = batch.map((entry, index) => ({ ...entry, Id: String(index) }));
      for (let attempt = 1; entries.length > 0; attempt++) {
        const result = await this.sns.send(
          new PublishBatchCommand({ TopicArn: this.topicArn, PublishBatchRequestEntries: entries }),
        );
        const failed = new Set((result.Failed ?? []).map((failure) => failure.Id));
        entries = entries.filter((entry) => failed.has(entry.Id));
        if (entries.length > 0 && attempt >= 3) {
          // The alerts stay in the subject's outbox: the retry or the sweeper publishes them.
          throw new TransientError(`SNS refused ${entries.length} alert(s)`);
        }
      }
    }
  }
}
