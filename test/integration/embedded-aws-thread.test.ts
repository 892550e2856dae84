import { mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  CreateTableCommand,
  DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
  waitUntilTableExists,
} from '@aws-sdk/client-dynamodb';
import type { EmbeddedAws, EmbeddedAwsOptions } from '#shared/local/embedded-aws.ts';
import { startEmbeddedAwsThread } from '#shared/local/embedded-aws-thread.ts';

const credentials = { accessKeyId: 'local', secretAccessKey: 'local' };

describe('startEmbeddedAwsThread', () => {
  let dir: string;
  const running: EmbeddedAws[] = [];
  const start = async (options: EmbeddedAwsOptions) => {
    const aws = await startEmbeddedAwsThread(options);
    running.push(aws);
    return aws;
  };
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'credmon-aws-thread-'));
  });
  afterEach(async () => {
    // stop() is idempotent: a test may have stopped its own already.
    for (const aws of running.splice(0)) await aws.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('keeps DynamoDB state in the data directory across a stop and a start', async () => {
    // Prepare
    const first = await start({ dataDir: dir });
    const client = (endpoint: string) => new DynamoDBClient({ region: first.region, endpoint, credentials });
    const writer = client(first.endpoints.dynamodb);
    await writer.send(
      new CreateTableCommand({
        TableName: 'things',
        AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }],
        KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
        BillingMode: 'PAY_PER_REQUEST',
      }),
    );
    // CREATING for a moment, as in DynamoDB: a write before ACTIVE is refused.
    await waitUntilTableExists(
      { client: writer, maxWaitTime: 30, minDelay: 1, maxDelay: 1 },
      { TableName: 'things' },
    );
    await writer.send(new PutItemCommand({ TableName: 'things', Item: { pk: { S: 'a' }, v: { N: '1' } } }));
    writer.destroy();
    await first.stop();

    // Act
    const second = await start({ dataDir: dir });
    const reader = client(second.endpoints.dynamodb);
    const { Item } = await reader.send(new GetItemCommand({ TableName: 'things', Key: { pk: { S: 'a' } } }));
    reader.destroy();

    // Assess
    expect(Item).toEqual({ pk: { S: 'a' }, v: { N: '1' } });
  });

  it('rejects with the port in its message when the port is taken', async () => {
    // Prepare
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const { port } = blocker.address() as AddressInfo;

    try {
      // Act
      const started = start({ dynamodbPort: port });

      // Assess
      await expect(started).rejects.toThrow(`port ${port} is already in use (embedded DynamoDB)`);
    } finally {
      await new Promise<void>((resolve) => blocker.close(() => resolve()));
    }
  });
});
