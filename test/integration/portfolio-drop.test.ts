/** The S3 drop folder on the embedded AWS: fauxqs serves S3, dynalite the table. */
import { CreateBucketCommand, GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import type { Context, S3Event } from 'aws-lambda';
import { createPortfolioDropHandler, reportKeyOf } from '#functions/portfolio-drop/create-handler.ts';
import { s3ObjectStore } from '#shared/adapters/storage/s3-object-store.ts';
import { composePortfolio, loadPortfolioConfig } from '#shared/adapters/store/portfolio-composition.ts';
import { PORTFOLIO_COLUMNS } from '#shared/domain/portfolio-import.ts';
import { type LocalStack, startLocalStack } from '#shared/local/stack.ts';
import { createObservability } from '#shared/observability.ts';
import { FanOutRequest, type MonitorJob } from '#shared/use-cases/ports.ts';
import { fanOut } from '#shared/use-cases/run-tier.ts';
import { drainFanOut } from './support/fan-out-requests.ts';

const BUCKET = 'credmon-drop';

function objectCreated(key: string): S3Event {
  return {
    Records: [
      {
        eventVersion: '2.1',
        eventSource: 'aws:s3',
        awsRegion: 'eu-north-1',
        eventTime: '2026-01-01T00:00:00.000Z',
        eventName: 'ObjectCreated:Put',
        userIdentity: { principalId: 'erp' },
        requestParameters: { sourceIPAddress: '127.0.0.1' },
        responseElements: { 'x-amz-request-id': 'r', 'x-amz-id-2': 'i' },
        s3: {
          s3SchemaVersion: '1.0',
          configurationId: 'drop',
          bucket: { name: BUCKET, ownerIdentity: { principalId: 'o' }, arn: `arn:aws:s3:::${BUCKET}` },
          object: {
            key: encodeURIComponent(key).replace(/%20/g, '+').replace(/%2F/g, '/'),
            size: 1,
            eTag: 'e',
            sequencer: '1',
          },
        },
      },
    ],
  };
}

describe('portfolio drop folder', () => {
  let stack: LocalStack;
  let s3: S3Client;
  let handler: ReturnType<typeof createPortfolioDropHandler>;

  beforeAll(async () => {
    stack = await startLocalStack();
    s3 = new S3Client({
      region: stack.aws.region,
      endpoint: stack.aws.endpoints.sqs,
      forcePathStyle: true,
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    });
    await s3.send(new CreateBucketCommand({ Bucket: BUCKET }));
    // Composed as the Lambda entry does, from the environment the function would see.
    const { portfolio } = composePortfolio(loadPortfolioConfig(stack.environments['portfolio-drop'] ?? {}), {
      instrument: stack.iam.instrumentFor('portfolio-drop'),
    });
    handler = createPortfolioDropHandler({
      ...createObservability({ serviceName: 'test', logSink: () => {}, metricsSink: () => {} }),
      portfolio,
      objects: s3ObjectStore(s3),
    });
  });
  afterAll(async () => {
    s3.destroy();
    await stack.stop();
    // Every call the function made is one its deployed role allows.
    stack.iam.assertNoDenials();
  });

  async function drop(key: string, body: string | Buffer) {
    await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: key, Body: body }));
    await handler(objectCreated(key), {} as Context);
    const result = await s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: reportKeyOf(key) }));
    return JSON.parse(await (result.Body?.transformToString() ?? Promise.resolve('null')));
  }

  it('imports a dropped file and writes the report next to it; a re-delivery imports nothing twice', async () => {
    const csv = [
      PORTFOLIO_COLUMNS.join(','),
      'eq,business,NO,923609016,,Equinor,core,daily,,,',
      'x,business,DE,HRB1,,Y,core,daily,,,',
    ].join('\n');
    const first = await drop('incoming/erp export.csv', csv);
    const again = await drop('incoming/erp export.csv', csv);
    expect(first).toEqual({
      file: 'incoming/erp export.csv',
      status: 'imported',
      imported: 1,
      unchanged: 0,
      rejected: [{ line: 3, reason: 'country: DE has no supported registry (monitorable: NO, GB)' }],
    });
    expect(again).toMatchObject({ imported: 0, unchanged: 1 });
    expect(await stack.composition.store.get('eq')).toMatchObject({ monitored: true });
  });

  it('takes the S3 to EventBridge "Object Created" event the stack routes to it', async () => {
    const key = 'incoming/eventbridge.csv';
    await s3.send(
      new PutObjectCommand({
        Bucket: BUCKET,
        Key: key,
        Body: `${PORTFOLIO_COLUMNS.join(',')}\nsc,business,GB,SC571653,,Acme,uk,weekly,,,\n`,
      }),
    );
    await handler(
      {
        version: '0',
        id: 'e1',
        'detail-type': 'Object Created',
        source: 'aws.s3',
        account: '123456789012',
        time: '2026-01-01T00:00:00Z',
        region: 'eu-north-1',
        resources: [`arn:aws:s3:::${BUCKET}`],
        detail: { bucket: { name: BUCKET }, object: { key } },
      },
      {} as Context,
    );
    const result = await s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: reportKeyOf(key) }));
    expect(JSON.parse((await result.Body?.transformToString()) ?? 'null')).toMatchObject({
      status: 'imported',
      imported: 1,
    });
  });

  it('asks for the baseline of each new subject of a dropped file at once, monthly ones too', async () => {
    // Prepare
    await drainFanOut(stack);
    const csv = [
      PORTFOLIO_COLUMNS.join(','),
      'late-m,business,NO,974760673,,Late Monthly AS,core,monthly,,,',
      'late-w,business,GB,SC571653,,Late Weekly,uk,weekly,,,',
    ].join('\n');

    // Act
    await drop('incoming/late joiners.csv', csv);
    await drop('incoming/late joiners.csv', csv);
    const requests = await drainFanOut(stack);
    const jobs: MonitorJob[] = [];
    for (const request of requests) {
      await fanOut(FanOutRequest.parse(request), {
        store: stack.composition.store,
        queue: { sendMonitorJobs: async (batch) => void jobs.push(...batch), sendFanOut: async () => {} },
        now: () => new Date('2026-01-01T06:00:00Z'),
        remainingMs: () => 60_000,
      });
    }

    // Assess: one request per new subject (the re-delivery asks for nothing), ids and tier only
    expect(requests).toEqual(
      expect.arrayContaining([
        { subjectId: 'late-m', tier: 'monthly' },
        { subjectId: 'late-w', tier: 'weekly' },
      ]),
    );
    expect(requests).toHaveLength(2);
    expect(jobs.flatMap((job) => job.subjects.map((subject) => [job.tier, subject.id])).sort()).toEqual([
      ['monthly', 'late-m'],
      ['weekly', 'late-w'],
    ]);
  });

  it('refuses a file that is not UTF-8 whole, in the report', async () => {
    const report = await drop(
      'incoming/latin1.csv',
      Buffer.from(`${PORTFOLIO_COLUMNS.join(',')}\n\xe6\n`, 'latin1'),
    );
    expect(report).toEqual({
      file: 'incoming/latin1.csv',
      status: 'refused',
      error: 'incoming/latin1.csv:2: not valid UTF-8; save the file as UTF-8 and import again',
    });
  });
});
