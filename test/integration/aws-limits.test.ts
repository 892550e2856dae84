/**
 * AWS's batch size limits, on the local stack: a PublishBatch or PutEvents of ten large alerts is
 * refused whole, as SNS and EventBridge refuse it, and credmon's publisher and bus split such a
 * batch by size so that every alert still goes out.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { PublishBatchCommand } from '@aws-sdk/client-sns';
import { AlertV1 } from '#shared/domain/alert.ts';
import { readArchive } from '#shared/local/event-bus.ts';
import { type LocalStack, startLocalStack } from '#shared/local/stack.ts';
import { drainAlerts } from '../e2e/support/drain-alerts.ts';
import { subscribe } from './support/subscribe.ts';

const EXAMPLE = join(import.meta.dirname, '../../docs/alert-contract/examples/board-changed.json');
const NOW = new Date('2026-03-02T06:00:00.000Z');

/** Ten valid alerts of about 60 KB each: 600 KB together, over SNS's and EventBridge's 256 KB. */
function largeAlerts(): AlertV1[] {
  const example = AlertV1.parse(JSON.parse(readFileSync(EXAMPLE, 'utf8')));
  return Array.from({ length: 10 }, (_, n) => ({
    ...example,
    alertId: `al_${String(n).padStart(32, '0')}`,
    detectedAt: NOW.toISOString(),
    changes: [...example.changes, { path: `/roles/other/pt_${n}`, old: null, new: 'x'.repeat(60_000) }],
  }));
}

describe('AWS batch size limits on the local stack', () => {
  let dataDir: string;
  let stack: LocalStack;
  let subscriber: string;

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'credmon-limits-'));
    stack = await startLocalStack({ dataDir, now: () => NOW });
    subscriber = await subscribe(stack, 'limits-subscriber');
  });

  afterAll(async () => {
    await stack?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('refuses a PublishBatch over 256 KB with BatchRequestTooLong, as SNS does', async () => {
    const entries = largeAlerts().map((alert, n) => ({ Id: String(n), Message: JSON.stringify(alert) }));
    const refused = stack.composition.clients.sns.send(
      new PublishBatchCommand({
        TopicArn: stack.resources.alertsTopicArn,
        PublishBatchRequestEntries: entries,
      }),
    );
    await expect(refused).rejects.toMatchObject({ name: 'BatchRequestTooLong' });
  });

  it('refuses a PutEvents over 256 KB with a ValidationException, as EventBridge does', async () => {
    const entries = largeAlerts().map((alert) => ({
      EventBusName: stack.config.eventBusName,
      Source: 'credmon.alerts',
      DetailType: 'credmon.alert/v1',
      Detail: JSON.stringify(alert),
    }));
    const refused = stack.composition.clients.eventbridge.send(new PutEventsCommand({ Entries: entries }));
    await expect(refused).rejects.toMatchObject({ name: 'ValidationException' });
  });

  it('publishes and archives every one of ten large alerts, in batches that fit', async () => {
    // Prepare
    const alerts = largeAlerts();
    const bus = stack.composition.bus;
    if (!bus) throw new Error('no bus');

    // Act
    await stack.composition.publisher.publish(alerts);
    await bus.putAlerts(alerts);

    // Assess
    const delivered = await drainAlerts(stack.composition.clients.sqs, subscriber);
    expect(delivered.map((alert) => alert.alertId).sort()).toEqual(alerts.map((alert) => alert.alertId));
    const archived = readArchive(dataDir, new Date('2026-03-01T00:00:00Z'));
    expect(archived.map((event) => event.detail.alertId).sort()).toEqual(
      alerts.map((alert) => alert.alertId),
    );
  });
});
