/**
 * Enrolment starts a baseline at once on the served stack: `credmon portfolio import` of a monthly
 * subject against a `credmon local --serve` whose clock is stopped (no schedule ever fires) puts
 * SubjectEnrolled on the local bus, and the subject's baseline alert reaches a subscriber.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SNSClient, SubscribeCommand } from '@aws-sdk/client-sns';
import {
  CreateQueueCommand,
  DeleteMessageBatchCommand,
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import { AlertV1 } from '#shared/domain/alert.ts';
import { PORTFOLIO_COLUMNS } from '#shared/domain/portfolio-import.ts';
import type { ServedDataDir } from '#shared/local/open-data-dir.ts';
import { readServeState, worldOf } from '#shared/local/serve.ts';
import { credmon, credmonOnce, type Running, waitFor, waitServed } from './support/serve-process.ts';

const PORTFOLIO = 'late-joiners';

function clientsOf(served: ServedDataDir) {
  const common = {
    region: served.region ?? 'eu-north-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  };
  return {
    sqs: new SQSClient({ ...common, endpoint: served.endpoints?.sqs, useQueueUrlAsEndpoint: false }),
    sns: new SNSClient({ ...common, endpoint: served.endpoints?.sns }),
  };
}

async function subscribe(served: ServedDataDir): Promise<string> {
  const { sqs, sns } = clientsOf(served);
  const { QueueUrl = '' } = await sqs.send(new CreateQueueCommand({ QueueName: 'late-joiners' }));
  const { Attributes } = await sqs.send(
    new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['QueueArn'] }),
  );
  await sns.send(
    new SubscribeCommand({
      TopicArn: served.resources?.alertsTopicArn,
      Protocol: 'sqs',
      Endpoint: Attributes?.QueueArn,
      Attributes: { RawMessageDelivery: 'true', FilterPolicy: JSON.stringify({ portfolioId: [PORTFOLIO] }) },
    }),
  );
  return QueueUrl;
}

async function receive(served: ServedDataDir, queueUrl: string): Promise<AlertV1[]> {
  const { sqs } = clientsOf(served);
  const { Messages = [] } = await sqs.send(
    new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 1 }),
  );
  if (Messages.length === 0) return [];
  await sqs.send(
    new DeleteMessageBatchCommand({
      QueueUrl: queueUrl,
      Entries: Messages.map((message, index) => ({
        Id: String(index),
        ReceiptHandle: message.ReceiptHandle,
      })),
    }),
  );
  return Messages.map((message) => AlertV1.parse(JSON.parse(message.Body ?? '')));
}

describe('credmon portfolio import against credmon local --serve', () => {
  let dataDir: string;
  let server: Running | undefined;
  beforeAll(() => {
    dataDir = mkdtempSync(join(tmpdir(), 'credmon-serve-enrol-'));
  });
  afterAll(async () => {
    if (server && server.child.exitCode === null && server.child.signalCode === null) {
      server.child.kill('SIGTERM');
      await server.exited;
    }
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('baselines an imported monthly subject at once, with no schedule firing', async () => {
    // Prepare: a server whose clock is stopped, a subscriber of the new portfolio, and a file with
    // one monthly customer whose organisation number the simulated registry knows
    server = credmon(['local', '--serve', '--data-dir', dataDir, '--day-seconds', '0', '--subjects', '10']);
    const served = await waitServed(dataDir, server);
    const queueUrl = await subscribe(served);
    const recipe = readServeState(dataDir)?.world;
    if (!recipe) throw new Error('serve-state.json has no world');
    const known = worldOf(recipe)
      .portfolio()
      .find((subject) => subject.kind === 'business' && subject.country === 'NO');
    if (!known?.registryId) throw new Error('the world has no Norwegian business');
    const file = join(dataDir, 'late.csv');
    writeFileSync(
      file,
      `${PORTFOLIO_COLUMNS.join(',')}\nlate-monthly,business,NO,${known.registryId},,Late AS,${PORTFOLIO},monthly,,,\n`,
    );

    // Act
    const imported = await credmonOnce(['portfolio', 'import', file, '--data-dir', dataDir]);
    const alerts: AlertV1[] = [];
    await waitFor(
      'the baseline alert of the imported subject',
      async () => {
        alerts.push(...(await receive(served, queueUrl)));
        return alerts.some((alert) => alert.subject.id === 'late-monthly' && alert.type === 'baseline');
      },
      60_000,
      0,
    );

    // Assess: the import went to the served stack, and no tier run was ever requested
    expect(imported.code).toBe(0);
    expect(imported.stdout).toContain('1 imported (1 new, 0 updated)');
    expect(new Set(alerts.map((alert) => `${alert.subject.id} ${alert.type}`))).toEqual(
      new Set(['late-monthly baseline']),
    );
    expect(readServeState(dataDir)).toMatchObject({ firedDay: -1, lastRuns: {} });
  }, 120_000);
});
