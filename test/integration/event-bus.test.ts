/**
 * The credmon event bus on the embedded AWS: control events routed by the catalogue's rules to the
 * fan-out, a copy of every alert put by the monitor after the SNS publish, the archive, and
 * `credmon replay` sending archived alerts to subscribers again (with their message attributes).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DeleteMessageCommand, ReceiveMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { archivedAlerts, replayCommand } from '#shared/cli/replay.ts';
import type { Snapshot } from '#shared/domain/snapshot.ts';
import type { MonitoredSubject } from '#shared/domain/subject.ts';
import { readArchive } from '#shared/local/event-bus.ts';
import { type LocalStack, startLocalStack } from '#shared/local/stack.ts';
import { monitorSubject } from '#shared/use-cases/monitor-subject.ts';
import { fanOut } from '#shared/use-cases/run-tier.ts';
import { equinor } from '../unit/domain/snapshot-builders.ts';
import { subscribe } from './support/subscribe.ts';

const NOW = new Date('2026-03-02T06:00:00.000Z');

/** Receives (and deletes) until the queue has been empty twice in a row. */
async function drain(sqs: SQSClient, queueUrl: string): Promise<Record<string, unknown>[]> {
  const bodies: Record<string, unknown>[] = [];
  for (let empty = 0; empty < 2; ) {
    const { Messages = [] } = await sqs.send(
      new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 0 }),
    );
    empty = Messages.length === 0 ? empty + 1 : 0;
    for (const message of Messages) {
      bodies.push(JSON.parse(message.Body ?? '{}'));
      await sqs.send(new DeleteMessageCommand({ QueueUrl: queueUrl, ReceiptHandle: message.ReceiptHandle }));
    }
    if (Messages.length === 0) await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return bodies;
}

function acme(): { subject: MonitoredSubject; snapshot: Snapshot } {
  const snapshot = { ...equinor(), subjectId: 'acme' };
  return {
    snapshot,
    subject: {
      id: 'acme',
      kind: 'business',
      country: 'NO',
      registryId: snapshot.identity.registryId,
      personToken: null,
      portfolioId: 'nordics',
      tier: 'weekly',
      creditLimit: 100_000,
      paymentTermsDays: 30,
      exposure: 10_000,
    },
  };
}

