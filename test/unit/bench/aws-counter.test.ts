import { Readable } from 'node:stream';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { billedRequests, createAwsCounter, indexWritesOf, usagePer } from '../../../bench/aws-counter.ts';
import { costOf } from '../../../bench/cost.ts';
import { fillOperations } from '../../../bench/report.ts';

/** A DynamoDB client whose HTTP handler answers locally with `answer` and records request bodies. */
function fakeDynamo(answer: object) {
  const bodies: Record<string, unknown>[] = [];
  const client = new DynamoDBClient({
    region: 'eu-north-1',
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
    requestHandler: {
      handle: async (request: { body?: Uint8Array | string }) => {
        const body = request.body ?? '{}';
        bodies.push(JSON.parse(typeof body === 'string' ? body : new TextDecoder().decode(body)));
        return {
          response: {
            statusCode: 200,
            headers: { 'content-type': 'application/x-amz-json-1.0' },
            body: Readable.from([Buffer.from(JSON.stringify(answer))]),
          },
        };
      },
    },
  });
  return { client, bodies };
}

describe('AWS request counter', () => {
  it('asks DynamoDB for consumed capacity and sums what it reports, per operation', async () => {
    // Prepare
    const counter = createAwsCounter();
    const { client, bodies } = fakeDynamo({
      Items: [],
      Count: 0,
      ConsumedCapacity: { TableName: 't', CapacityUnits: 1.5 },
    });
    counter.instrument(client);
    const documents = DynamoDBDocumentClient.from(client);

    // Act
    await documents.send(
      new QueryCommand({
        TableName: 't',
        KeyConditionExpression: 'pk = :k',
        ExpressionAttributeValues: { ':k': 'a' },
      }),
    );
    await documents.send(
      new QueryCommand({
        TableName: 't',
        KeyConditionExpression: 'pk = :k',
        ExpressionAttributeValues: { ':k': 'b' },
      }),
    );

    // Assess
    const counts = counter.snapshot();
    expect(bodies[0]?.ReturnConsumedCapacity).toBe('TOTAL');
    expect(counts.requests).toEqual({ 'DynamoDB.Query': 2 });
    expect(counts.readUnits).toBe(3);
    expect(counts.estimatedRequests).toBe(0);
  });

  it('estimates read units from the items when the service reports none', async () => {
    // Prepare
    const counter = createAwsCounter();
    const { client } = fakeDynamo({ Items: [{ pk: { S: 'a' } }], Count: 1 });
    counter.instrument(client);

    // Act
    await DynamoDBDocumentClient.from(client).send(
      new QueryCommand({
        TableName: 't',
        KeyConditionExpression: 'pk = :k',
        ExpressionAttributeValues: { ':k': 'a' },
      }),
    );

    // Assess: one eventually consistent 4 KB unit, halved
    expect(counter.snapshot().readUnits).toBe(0.5);
    expect(counter.snapshot().estimatedRequests).toBe(1);
  });

  it('counts an index write for each index holding an attribute an update touches', () => {
    // Prepare
    const update = {
      UpdateExpression: 'SET #n0 = :v1, #n1 = :v2',
      ExpressionAttributeNames: { '#n0': 'version', '#n1': 'lastCheckedAt', '#cv': 'version' },
    };
    const history = { Item: { pk: 'SUBJECT#a', sk: 'V#0001', snapshot: {} } };

    // Act / Assess: version is projected into the tier and registry indexes, history items are in none
    expect(indexWritesOf('UpdateItem', update)).toBe(2);
    expect(indexWritesOf('PutItem', history)).toBe(0);
  });

  it('bills SQS and SNS per started 64 KB of payload', () => {
    // Prepare
    const body = 'x'.repeat(40 * 1024);

    // Act / Assess
    expect(billedRequests('SQS', { Entries: [{ MessageBody: body }, { MessageBody: body }] }, {})).toBe(2);
    expect(billedRequests('SNS', { PublishBatchRequestEntries: [{ Message: 'small' }] }, {})).toBe(1);
    expect(billedRequests('SQS', {}, { Messages: [] })).toBe(1);
    expect(billedRequests('DynamoDB', { Item: { big: body + body } }, {})).toBe(1);
  });

  it('scales billable requests and capacity to 1,000 checks, leaving out idle polls and the harness’s own calls', () => {
    // Prepare
    const counts = {
      requests: {},
      billed: {
        'SQS.ReceiveMessage': 30,
        'SQS.ReceiveMessage (empty)': 70,
        'SQS.GetQueueAttributes': 500,
        'DynamoDB.Query': 10,
      },
      nonEmptyReceives: {},
      readUnits: 5,
      writeUnits: 2,
      indexWriteUnits: 1,
      estimatedRequests: 0,
    };

    // Act
    const usage = usagePer(counts, 10_000, 1000);

    // Assess
    expect(usage.billableRequests).toBeCloseTo(4);
    expect(usage.byService).toEqual({ SQS: 3, DynamoDB: 1 });
    expect(usage.readUnits).toBeCloseTo(0.5);
    expect(usage.writeUnits).toBeCloseTo(0.3);
    expect(usage.capacityUnits).toBeCloseTo(0.8);
  });
});

