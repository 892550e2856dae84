import { snapshotHash } from '#shared/domain/hash.ts';
import { loadCreditPolicy } from '#shared/domain/policy.ts';
import type { Snapshot } from '#shared/domain/snapshot.ts';
import { type MonitorDependencies, monitorSubject } from '#shared/use-cases/monitor-subject.ts';
import defaultPolicy from '../../../config/credit-policy.json' with { type: 'json' };
import { InMemoryStore, jobSubjectOf, RecordingPublisher } from '../../support/in-memory-store.ts';
import { equinor, subjectFor } from '../domain/snapshot-builders.ts';

const ID = equinor().subjectId;
const policy = loadCreditPolicy(defaultPolicy, 'config/credit-policy.json');

function setup(initial: Snapshot) {
  const store = new InMemoryStore();
  const publisher = new RecordingPublisher();
  let current = initial;
  let crashAfterCommit = false;
  const deps: MonitorDependencies = {
    store,
    publisher,
    policy,
    now: () => new Date('2026-07-20T06:00:00Z'),
    fetchSnapshot: async () => ({
      snapshot: current,
      sources: [{ provider: 'brreg', fetchedAt: '2026-07-20T06:00:01Z' }],
      warnings: [],
    }),
    afterCommit: () => {
      if (crashAfterCommit) {
        crashAfterCommit = false;
        throw new Error('worker crashed');
      }
    },
  };
  return {
    store,
    publisher,
    deps,
    setSnapshot: (s: Snapshot) => {
      current = s;
    },
    crashOnce: () => {
      crashAfterCommit = true;
    },
  };
}

async function enrolled(snapshot: Snapshot) {
  const context = setup(snapshot);
  await context.store.enrol(subjectFor(snapshot), null);
  const job = () => jobSubjectOf(context.store.states.get(snapshot.subjectId)!);
  return { ...context, job };
}

