import { PublishBatchCommand, SNSClient } from '@aws-sdk/client-sns';
import { SendMessageBatchCommand, SQSClient } from '@aws-sdk/client-sqs';
import { mockClient } from 'aws-sdk-client-mock';
import { batchesBySize } from '#shared/adapters/messaging/batches.ts';
import { SnsAlertPublisher } from '#shared/adapters/messaging/sns-alert-publisher.ts';
import { sendAll } from '#shared/adapters/messaging/sqs-job-queue.ts';
import { buildAlerts } from '#shared/domain/alert.ts';
import { equinor, risk, subjectFor } from '../../domain/snapshot-builders.ts';

const sqsMock = mockClient(SQSClient);
const snsMock = mockClient(SNSClient);

afterEach(() => {
  sqsMock.reset();
  snsMock.reset();
});

describe('sendAll', () => {
  it('sends in batches of ten and resends only the entries SQS refused', async () => {
    // Prepare
    sqsMock
      .on(SendMessageBatchCommand)
      .resolvesOnce({ Successful: [], Failed: [{ Id: '3', SenderFault: false, Code: 'InternalError' }] })
      .resolves({ Successful: [], Failed: [] });
    // Act
    await sendAll(
      new SQSClient({ region: 'eu-north-1' }),
      'https://sqs/q',
      Array.from({ length: 12 }, (_, i) => ({ i })),
    );
    // Assess
    const calls = sqsMock
      .commandCalls(SendMessageBatchCommand)
      .map((call) => call.args[0].input.Entries?.length);
    expect(calls).toEqual([10, 1, 2]);
  });

  it('gives up with a transient error when SQS keeps refusing', async () => {
    sqsMock
      .on(SendMessageBatchCommand)
      .resolves({ Successful: [], Failed: [{ Id: '0', SenderFault: false, Code: 'x' }] });
    await expect(
      sendAll(new SQSClient({ region: 'eu-north-1' }), 'https://sqs/q', [{ a: 1 }]),
    ).rejects.toThrow(/SQS refused 1 message/);
  });
});

describe('SnsAlertPublisher', () => {
  it('publishes alerts with their routing attributes', async () => {
    snsMock.on(PublishBatchCommand).resolves({ Successful: [], Failed: [] });
    const snapshot = equinor();
    const alerts = buildAlerts({
      subject: subjectFor(snapshot),
      snapshot,
      snapshotVersion: 1,
      events: [{ type: 'baseline', severity: 'info', changes: [], occurredAt: null }],
      risk: risk('B'),
      previousRisk: null,
      actions: [],
      source: { bureau: 'brreg', fetchedAt: '2026-07-20T06:00:00Z' },
      detectedAt: '2026-07-20T06:00:00Z',
    });
    await new SnsAlertPublisher(
      new SNSClient({ region: 'eu-north-1' }),
      'arn:aws:sns:eu-north-1:1:alerts',
    ).publish(alerts);
    const entry = snsMock.commandCalls(PublishBatchCommand)[0]?.args[0].input.PublishBatchRequestEntries?.[0];
    expect(JSON.parse(entry?.Message ?? '{}').alertId).toBe(alerts[0]?.alertId);
    expect(entry?.MessageAttributes?.type).toEqual({ DataType: 'String', StringValue: 'baseline' });
    expect(entry?.MessageAttributes?.riskClass).toEqual({ DataType: 'String', StringValue: 'B' });
  });
});

describe('batchesBySize', () => {
  it('starts a new batch at ten entries or when the next would pass the byte limit', () => {
    const items = ['aa', 'bbb', 'c', 'dddd', ...Array.from({ length: 11 }, () => 'e')];
    const batches = batchesBySize(items, (item) => item.length, { maxEntries: 10, maxBytes: 6 });
    expect(batches).toEqual([
      ['aa', 'bbb', 'c'],
      ['dddd', 'e', 'e'],
      ['e', 'e', 'e', 'e', 'e', 'e'],
      ['e', 'e', 'e'],
    ]);
  });

  it('sends an item over the limit alone', () => {
    expect(batchesBySize(['a', 'toolong', 'b'], (s) => s.length, { maxEntries: 10, maxBytes: 3 })).toEqual([
      ['a'],
      ['toolong'],
      ['b'],
    ]);
  });
});
