/**
 * `credmon local --serve` as its users run it: a child process on a data directory, reached with the
 * plain AWS SDK through the endpoints it announces.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
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
import { createProviders, fetchSnapshot } from '#shared/adapters/bureaus/provider.ts';
import { AlertV1 } from '#shared/domain/alert.ts';
import { FILTER_RECIPES } from '#shared/domain/filter-recipes.ts';
import { snapshotHash } from '#shared/domain/hash.ts';
import { openDataDir, type ServedDataDir } from '#shared/local/open-data-dir.ts';
import { clockOf, readServeState, worldOf } from '#shared/local/serve.ts';
import {
  bureauOrigins,
  routedTransport,
  SIMULATED_PACING,
  withPacing,
} from '#shared/local/simulated-bureaus.ts';
import { STATUS_FILE, type StackStatus } from '#shared/local/status.ts';
import { worldTransport } from '#shared/simulator/server.ts';
import { credmon, credmonOnce, type Running, waitFor, waitServed } from './support/serve-process.ts';

const SUBJECTS = 40;

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

async function subscribeQueue(
  served: ServedDataDir,
  name: string,
  filterPolicy?: Record<string, unknown[]>,
): Promise<string> {
  const { sqs, sns } = clientsOf(served);
  const { QueueUrl = '' } = await sqs.send(new CreateQueueCommand({ QueueName: name }));
  const { Attributes } = await sqs.send(
    new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['QueueArn'] }),
  );
  await sns.send(
    new SubscribeCommand({
      TopicArn: served.resources?.alertsTopicArn,
      Protocol: 'sqs',
      Endpoint: Attributes?.QueueArn,
      Attributes: {
        RawMessageDelivery: 'true',
        ...(filterPolicy ? { FilterPolicy: JSON.stringify(filterPolicy) } : {}),
      },
    }),
  );
  return QueueUrl;
}

async function drain(served: ServedDataDir, queueUrl: string): Promise<AlertV1[]> {
  const { sqs } = clientsOf(served);
  const alerts: AlertV1[] = [];
  for (;;) {
    const { Messages = [] } = await sqs.send(
      new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 0 }),
    );
    if (Messages.length === 0) return alerts;
    for (const message of Messages) alerts.push(AlertV1.parse(JSON.parse(message.Body ?? '')));
    await sqs.send(
      new DeleteMessageBatchCommand({
        QueueUrl: queueUrl,
        Entries: Messages.map((message, index) => ({
          Id: String(index),
          ReceiptHandle: message.ReceiptHandle,
        })),
      }),
    );
  }
}

const readStatus = (dataDir: string): StackStatus | null => {
  try {
    return JSON.parse(readFileSync(join(dataDir, STATUS_FILE), 'utf8')) as StackStatus;
  } catch {
    return null;
  }
};

describe('credmon local --serve', () => {
  let dataDir: string;
  const running: Running[] = [];
  beforeAll(() => {
    dataDir = mkdtempSync(join(tmpdir(), 'credmon-serve-'));
  });
  afterAll(async () => {
    for (const run of running) {
      if (run.child.exitCode === null && run.child.signalCode === null) run.child.kill('SIGKILL');
    }
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('delivers filtered alerts to a subscriber, admits one server per directory, and loses no change to a SIGTERM mid-run', async () => {
    // Prepare: a server, and two subscribers of the user's own (one filtered by a recipe)
    const first = credmon([
      'local',
      '--serve',
      '--data-dir',
      dataDir,
      '--day-seconds',
      '1',
      '--subjects',
      String(SUBJECTS),
    ]);
    running.push(first);
    const served = await waitServed(dataDir, first);
    const recipe = FILTER_RECIPES['individuals-only'];
    if (!recipe) throw new Error('the individuals-only filter recipe is gone');
    const filteredUrl = await subscribeQueue(served, 'my-individuals', recipe.filterPolicy);
    const allUrl = await subscribeQueue(served, 'my-everything');

    // Act 1: stop the server with SIGTERM while the baseline run is busy
    await waitFor('a busy run', () => {
      const status = readStatus(dataDir);
      return status && status.queues.monitorJobs.depth + status.queues.fanOut.depth > 0 ? status : null;
    });
    first.child.kill('SIGTERM');
    const firstExit = await first.exited;

    // Act 2: restart with the clock stopped: the queued work resumes, no new day starts
    const second = credmon(['local', '--serve', '--data-dir', dataDir, '--day-seconds', '0']);
    running.push(second);
    const resumed = await waitServed(dataDir, second);
    const rival = await credmonOnce(['local', '--serve', '--data-dir', dataDir, '--day-seconds', '0']);
    const drained = await waitFor(
      'the resumed run to drain',
      () => {
        const status = readStatus(dataDir);
        const live = status?.live;
        return status &&
          live?.pid === resumed.pid &&
          status.queues.monitorJobs.depth + status.queues.fanOut.depth === 0 &&
          Object.values(live.inFlight).every((n) => n === 0)
          ? status
          : null;
      },
      40_000,
      200,
    );

    // Assess: the server stopped cleanly, the rival named the running one
    expect(firstExit).toBe(0);
    expect(first.output().stderr).toContain('stopped');
    expect(rival.code).toBe(1);
    expect(rival.stderr).toContain(`in use by process ${resumed.pid}`);
    expect(rival.stderr).toContain('credmon local --serve');

    // Assess: the filter held (only individuals, and every individual alert the other queue got)
    const filtered = await drain(resumed, filteredUrl);
    const all = await drain(resumed, allUrl);
    expect(filtered.length).toBeGreaterThan(0);
    expect(filtered.every((alert) => alert.subject.kind === 'individual')).toBe(true);
    expect(all.some((alert) => alert.subject.kind === 'business')).toBe(true);
    const individualIds = new Set(all.filter((a) => a.subject.kind === 'individual').map((a) => a.alertId));
    expect(new Set(filtered.map((alert) => alert.alertId))).toEqual(individualIds);

    // Assess: no change lost — every subject's stored snapshot is the simulator's truth of the day
    // its tier last ran, no outbox is pending and nothing was dead-lettered
    const state = readServeState(dataDir);
    if (!state) throw new Error('serve-state.json is missing');
    const world = worldOf(state.world);
    const data = await openDataDir(dataDir);
    const mismatches: string[] = [];
    try {
      expect(data.served).toBe(true);
      const base = 'http://simulator.test';
      // The deployed bureaus, their hosts routed to the world as the served stack routes them.
      const bureaus = withPacing(data.config.bureaus, SIMULATED_PACING);
      const providers = createProviders(
        bureaus,
        routedTransport(bureauOrigins(bureaus), base, worldTransport(world, base)),
      );
      for (const subject of world.portfolio()) {
        const stored = await data.composition.store.get(subject.id);
        const run = stored ? state.lastRuns[stored.effectiveTier] : undefined;
        if (!stored || !run) {
          mismatches.push(`${subject.id}: ${stored ? `no ${stored.effectiveTier} run` : 'not stored'}`);
          continue;
        }
        world.advanceTo(run.day);
        const fresh = await fetchSnapshot(
          {
            ...stored.subject,
            nationalId: stored.sealedNationalId
              ? data.composition.sealer.open(stored.sealedNationalId)
              : null,
            portfolioId: '-',
            tier: 'daily',
            creditLimit: null,
            paymentTermsDays: null,
            exposure: null,
          },
          providers,
          { now: clockOf(world)(), partyKey: data.config.tokenKey },
        );
        if (snapshotHash(fresh.snapshot) !== stored.hash) mismatches.push(`${subject.id}: day ${run.day}`);
      }
    } finally {
      await data.close();
    }
    expect(mismatches).toEqual([]);
    expect(drained.outbox.pending).toBe(0);
    expect(drained.queues.monitorJobs.dlq).toBe(0);

    // Act 3 / Assess: a clean stop releases the directory
    second.child.kill('SIGINT');
    expect(await second.exited).toBe(0);
    expect(readServeState(dataDir)?.firedDay).toBeGreaterThanOrEqual(0);
  }, 90_000);
});
