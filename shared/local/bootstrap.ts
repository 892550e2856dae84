/**
 * Creates credmon's resources on the embedded AWS from the same catalogue the CDK stack reads:
 * the table and its indexes, the queues with their dead-letter queues, the alerts topic.
 * Idempotent: an existing resource is reused (on-disk state survives restarts).
 */
import {
  CreateTableCommand,
  type DynamoDBClient,
  type GlobalSecondaryIndex,
  ResourceInUseException,
  waitUntilTableExists,
} from '@aws-sdk/client-dynamodb';
import { CreateTopicCommand, type SNSClient } from '@aws-sdk/client-sns';
import { CreateQueueCommand, GetQueueAttributesCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { QUEUES, type QueueKey, TABLE, TOPICS } from '#shared/catalogue.ts';

export interface LocalResources {
  readonly tableName: string;
  readonly queueUrls: Record<QueueKey, string>;
  readonly dlqUrls: Record<QueueKey, string>;
  readonly queueArns: Record<QueueKey, string>;
  readonly alertsTopicArn: string;
}

export interface BootstrapClients {
  readonly dynamodb: DynamoDBClient;
  readonly sqs: SQSClient;
  readonly sns: SNSClient;
}

/** Local resources carry the logical names of the catalogue, prefixed: `credmon-monitor-jobs`. */
export const LOCAL_PREFIX = 'credmon';

export async function bootstrapResources(
  clients: BootstrapClients,
  options: { visibilityTimeoutSeconds?: Partial<Record<QueueKey, number>> } = {},
): Promise<LocalResources> {
  const tableName = `${LOCAL_PREFIX}-${TABLE.name}`;
  await createTable(clients.dynamodb, tableName);

  const queueUrls = {} as Record<QueueKey, string>;
  const dlqUrls = {} as Record<QueueKey, string>;
  const queueArns = {} as Record<QueueKey, string>;
  for (const key of Object.keys(QUEUES) as QueueKey[]) {
    const definition = QUEUES[key];
    const dlq = await createQueue(clients.sqs, `${LOCAL_PREFIX}-${definition.dlqName}`, {
      MessageRetentionPeriod: String(14 * 86_400),
    });
    const visibility = options.visibilityTimeoutSeconds?.[key] ?? definition.visibilityTimeoutSeconds;
    const queue = await createQueue(clients.sqs, `${LOCAL_PREFIX}-${definition.name}`, {
      VisibilityTimeout: String(visibility),
      MessageRetentionPeriod: String(definition.retentionDays * 86_400),
      RedrivePolicy: JSON.stringify({
        deadLetterTargetArn: dlq.arn,
        maxReceiveCount: definition.maxReceiveCount,
      }),
    });
    queueUrls[key] = queue.url;
    queueArns[key] = queue.arn;
    dlqUrls[key] = dlq.url;
  }
  const topic = await clients.sns.send(
    new CreateTopicCommand({ Name: `${LOCAL_PREFIX}-${TOPICS.alerts.name}` }),
  );
  if (!topic.TopicArn) throw new Error('the embedded SNS returned no topic ARN');
  return { tableName, queueUrls, dlqUrls, queueArns, alertsTopicArn: topic.TopicArn };
}

/**
 * Creates the credmon table with the catalogue's keys and indexes (on-demand billing); an existing
 * table is left as it is. Shared by the local bootstrap and the storage contract tests, so every
 * engine the store is tested on gets the same table.
 *
 * @example
 * await createTable(new DynamoDBClient({ endpoint: 'http://127.0.0.1:8000' }), 'credmon-credmon');
 */
export async function createTable(dynamodb: DynamoDBClient, tableName: string): Promise<void> {
  const keyAttributes = new Set<string>([TABLE.partitionKey, TABLE.sortKey]);
  const indexes: GlobalSecondaryIndex[] = Object.values(TABLE.indexes).map((index) => {
    keyAttributes.add(index.partitionKey);
    keyAttributes.add(index.sortKey);
    return {
      IndexName: index.name,
      KeySchema: [
        { AttributeName: index.partitionKey, KeyType: 'HASH' },
        { AttributeName: index.sortKey, KeyType: 'RANGE' },
      ],
      Projection:
        index.projection === 'job'
          ? { ProjectionType: 'INCLUDE', NonKeyAttributes: [...TABLE.jobAttributes] }
          : { ProjectionType: 'KEYS_ONLY' },
    };
  });
  try {
    await dynamodb.send(
      new CreateTableCommand({
        TableName: tableName,
        BillingMode: 'PAY_PER_REQUEST',
        KeySchema: [
          { AttributeName: TABLE.partitionKey, KeyType: 'HASH' },
          { AttributeName: TABLE.sortKey, KeyType: 'RANGE' },
        ],
        AttributeDefinitions: [...keyAttributes].map((name) => ({ AttributeName: name, AttributeType: 'S' })),
        GlobalSecondaryIndexes: indexes,
      }),
    );
  } catch (error) {
    // dynalite's ResourceInUseException carries no message: the table exists from an earlier run.
    if (!(error instanceof ResourceInUseException)) throw error;
  }
  // A new table is CREATING for a moment (also in dynalite): writes before it is ACTIVE fail with
  // ResourceNotFoundException, as the first enrolment did on a loaded machine.
  await waitUntilTableExists(
    { client: dynamodb, maxWaitTime: 60, minDelay: 1, maxDelay: 1 },
    { TableName: tableName },
  );
}

async function createQueue(
  sqs: SQSClient,
  name: string,
  attributes: Record<string, string>,
): Promise<{ url: string; arn: string }> {
  const created = await sqs.send(new CreateQueueCommand({ QueueName: name, Attributes: attributes }));
  if (!created.QueueUrl) throw new Error(`the embedded SQS returned no URL for ${name}`);
  const { Attributes } = await sqs.send(
    new GetQueueAttributesCommand({ QueueUrl: created.QueueUrl, AttributeNames: ['QueueArn'] }),
  );
  return { url: created.QueueUrl, arn: Attributes?.QueueArn ?? '' };
}
