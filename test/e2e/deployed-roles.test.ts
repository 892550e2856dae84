/**
 * The recovery paths under the deployed roles: a worker that crashes between committing a check and
 * publishing its alerts leaves an outbox; the monitor requeues the crashed subject to its own queue
 * and the outbox sweeper publishes the outbox. Both used to be denied in AWS while every local run
 * passed; here every call is authorized against the synthesized template's roles.
 */
import type { AlertV1 } from '#shared/domain/alert.ts';
import { type LocalPipeline, startLocalPipeline } from '#shared/local/pipeline.ts';
import { type Simulator, startSimulator } from '#shared/simulator/server.ts';
import { createWorld } from '#shared/simulator/world.ts';
import { enrolSubjects } from '#shared/use-cases/enrol-subjects.ts';
import { drainAlerts } from './support/drain-alerts.ts';

class InjectedCrash extends Error {
  override readonly name = 'InjectedCrash';
}

describe('recovery paths under the deployed IAM roles', () => {
  let simulator: Simulator;
  let pipeline: LocalPipeline;
  let crashed: string | null = null;
  let alerts: AlertV1[] = [];
  const metrics: Record<string, number> = {};

  beforeAll(async () => {
    // Prepare: the first subject to commit crashes before it publishes
    simulator = await startSimulator({
      world: createWorld({ seed: 7, subjects: 6, startDate: '2026-03-02' }),
    });
    simulator.setDay(0);
    let offsetMs = 0;
    const start = new Date(`${simulator.world.today()}T06:00:00.000Z`).getTime();
    pipeline = await startLocalPipeline({
      simulatorUrl: simulator.url,
      now: () => new Date(start + offsetMs),
      // Long enough that the sweeper, not the requeued retry, publishes the outbox.
      retryDelaySeconds: 10,
      afterCommit: (subjectId) => {
        if (crashed !== null) return;
        crashed = subjectId;
        throw new InjectedCrash('worker crashed between the state write and the publish');
      },
      metricsSink: (line) => {
        for (const [name, value] of Object.entries(JSON.parse(line) as Record<string, unknown>)) {
          if (typeof value === 'number' && name !== '_aws') metrics[name] = (metrics[name] ?? 0) + value;
        }
      },
    });
    const subscriber = await pipeline.subscribe('deployed-roles-subscriber');
    const { store, sealer } = pipeline.composition;
    await enrolSubjects(simulator.world.portfolio(), { store, sealer, tokenKey: pipeline.config.tokenKey });

    // Act: the daily run; once the crash happened, the sweeper's next run (past its grace period)
    await pipeline.requestTier('daily', 'schedule');
    const deadline = Date.now() + 60_000;
    while (crashed === null && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
    offsetMs = 10 * 60_000;
    await pipeline.sweepOutboxes();
    await pipeline.waitIdle();
    alerts = await drainAlerts(pipeline.composition.clients.sqs, subscriber);
  }, 120_000);

  afterAll(async () => {
    await pipeline?.stop();
    await simulator?.close();
  });

  it('requeues the crashed subject to its own queue and sweeps its outbox, with no call denied', () => {
    // Assess
    expect(crashed).not.toBeNull();
    expect(metrics.Requeued).toBeGreaterThanOrEqual(1);
    expect(metrics.OutboxesSwept).toBeGreaterThanOrEqual(1);
    const { checked, denied } = pipeline.iam.summary();
    expect(denied).toBe(0);
    expect(checked).toBeGreaterThan(100);
  });

  it("delivers the crashed subject's baseline once, and every daily subject's", () => {
    // Assess: at least once, so a copy may repeat, but never a second, different alert
    const ofCrashed = alerts.filter((alert) => alert.subject.id === crashed && alert.type === 'baseline');
    expect(new Set(ofCrashed.map((alert) => alert.alertId)).size).toBe(1);
    const daily = simulator.world.portfolio().filter((subject) => subject.tier === 'daily');
    const baselined = new Set(
      alerts.filter((alert) => alert.type === 'baseline').map((alert) => alert.subject.id),
    );
    expect(daily.length).toBeGreaterThan(1);
    expect([...baselined].sort()).toEqual(daily.map((subject) => subject.id).sort());
  });
});
