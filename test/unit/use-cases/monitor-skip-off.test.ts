import { loadCreditPolicy } from '#shared/domain/policy.ts';
import { type MonitorDependencies, monitorSubject } from '#shared/use-cases/monitor-subject.ts';
import defaultPolicy from '../../../config/credit-policy.json' with { type: 'json' };
import { InMemoryStore, jobSubjectOf, RecordingPublisher } from '../../support/in-memory-store.ts';
import { equinor, subjectFor } from '../domain/snapshot-builders.ts';

const policy = loadCreditPolicy(defaultPolicy, 'config/credit-policy.json');

async function enrolled(skipUnchanged: boolean) {
  const store = new InMemoryStore();
  const publisher = new RecordingPublisher();
  const snapshot = equinor();
  const deps: MonitorDependencies = {
    store,
    publisher,
    policy,
    skipUnchanged,
    now: () => new Date('2026-07-20T06:00:00Z'),
    fetchSnapshot: async () => ({
      snapshot,
      sources: [{ provider: 'brreg', fetchedAt: '2026-07-20T06:00:01Z' }],
      warnings: [],
    }),
  };
  await store.enrol(subjectFor(snapshot), null);
  const job = () => jobSubjectOf(store.states.get(snapshot.subjectId)!);
  await monitorSubject(job(), deps);
  return { store, publisher, deps, job, id: snapshot.subjectId };
}

describe('monitorSubject without the unchanged-hash skip (the benchmark’s naive pipeline)', () => {
  it('reads the state and commits a new version although nothing changed, without alerting', async () => {
    // Prepare
    const { store, publisher, deps, job, id } = await enrolled(false);
    const readsBefore = store.reads;

    // Act
    const outcome = await monitorSubject(job(), deps);

    // Assess
    expect(outcome.kind).toBe('changed');
    expect(store.reads).toBeGreaterThan(readsBefore);
    expect(store.states.get(id)?.version).toBe(2);
    expect(publisher.published.map((alert) => alert.type)).toEqual(['baseline']);
  });

  it('stops at the hash with the skip on, writing nothing', async () => {
    // Prepare
    const { store, deps, job, id } = await enrolled(true);

    // Act
    const outcome = await monitorSubject(job(), deps);

    // Assess
    expect(outcome).toEqual({ kind: 'unchanged' });
    expect(store.states.get(id)?.version).toBe(1);
  });
});