describe('monitorSubject', () => {
  it('commits a baseline on the first check and publishes its alert', async () => {
    // Prepare
    const { deps, store, publisher, job } = await enrolled(equinor());
    // Act
    const outcome = await monitorSubject(job(), deps);
    // Assess
    expect(outcome.kind).toBe('changed');
    expect(publisher.published.map((a) => a.type)).toEqual(['baseline']);
    const state = store.states.get(ID)!;
    expect(state.version).toBe(1);
    expect(state.hash).toBe(snapshotHash(equinor()));
    expect(state.outbox).toEqual([]);
    expect(store.history).toHaveLength(1);
  });

  it('stops at the hash when nothing changed: no read, no write, no alert', async () => {
    const { deps, store, publisher, job } = await enrolled(equinor());
    await monitorSubject(job(), deps);
    const readsBefore = store.reads;
    const outcome = await monitorSubject(job(), deps);
    expect(outcome).toEqual({ kind: 'unchanged' });
    expect(store.reads).toBe(readsBefore);
    expect(publisher.published).toHaveLength(1);
  });

  it('alerts on a change with old and new values', async () => {
    const { deps, publisher, job, setSnapshot } = await enrolled(equinor());
    await monitorSubject(job(), deps);
    const bankrupt = equinor();
    bankrupt.status = {
      ...bankrupt.status,
      state: 'bankruptcy',
      since: '2026-07-19',
      proceedings: [{ kind: 'bankruptcy', since: '2026-07-19' }],
    };
    setSnapshot(bankrupt);
    const outcome = await monitorSubject(job(), deps);
    expect(outcome.kind).toBe('changed');
    const bankruptcy = publisher.published.find((a) => a.type === 'bankruptcy');
    expect(bankruptcy?.changes).toContainEqual({ path: '/status/state', old: 'active', new: 'bankruptcy' });
    expect(bankruptcy?.risk.class).toBe('D');
  });

  it('refuses a delayed older answer after a newer one committed: no revert, no alert, outcome stale', async () => {
    // Prepare: the active subject is baselined; a slow check started at 06:00 reads it still active
    // (with a new head count), a faster one started at 06:05 reads the bankruptcy and commits first.
    const { deps, store, publisher, job } = await enrolled(equinor());
    await monitorSubject(job(), deps);
    const bankrupt = equinor();
    bankrupt.status = {
      ...bankrupt.status,
      state: 'bankruptcy',
      since: '2026-07-20',
      proceedings: [{ kind: 'bankruptcy', since: '2026-07-20' }],
    };
    const answer = (snapshot: Snapshot, fetchedAt: string) => ({
      ...deps,
      fetchSnapshot: async () => ({ snapshot, sources: [{ provider: 'brreg', fetchedAt }], warnings: [] }),
    });
    const planned = job();
    await monitorSubject(planned, answer(bankrupt, '2026-07-20T06:05:00Z'));
    const committed = store.states.get(ID)!;
    const alertsBefore = publisher.published.length;
    // Act: the slow check's older answer arrives, with the job as planned before either
    const older = { ...equinor(), employees: 12_345 };
    const outcome = await monitorSubject(planned, answer(older, '2026-07-20T06:00:00Z'));
    const replayed = await monitorSubject(job(), answer(older, '2026-07-20T06:00:00Z'));
    const again = await monitorSubject(job(), answer(bankrupt, '2026-07-20T06:05:00Z'));
    // Assess
    expect(outcome).toEqual({ kind: 'stale' });
    expect(replayed).toEqual({ kind: 'stale' });
    expect(again).toEqual({ kind: 'unchanged' });
    expect(store.states.get(ID)).toMatchObject({ version: committed.version, hash: snapshotHash(bankrupt) });
    expect(publisher.published).toHaveLength(alertsBefore);
    expect(publisher.published.filter((a) => a.type === 'bankruptcy')).toHaveLength(1);
  });

  it('accepts an answer as of the same time as the stored one (the same report read again)', async () => {
    // Prepare
    const { deps, store, job, setSnapshot } = await enrolled(equinor());
    await monitorSubject(job(), deps);
    setSnapshot({ ...equinor(), employees: 50_000 });
    // Act: same as-of (the setup's fetch time), new content
    const outcome = await monitorSubject(job(), deps);
    // Assess
    expect(outcome.kind).toBe('changed');
    expect(store.states.get(ID)?.asOf).toEqual({ brreg: '2026-07-20T06:00:01.000Z' });
  });

  it('reports slow employee drift once it adds up from the last reported count', async () => {
    // Prepare: 100 employees, then steps of 4 (each below the threshold of max(5, 10 %)).
    const withEmployees = (employees: number) => ({ ...equinor(), employees });
    const { deps, store, publisher, job, setSnapshot } = await enrolled(withEmployees(100));
    await monitorSubject(job(), deps);
    // Act
    const kinds: string[] = [];
    for (const employees of [104, 108, 112]) {
      setSnapshot(withEmployees(employees));
      kinds.push((await monitorSubject(job(), deps)).kind);
    }
    // Assess: each step is a new hash (committed), but only 100 → 112 is a change worth an alert.
    expect(kinds).toEqual(['changed', 'changed', 'changed']);
    const keyFigures = publisher.published.filter((a) => a.type === 'key-figures-changed');
    expect(keyFigures).toHaveLength(1);
    expect(keyFigures[0]?.changes).toEqual([{ path: '/employees', old: 100, new: 112 }]);
    expect(store.states.get(ID)?.snapshot?.employees).toBe(112);
    expect(store.states.get(ID)?.hash).toBe(snapshotHash(withEmployees(112)));
  });

  it('after a crash between the state write and the publish, the retry publishes the same alerts once', async () => {
    const { deps, store, publisher, job, crashOnce } = await enrolled(equinor());
    const planned = job();
    crashOnce();
    await expect(monitorSubject(planned, deps)).rejects.toThrow('worker crashed');
    expect(publisher.published).toHaveLength(0);
    const pending = store.states.get(ID)!.outbox.map((a) => a.alertId);
    expect(pending).toHaveLength(1);
    // The queue redelivers the same job.
    const outcome = await monitorSubject(planned, deps);
    expect(outcome.kind).toBe('republished');
    expect(publisher.published.map((a) => a.alertId)).toEqual(pending);
    expect(store.states.get(ID)!.version).toBe(1);
    expect(store.states.get(ID)!.outbox).toEqual([]);
  });

  it('re-reads and retries when another writer moved the version', async () => {
    const { deps, store, publisher, job } = await enrolled(equinor());
    store.conflicts = 1;
    const outcome = await monitorSubject(job(), deps);
    expect(outcome.kind).toBe('changed');
    expect(publisher.published).toHaveLength(1);
  });

  it('keeps the alerts in the outbox when publishing fails', async () => {
    const { deps, store, publisher, job } = await enrolled(equinor());
    publisher.failNext = 1;
    await expect(monitorSubject(job(), deps)).rejects.toThrow('SNS unavailable');
    expect(store.states.get(ID)!.outbox).toHaveLength(1);
  });

  it('skips a subject that is no longer monitored', async () => {
    const { deps, store, job } = await enrolled(equinor());
    await store.remove(ID);
    expect(await monitorSubject(job(), deps)).toEqual({ kind: 'skipped' });
  });
});
