/**
 * A registry entry too large for one DynamoDB item, through the whole local pipeline (embedded AWS
 * with its 400 KB item limit, the real adapters, the simulator): a company whose board list runs to
 * thousands of members is stored cut to its budget, with one `snapshot-truncated` alert, keeps
 * updating on later days, and nothing is dead-lettered.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { AlertV1 } from '#shared/domain/alert.ts';
import { type LocalPipeline, startLocalPipeline } from '#shared/local/pipeline.ts';
import { type Simulator, startSimulator } from '#shared/simulator/server.ts';
import type { SimRoute, SimWorld } from '#shared/simulator/types.ts';
import { createWorld, DEFAULT_START_DATE } from '#shared/simulator/world.ts';
import { enrolSubjects } from '#shared/use-cases/enrol-subjects.ts';
import { jsonSchemaErrors } from '../support/json-schema.ts';
import { drainAlerts } from './support/drain-alerts.ts';

const SCHEMA_PATH = join(import.meta.dirname, '../../docs/alert-contract/alert.schema.json');

/** `members` board members in Brønnøysund's roles format, about 300 bytes of JSON each. */
function boardGroup(members: number): unknown {
  return {
    type: { kode: 'STYR', beskrivelse: 'Styre' },
    sistEndret: '2026-01-01',
    roller: Array.from({ length: members }, (_, n) => ({
      type: { kode: 'MEDL', beskrivelse: 'Styremedlem' },
      person: {
        fodselsdato: `19${String(50 + (n % 50))}-0${1 + (n % 9)}-1${n % 10}`,
        navn: { fornavn: `Medlem${n}`, etternavn: 'Stort' },
        erDoed: false,
      },
      fratraadt: false,
      avregistrert: false,
      rekkefolge: n,
    })),
  };
}

/** The world with one company's board grown to `members(day)` on each day. */
function largeBoardWorld(world: SimWorld, orgnr: string, members: (day: number) => number): SimWorld {
  return {
    ...world,
    day: () => world.day(),
    today: () => world.today(),
    advanceTo: (day: number) => world.advanceTo(day),
    portfolio: () => world.portfolio(),
    truth: () => world.truth(),
    feed: () => world.feed(),
    resource: (route: SimRoute) => {
      const answer = world.resource(route);
      if (route.kind !== 'brreg-roller' || route.orgnr !== orgnr || answer?.status !== 200) return answer;
      const body = answer.body as { rollegrupper?: unknown[] };
      const rollegrupper = [...(body.rollegrupper ?? []), boardGroup(members(world.day()))];
      return { ...answer, body: { ...body, rollegrupper } };
    },
  };
}

describe('a registry entry larger than a DynamoDB item, on the local pipeline', () => {
  const base = createWorld({ seed: 11, subjects: 6, startDate: DEFAULT_START_DATE });
  const target = base.portfolio().find((s) => s.kind === 'business' && s.country === 'NO');
  const world = largeBoardWorld(base, target?.registryId ?? '', (day) => (day === 0 ? 3000 : 3200));
  let simulator: Simulator;
  let pipeline: LocalPipeline;
  const runs: { alerts: AlertV1[]; dlq: number }[] = [];

  beforeAll(async () => {
    // Prepare
    simulator = await startSimulator({ world });
    pipeline = await startLocalPipeline({
      simulatorUrl: simulator.url,
      now: () => new Date(`${world.today()}T06:00:00.000Z`),
      metricsSink: () => {},
    });
    const subscriber = await pipeline.subscribe('large-entry-subscriber');
    const { store, sealer } = pipeline.composition;
    await enrolSubjects(world.portfolio(), { store, sealer, tokenKey: pipeline.config.tokenKey });

    // Act: the baseline on day 0 (3,000 members), a longer board on day 1 (3,200)
    for (const day of [0, 1]) {
      simulator.setDay(day);
      await pipeline.requestTier('daily', 'schedule');
      await pipeline.waitIdle();
      const alerts = await drainAlerts(pipeline.composition.clients.sqs, subscriber);
      runs.push({ alerts, dlq: (await pipeline.queueDepths()).monitorJobsDlq ?? 0 });
    }
  }, 120_000);

  afterAll(async () => {
    await pipeline?.stop();
    await simulator?.close();
  });

  it('has a Norwegian company to grow', () => {
    expect(target?.registryId).toMatch(/^\d{9}$/);
  });

  it('stores the company cut to its budget, saying what was cut, and dead-letters nothing', async () => {
    const state = await pipeline.composition.store.get(target?.id ?? '');
    expect(state?.version).toBeGreaterThanOrEqual(1);
    const roles = state?.snapshot?.truncated?.find((t) => t.list === 'roles');
    expect(roles?.total).toBeGreaterThan(3200);
    expect(roles?.kept).toBe(state?.snapshot?.roles.length);
    expect(state?.snapshot?.roles.some((r) => r.type === 'managing-director')).toBe(true);
    expect(runs.map((run) => run.dlq)).toEqual([0, 0]);
  });

  it('announces the baseline with the cut, then no removals when the cut moves', () => {
    const ofTarget = (alerts: AlertV1[]) => alerts.filter((alert) => alert.subject.id === target?.id);
    expect(ofTarget(runs[0]?.alerts ?? []).map((alert) => alert.type)).toEqual([
      'baseline',
      'snapshot-truncated',
    ]);
    const later = ofTarget(runs[1]?.alerts ?? []);
    expect(later.flatMap((alert) => alert.changes).filter((change) => change.new === null)).toEqual([]);
    expect(later.filter((alert) => alert.type === 'snapshot-truncated')).toEqual([]);
  });

  it('sends a snapshot-truncated alert valid against the published schema, naming no person', () => {
    const schema: unknown = JSON.parse(readFileSync(SCHEMA_PATH, 'utf8'));
    const cut = runs[0]?.alerts.find((alert) => alert.type === 'snapshot-truncated');
    expect(cut?.changes).toEqual([
      { path: '/truncated', old: null, new: [expect.objectContaining({ list: 'roles' })] },
    ]);
    expect(jsonSchemaErrors(schema, cut)).toEqual([]);
    expect(JSON.stringify(cut)).not.toMatch(/Medlem\d+/);
  });
});