describe('credmon event bus (embedded)', () => {
  let dataDir: string;
  let stack: LocalStack;

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'credmon-bus-'));
    stack = await startLocalStack({ dataDir, now: () => NOW });
  });

  afterAll(async () => {
    await stack?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('is wired into the functions’ configuration like the deployed bus', () => {
    expect(stack.config.eventBusName).toBe('credmon');
    expect(stack.config.endpoints?.eventbridge).toBe(stack.bus.endpoint);
    expect(stack.composition.bus).not.toBeNull();
  });

  it('routes RunRequested to the fan-out queue, and SubjectEnrolled to a baseline job of that subject', async () => {
    // Prepare
    const { subject } = acme();
    await stack.composition.store.enrol(subject, null);
    const bus = stack.composition.bus;
    if (!bus) throw new Error('no bus');

    // Act
    await bus.putControlEvents([
      { type: 'RunRequested', detail: { tier: 'daily', requestedBy: 'cli' } },
      { type: 'SubjectEnrolled', detail: { subjectId: 'acme', tier: 'weekly' } },
    ]);
    const requests = await drain(stack.composition.clients.sqs, stack.resources.queueUrls.fanOut);
    const enrolled = requests.find((request) => request.subjectId === 'acme');
    const result = await fanOut(
      { tier: 'weekly', subjectId: 'acme' },
      {
        store: stack.composition.store,
        queue: stack.composition.queue,
        now: () => NOW,
        remainingMs: () => 60_000,
      },
    );
    const jobs = await drain(stack.composition.clients.sqs, stack.resources.queueUrls.monitorJobs);

    // Assess
    expect(requests).toEqual(
      expect.arrayContaining([
        { tier: 'daily', requestedBy: 'cli' },
        { subjectId: 'acme', tier: 'weekly' },
      ]),
    );
    expect(enrolled).toBeDefined();
    expect(result).toEqual({ subjects: 1, jobs: 1, continued: false });
    expect(jobs).toHaveLength(1);
    expect(jobs[0]).toMatchObject({ tier: 'weekly', subjects: [{ id: 'acme', version: 0, hash: null }] });
  });

  it('refuses control events with fields beyond ids and tiers (no personal data on the bus)', async () => {
    const bus = stack.composition.bus;
    if (!bus) throw new Error('no bus');
    const { controlEvent } = await import('#shared/domain/bus-events.ts');

    expect(() =>
      controlEvent('SubjectEnrolled', { subjectId: 'kari', tier: 'daily', name: 'Kari Nordmann' }),
    ).toThrow(/SubjectEnrolled/);
  });

  it('puts a copy of each alert on the bus after the SNS publish, archives it, and replays it to subscribers', async () => {
    // Prepare: a subscriber that only wants baseline alerts, and a baseline check of acme
    const subscriber = await subscribe(stack, 'bus-test-subscriber', { type: ['baseline'] });
    const { subject, snapshot } = acme();
    await stack.composition.store.enrol(subject, null);
    const deps = {
      ...stack.composition.monitor,
      fetchSnapshot: async () => ({
        snapshot,
        sources: [{ provider: 'brreg', fetchedAt: NOW.toISOString() }],
        warnings: [],
      }),
    };
    const state = await stack.composition.store.get('acme');

    // Act: the check publishes; then the archive is replayed with the CLI
    const outcome = await monitorSubject(
      {
        id: 'acme',
        kind: 'business',
        country: 'NO',
        registryId: subject.registryId,
        personToken: null,
        sealedNationalId: null,
        version: state?.version ?? 0,
        hash: null,
      },
      deps,
    );
    const live = await drain(stack.composition.clients.sqs, subscriber);
    const archived = readArchive(dataDir, new Date('2026-03-01T00:00:00Z'));
    // What `credmon replay --since 2026-03-01` sends (it opens the data directory this test holds).
    await stack.composition.publisher.publish(archivedAlerts(dataDir, new Date('2026-03-01'), new Date()));
    const replayed = await drain(stack.composition.clients.sqs, subscriber);
    // StartReplay's way: archived events back through the bus, where only replays match alerts-replay.
    const count = await stack.bus.replay('since-2026-03-01', new Date('2026-03-01'));
    const viaRule = await drain(stack.composition.clients.sqs, subscriber);

    // Assess
    expect(outcome.kind).toBe('changed');
    const alertIds = outcome.kind === 'changed' ? outcome.alerts.map((alert) => alert.alertId) : [];
    expect(live.map((alert) => alert.alertId)).toEqual(alertIds);
    expect(archived.map((event) => [event.source, event['detail-type'], event.detail.alertId])).toEqual(
      alertIds.map((id) => ['credmon.alerts', 'credmon.alert/v1', id]),
    );
    expect(archived[0]?.time).toBe(NOW.toISOString());
    expect(replayed.map((alert) => alert.alertId)).toEqual(alertIds);
    expect(count).toBe(alertIds.length);
    expect(viaRule.map((alert) => alert.alertId)).toEqual(alertIds);
  });

  it('replays nothing outside the window, and rejects a bad date with the flag named', async () => {
    const out: string[] = [];
    const io = {
      stdout: { write: (chunk: string) => out.push(chunk) },
      stderr: { write: (chunk: string) => out.push(chunk) },
      env: {},
      cwd: dataDir,
    };

    const code = await replayCommand.run(
      ['--since', '2026-03-03', '--until', '2026-03-04', '--data-dir', dataDir, '--json'],
      io,
    );

    expect(code).toBe(0);
    expect(JSON.parse(out.at(-1) ?? '{}')).toMatchObject({ replayed: 0 });
    await expect(replayCommand.run(['--since', 'yesterday'], io)).rejects.toThrow(/--since must be a date/);
  });
});