describe('cost of checks', () => {
  it('prices each line as quantity × unit price and adds them up', () => {
    // Prepare: unit prices of 1 make each line's cost its quantity
    const one = { usd: 1 };
    const prices = {
      lambdaArmGbSecond: one,
      lambdaRequest: one,
      sqsRequest: one,
      snsPublish: one,
      eventBridgeEvent: one,
      dynamoWriteUnit: one,
      dynamoReadUnit: one,
      schedulerInvocation: one,
      logsIngestedGb: one,
      customMetricMonth: one,
    };
    const usage = {
      sqsRequests: 0.02,
      snsRequests: 0.001,
      eventBridgeEvents: 0.002,
      dynamoReadUnits: 0.003,
      dynamoWriteUnits: 0.1,
      functions: [{ name: 'monitor', memoryMb: 2048, invocations: 0.004, seconds: 0.01 }],
      logBytes: 100,
    };

    // Act
    const estimate = costOf(1000, usage, { scheduledInvocations: 5, idleReceives: 7 }, 2, prices);

    // Assess
    const byItem = Object.fromEntries(estimate.lines.map((line) => [line.item, line.usd]));
    expect(byItem['Lambda requests']).toBeCloseTo(4);
    expect(byItem['Lambda duration (arm64)']).toBeCloseTo(20);
    expect(byItem['SQS requests']).toBeCloseTo(20);
    expect(byItem['SNS publishes']).toBeCloseTo(1);
    expect(byItem['EventBridge events']).toBeCloseTo(2);
    expect(byItem['DynamoDB reads']).toBeCloseTo(3);
    expect(byItem['DynamoDB writes']).toBeCloseTo(100);
    expect(byItem['EventBridge Scheduler']).toBeCloseTo(10);
    expect(byItem['SQS idle polling (event sources)']).toBeCloseTo(14);
    expect(byItem['CloudWatch Logs ingestion']).toBeCloseTo(0.0001);
    expect(estimate.totalUsd).toBeCloseTo(174.0001);
  });
});

describe('operations guide table', () => {
  it('replaces the placeholder block once, then the marked table on later runs', () => {
    // Prepare
    const guide = [
      '### Measured',
      '',
      '> **Placeholder — filled in by the benchmark.** Not measured yet.',
      '> more words',
      '',
      '| a | b |',
      '|---|---|',
      '| x | _TBD_ |',
      '',
      '## Next section',
      '',
    ].join('\n');
    const table = (n: number) =>
      `<!-- bench:cost-per-1000:start -->\n| a | b |\n| x | ${n} |\n<!-- bench:cost-per-1000:end -->`;

    // Act
    const first = fillOperations(guide, table(1));
    const second = fillOperations(first, table(2));

    // Assess
    expect(first).not.toContain('Placeholder');
    expect(first).toContain('| x | 1 |');
    expect(first).toContain('## Next section');
    expect(second).toContain('| x | 2 |');
    expect(second).not.toContain('| x | 1 |');
    expect(fillOperations('no table here', table(3))).toBe('no table here');
  });
});
