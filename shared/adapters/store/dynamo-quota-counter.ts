/**
 * Bureau request counts on the credmon table (`QUOTA#<bureau>` / `<slot start, epoch ms>`): one
 * conditional ADD per claim, so concurrent environments never count past the allowance, and the
 * item expires an hour after its slot.
 */
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { type DynamoDBDocumentClient, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { TABLE } from '#shared/catalogue.ts';
import type { QuotaCounter } from '#shared/use-cases/ports.ts';

/** How long a slot's count is kept after the slot (for the analyst's look at throttling). */
const KEEP_SECONDS = 3600;

/**
 * @example
 * const quota = new DynamoQuotaCounter(documentClient, { tableName: 'credmon' });
 * await quota.claim('companies-house', 1_765_000_000_000, 3, 9); // true while 9 are not used up
 */
export class DynamoQuotaCounter implements QuotaCounter {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly options: { readonly tableName: string },
  ) {}

  async claim(bureau: string, slotStart: number, requests: number, allowance: number): Promise<boolean> {
    if (requests > allowance) return false;
    try {
      await this.db.send(
        new UpdateCommand({
          TableName: this.options.tableName,
          Key: { pk: `QUOTA#${bureau}`, sk: String(slotStart) },
          UpdateExpression: 'ADD #used :requests SET #expires = if_not_exists(#expires, :expires)',
          ConditionExpression: 'attribute_not_exists(#used) OR #used <= :room',
          ExpressionAttributeNames: { '#used': 'used', '#expires': TABLE.ttlAttribute },
          ExpressionAttributeValues: {
            ':requests': requests,
            ':room': allowance - requests,
            ':expires': Math.floor(slotStart / 1000) + KEEP_SECONDS,
          },
        }),
      );
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false;
      throw error;
    }
  }
}
