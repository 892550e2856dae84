/**
 * Change-feed cursors on the credmon table (`CURSOR#<provider>/<feed>` / `STATE`). A cursor only
 * moves by a conditional update from the value its poller read, and only forwards: two pollers
 * racing cannot move it backwards, and a poller that crashed before advancing leaves it where the
 * unread page starts.
 */
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { type DynamoDBDocumentClient, GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { FeedCursor, FeedCursorStore } from '#shared/use-cases/ports.ts';
import { buildUpdate, withCondition } from './update-expression.ts';

const STATE = 'STATE';

/**
 * The partition key of a feed's cursor item.
 *
 * @example
 * cursorKey('brreg/enheter'); // 'CURSOR#brreg/enheter'
 */
export const cursorKey = (feed: string) => `CURSOR#${feed}`;

export interface DynamoCursorStoreOptions {
  readonly tableName: string;
  /** Clock of `updatedAt`. @default Date.now */
  readonly now?: () => number;
}

/**
 * @example
 * const cursors = new DynamoCursorStore(documentClient, { tableName: 'credmon' });
 * const cursor = await cursors.get('brreg/enheter');
 * await cursors.advance('brreg/enheter', cursor?.lastId ?? null, 25175400);
 */
export class DynamoCursorStore implements FeedCursorStore {
  private readonly table: string;
  private readonly now: () => number;

  constructor(
    private readonly db: DynamoDBDocumentClient,
    options: DynamoCursorStoreOptions,
  ) {
    this.table = options.tableName;
    this.now = options.now ?? Date.now;
  }

  async get(feed: string): Promise<FeedCursor | null> {
    const { Item } = await this.db.send(
      new GetCommand({
        TableName: this.table,
        Key: { pk: cursorKey(feed), sk: STATE },
        ConsistentRead: true,
      }),
    );
    if (!Item || typeof Item.lastId !== 'number') return null;
    return { lastId: Item.lastId, updatedAt: String(Item.updatedAt ?? '') };
  }

  async advance(feed: string, from: number | null, to: number): Promise<boolean> {
    if (from !== null && to <= from) return false;
    const update = buildUpdate({
      set: { entity: 'cursor', feed, lastId: to, updatedAt: new Date(this.now()).toISOString() },
    });
    const conditioned =
      from === null
        ? withCondition(update, 'attribute_not_exists(#cpk)', { '#cpk': 'pk' })
        : withCondition(update, '#clast = :from', { '#clast': 'lastId' }, { ':from': from });
    try {
      await this.db.send(
        new UpdateCommand({ TableName: this.table, Key: { pk: cursorKey(feed), sk: STATE }, ...conditioned }),
      );
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false;
      throw error;
    }
  }
}
