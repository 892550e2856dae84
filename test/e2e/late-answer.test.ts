/**
 * Issue proof (newer facts win): on the local pipeline, a late answer that is older than the facts
 * a newer check already committed — the registry's and the credit bureau's answers of before a
 * bankruptcy, reaching the monitor after the bankruptcy was committed and announced — is refused as
 * stale: the state keeps the bankruptcy, nothing is announced, and the next check announces nothing
 * again.
 */
import { ReceiveMessageCommand } from '@aws-sdk/client-sqs';
import { keepAliveTransport } from '#shared/adapters/bureaus/transport.ts';
import { SCHEDULES } from '#shared/catalogue.ts';
import type { AlertV1 } from '#shared/domain/alert.ts';
import { type LocalPipeline, startLocalPipeline } from '#shared/local/pipeline.ts';
import { type Simulator, startSimulator } from '#shared/simulator/server.ts';
import { createWorld } from '#shared/simulator/world.ts';
import { enrolSubjects } from '#shared/use-cases/enrol-subjects.ts';
import type { JobSubject } from '#shared/use-cases/ports.ts';
import { BENCH_PACING } from '../../bench/pipeline.ts';

/** In this world (seed 7, 300 subjects) this Norwegian company goes bankrupt on day 2. */
const SUBJECT = 'sim-00160';
const BANKRUPTCY_DAY = 2;

describe('a late answer older than the committed facts', () => {
  let simulator: Simulator;
  let pipeline: LocalPipeline;
  let subscriber: string;
  const staleAnswers: number[] = [];
  /** Day 0's answers of the subject, replayed while `replay` is on. */
  const recorded = new Map<string, { status: number; headers: Record<string, string>; body: string }>();
  let replay = false;

  const receive = async (): Promise<AlertV1[]> => {
    const alerts: AlertV1[] = [];
    for (let quiet = 0; quiet < 3; ) {
      const { Messages = [] } = await pipeline.composition.clients.sqs.send(
        new ReceiveMessageCommand({ QueueUrl: subscriber, MaxNumberOfMessages: 10, WaitTimeSeconds: 0 }),
      );
      if (Messages.length === 0) {
        quiet++;
        await new Promise((resolve) => setTimeout(resolve, 30));
      }
      alerts.push(...Messages.map((message) => JSON.parse(message.Body ?? '{}') as AlertV1));
    }
    return alerts.filter((alert) => alert.subject.id === SUBJECT);
  };

  beforeAll(async () => {
    simulator = await startSimulator({
      world: createWorld({ seed: 7, subjects: 300, startDate: '2026-07-15' }),
    });
    const { world } = simulator;
    const registryId = world.portfolio().find((s) => s.id === SUBJECT)?.registryId ?? '';
    pipeline = await startLocalPipeline({
      simulatorUrl: simulator.url,
      pacing: BENCH_PACING,
      now: () => new Date(`${world.today()}T06:00:00.000Z`),
      transport: async (request) => {
        const key = `${request.method} ${request.url}`;
        const mine = registryId !== '' && request.url.includes(registryId);
        const old = recorded.get(key);
        if (replay && mine && old) return old;
        const response = await keepAliveTransport(request);
        if (mine && world.day() === 0 && response.status === 200) recorded.set(key, response);
        return response;
      },
      metricsSink: (line) => {
        const value = (JSON.parse(line) as { StaleAnswers?: number | number[] }).StaleAnswers;
        if (value !== undefined) staleAnswers.push(...(Array.isArray(value) ? value : [value]));
      },
    });
    subscriber = await pipeline.subscribe('late-answer-subscriber');
    const { store, sealer } = pipeline.composition;
    await enrolSubjects(world.portfolio(), { store, sealer, tokenKey: pipeline.config.tokenKey });
  });

  afterAll(async () => {
    await pipeline?.stop();
    await simulator?.close();
  });

  it('is refused as stale: no revert of the bankruptcy, no alert, and no re-announcement after', async () => {
    // Prepare: the baseline on day 0, the bankruptcy committed and announced on day 2.
    const { store } = pipeline.composition;
    const runAllTiers = async () => {
      for (const { tier } of SCHEDULES) await pipeline.requestTier(tier, 'test');
      await pipeline.waitIdle();
    };
    await runAllTiers();
    await receive();
    simulator.setDay(BANKRUPTCY_DAY);
    await runAllTiers();
    const announced = await receive();
    const committed = await store.get(SUBJECT);
    if (!committed) throw new Error(`${SUBJECT} is not enrolled`);
    const job = (state: typeof committed): JobSubject => ({
      id: state.subject.id,
      kind: state.subject.kind,
      country: state.subject.country,
      registryId: state.subject.registryId,
      personToken: state.subject.personToken,
      sealedNationalId: state.sealedNationalId,
      version: state.version,
      hash: state.hash,
    });

    // Act: day 0's answers arrive now, for a check of the committed version; then a fresh check.
    replay = true;
    await pipeline.composition.queue.sendMonitorJobs([
      { tier: 'feed', runId: 'late', requestedAt: new Date().toISOString(), subjects: [job(committed)] },
    ]);
    await pipeline.waitIdle();
    const afterLate = await store.get(SUBJECT);
    const alertsAfterLate = await receive();
    replay = false;
    await pipeline.composition.queue.sendMonitorJobs([
      { tier: 'feed', runId: 'fresh', requestedAt: new Date().toISOString(), subjects: [job(committed)] },
    ]);
    await pipeline.waitIdle();
    const alertsAfterFresh = await receive();

    // Assess
    expect(recorded.size).toBeGreaterThanOrEqual(2);
    expect(announced.map((alert) => alert.type)).toContain('bankruptcy');
    expect(committed.snapshot?.status.state).toBe('bankruptcy');
    expect(staleAnswers.reduce((a, b) => a + b, 0)).toBe(1);
    expect(afterLate).toMatchObject({
      version: committed.version,
      hash: committed.hash,
      asOf: committed.asOf,
    });
    expect(afterLate?.snapshot?.status.state).toBe('bankruptcy');
    expect(alertsAfterLate).toEqual([]);
    expect(alertsAfterFresh).toEqual([]);
    expect((await store.get(SUBJECT))?.version).toBe(committed.version);
  });
});
