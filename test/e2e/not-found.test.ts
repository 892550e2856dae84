/**
 * A subject its registry does not know, through the whole local pipeline (embedded AWS, the real
 * adapters, the simulator's 404): one `subject-not-found` alert, the subject marked, nothing on the
 * dead-letter queue, and one registry lookup per delivered check: no retries paying for the 404.
 */
import type { AlertV1 } from '#shared/domain/alert.ts';
import { type LocalPipeline, startLocalPipeline } from '#shared/local/pipeline.ts';
import { type Simulator, startSimulator } from '#shared/simulator/server.ts';
import type { SimRoute, SimWorld } from '#shared/simulator/types.ts';
import { createWorld, DEFAULT_START_DATE } from '#shared/simulator/world.ts';
import { enrolSubjects } from '#shared/use-cases/enrol-subjects.ts';
import { drainAlerts } from './support/drain-alerts.ts';

/** The world, counting the Enhetsregisteret entity lookups of each organisation number. */
function countingWorld(world: SimWorld) {
  const lookups = new Map<string, number>();
  const counted: SimWorld = {
    ...world,
    resource: (route: SimRoute) => {
      if (route.kind === 'brreg-enhet') lookups.set(route.orgnr, (lookups.get(route.orgnr) ?? 0) + 1);
      return world.resource(route);
    },
  };
  return { world: counted, lookups: (orgnr: string) => lookups.get(orgnr) ?? 0 };
}

describe('a subject the registry does not know, on the local pipeline', () => {
  const counting = countingWorld(
    createWorld({ seed: 3, subjects: 5, unknownSubjects: 1, startDate: DEFAULT_START_DATE }),
  );
  const unknown = counting.world.portfolio().find((subject) => subject.id === 'unknown-1');
  let simulator: Simulator;
  let pipeline: LocalPipeline;
  let subscriber: string;
  const runs: { alerts: AlertV1[]; lookups: number; dlq: number }[] = [];

  beforeAll(async () => {
    // Prepare: every monitor job is delivered twice, as SQS may do
    simulator = await startSimulator({ world: counting.world });
    simulator.setDay(0);
    pipeline = await startLocalPipeline({
      simulatorUrl: simulator.url,
      now: () => new Date(`${counting.world.today()}T06:00:00.000Z`),
      duplicateRate: 1,
      metricsSink: () => {},
    });
    subscriber = await pipeline.subscribe('not-found-subscriber');
    const { store, sealer } = pipeline.composition;
    await enrolSubjects(counting.world.portfolio(), { store, sealer, tokenKey: pipeline.config.tokenKey });

    // Act: two daily runs on two days
    for (const day of [0, 1]) {
      simulator.setDay(day);
      const before = counting.lookups(unknown?.registryId ?? '');
      await pipeline.requestTier('daily', 'schedule');
      await pipeline.waitIdle();
      const alerts = await drainAlerts(pipeline.composition.clients.sqs, subscriber);
      const depths = await pipeline.queueDepths();
      runs.push({
        alerts,
        lookups: counting.lookups(unknown?.registryId ?? '') - before,
        dlq: depths.monitorJobsDlq ?? 0,
      });
    }
  }, 120_000);

  afterAll(async () => {
    await pipeline?.stop();
    await simulator?.close();
  });

  it('has an unknown subject in its portfolio', () => {
    expect(unknown?.registryId).toMatch(/^\d{9}$/);
  });

  it('publishes one subject-not-found alert, with the registry id and what the registry said', () => {
    // Delivery is at least once: the duplicate job may republish the pending alert, with its id.
    const notFound = runs.flatMap((run) => run.alerts).filter((alert) => alert.type === 'subject-not-found');
    expect([...new Set(notFound.map((alert) => `${alert.subject.id} ${alert.alertId}`))]).toHaveLength(1);
    expect(notFound[0]?.subject.id).toBe('unknown-1');
    expect(notFound[0]?.changes[0]).toEqual({
      path: '/registry/lookup',
      old: null,
      new: {
        provider: 'brreg',
        status: 404,
        registryId: unknown?.registryId,
        said: `brreg: no entity ${unknown?.registryId} in Enhetsregisteret`,
      },
    });
  });

  it('alerts nothing more about it on the next run', () => {
    expect(runs[1]?.alerts.filter((alert) => alert.subject.id === 'unknown-1')).toEqual([]);
  });

  it('marks the subject and leaves no outbox pending', async () => {
    const state = await pipeline.composition.store.get('unknown-1');
    expect(state?.notFound).toMatchObject({ provider: 'brreg', status: 404 });
    expect(state?.outbox).toEqual([]);
    expect(state?.hash).toBeNull();
  });

  it('dead-letters nothing', () => {
    expect(runs.map((run) => run.dlq)).toEqual([0, 0]);
  });

  it('asks the registry once per delivered check: the two deliveries of each run, never a retry', () => {
    // Retried as before, each delivery would have paid the 404 five times before dead-lettering.
    expect(runs.map((run) => run.lookups)).toEqual([2, 2]);
  });

  it('baselines the subjects of the run that the registry knows', () => {
    const baselines = new Set(
      runs[0]?.alerts.filter((alert) => alert.type === 'baseline').map((alert) => alert.subject.id),
    );
    const known = counting.world
      .portfolio()
      .filter((s) => (s.tier === 'daily' || s.tier === 'feed') && s.id !== 'unknown-1');
    expect([...baselines].sort()).toEqual(known.map((s) => s.id).sort());
  });
});
