import { equinor as equinorExample, individual } from '#shared/domain/examples.ts';
import { loadCreditPolicy } from '#shared/domain/policy.ts';
import type { Snapshot } from '#shared/domain/snapshot.ts';
import { SubjectNotFoundError } from '#shared/errors.ts';
import { type MonitorDependencies, monitorSubject } from '#shared/use-cases/monitor-subject.ts';
import { sweepOutboxes } from '#shared/use-cases/sweep-outboxes.ts';
import defaultPolicy from '../../../config/credit-policy.json' with { type: 'json' };
import { InMemoryStore, jobSubjectOf, RecordingPublisher } from '../../support/in-memory-store.ts';
import { equinor, subjectFor } from '../domain/snapshot-builders.ts';

const policy = loadCreditPolicy(defaultPolicy, 'config/credit-policy.json');
const NOW = new Date('2026-07-20T06:00:00Z');

/** A bureau that answers with `answer` until told otherwise, and counts what it was asked. */
function setup(answer: Snapshot | 'not-found') {
  const store = new InMemoryStore();
  const publisher = new RecordingPublisher();
  let current = answer;
  let crashAfterCommit = false;
  const deps: MonitorDependencies = {
    store,
    publisher,
    policy,
    now: () => NOW,
    fetchSnapshot: async (job) => {
      if (current === 'not-found')
        throw new SubjectNotFoundError(`brreg: no entity ${job.registryId} in Enhetsregisteret`, {
          provider: 'brreg',
          status: 404,
        });
      return {
        snapshot: current,
        sources: [{ provider: 'brreg', fetchedAt: '2026-07-20T06:00:01Z' }],
        warnings: [],
      };
    },
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
    answer: (next: Snapshot | 'not-found') => {
      current = next;
    },
    crashOnce: () => {
      crashAfterCommit = true;
    },
  };
}

async function enrolled(snapshot: Snapshot, answer: Snapshot | 'not-found', sealedNationalId?: string) {
  const context = setup(answer);
  await context.store.enrol(subjectFor(snapshot), sealedNationalId ?? null);
  const job = () => jobSubjectOf(context.store.states.get(snapshot.subjectId)!);
  return { ...context, job };
}

describe('monitorSubject when the registry does not know the subject', () => {
  it('publishes one subject-not-found alert naming the registry id and what the registry said', async () => {
    // Prepare: enrolled, never found
    const { deps, publisher, job } = await enrolled(equinor(), 'not-found');

    // Act
    const outcome = await monitorSubject(job(), deps);

    // Assess
    expect(outcome.kind).toBe('not-found');
    expect(publisher.published).toHaveLength(1);
    const [alert] = publisher.published;
    expect(alert).toMatchObject({
      type: 'subject-not-found',
      severity: 'high',
      subject: { id: equinor().subjectId },
      changes: [
        {
          path: '/registry/lookup',
          old: null,
          new: {
            provider: 'brreg',
            status: 404,
            registryId: '923609016',
            said: 'brreg: no entity 923609016 in Enhetsregisteret',
          },
        },
      ],
      generalia: { status: { state: 'unknown' } },
    });
    expect(alert?.actions.map((action) => action.type)).toContain('manual-review');
  });

  it('marks the subject, keeps no outbox and forgets the hash', async () => {
    // Prepare: a subject with a baseline that the registry then no longer knows
    const { deps, store, answer, job } = await enrolled(equinor(), equinor());
    await monitorSubject(job(), deps);
    answer('not-found');

    // Act
    await monitorSubject(job(), deps);

    // Assess
    const state = store.states.get(equinor().subjectId)!;
    expect(state.notFound).toEqual({
      provider: 'brreg',
      status: 404,
      said: 'brreg: no entity 923609016 in Enhetsregisteret',
      since: NOW.toISOString(),
    });
    expect(state.version).toBe(2);
    expect(state.hash).toBeNull();
    expect(state.snapshot).toEqual(equinor());
    expect(state.outbox).toEqual([]);
    expect(store.alertHistory.map((entry) => [entry.version, entry.alert.type])).toEqual([
      [2, 'subject-not-found'],
    ]);
  });

  it('keeps the last known name and class of a subject that had a baseline', async () => {
    // Prepare
    const { deps, publisher, answer, job } = await enrolled(equinor(), equinor());
    await monitorSubject(job(), deps);
    const baseline = publisher.published[0]!;
    answer('not-found');

    // Act
    await monitorSubject(job(), deps);

    // Assess
    const alert = publisher.published.find((a) => a.type === 'subject-not-found');
    expect(alert?.generalia.name).toBe(baseline.generalia.name);
    expect(alert?.risk.class).toBe(baseline.risk.class);
    expect(alert?.risk.previousClass).toBe(baseline.risk.class);
    expect(alert?.source.snapshotVersion).toBe(2);
  });

  it('alerts once: a second check or a duplicate delivery that gets the 404 again sends nothing', async () => {
    // Prepare
    const { deps, store, publisher, job } = await enrolled(equinor(), 'not-found');
    const first = job();
    await monitorSubject(first, deps);

    // Act: the same job delivered again, then the next tier run's job
    const duplicate = await monitorSubject(first, deps);
    const nextRun = await monitorSubject(job(), deps);

    // Assess
    expect(duplicate).toEqual({ kind: 'not-found', alerts: [] });
    expect(nextRun).toEqual({ kind: 'not-found', alerts: [] });
    expect(publisher.published.map((a) => a.type)).toEqual(['subject-not-found']);
    expect(store.states.get(equinor().subjectId)?.version).toBe(1);
  });

  it('after a crash between the mark and the publish, the retry publishes the same alert id once', async () => {
    // Prepare
    const { deps, store, publisher, job, crashOnce } = await enrolled(equinor(), 'not-found');
    const planned = job();
    crashOnce();
    await expect(monitorSubject(planned, deps)).rejects.toThrow('worker crashed');
    const committed = store.states.get(equinor().subjectId)!.outbox.map((a) => a.alertId);

    // Act
    const retry = await monitorSubject(planned, deps);

    // Assess
    expect(retry.kind).toBe('republished');
    expect(publisher.published.map((a) => a.alertId)).toEqual(committed);
    expect(store.states.get(equinor().subjectId)?.outbox).toEqual([]);
  });

  it('lets the outbox sweeper complete an interrupted mark, with its alert in the history', async () => {
    // Prepare
    const { deps, store, publisher, job, crashOnce } = await enrolled(equinor(), 'not-found');
    crashOnce();
    await expect(monitorSubject(job(), deps)).rejects.toThrow('worker crashed');
    store.alertHistory.length = 0;

    // Act
    const result = await sweepOutboxes(
      { store, publisher, now: () => new Date(NOW.getTime() + 3_600_000) },
      { graceMinutes: 5 },
    );

    // Assess
    expect(result.swept).toBe(1);
    expect(publisher.published.map((a) => a.type)).toEqual(['subject-not-found']);
    expect(store.alertHistory.map((entry) => entry.alert.type)).toEqual(['subject-not-found']);
    expect(store.history).toEqual([]);
  });

  it('baselines a subject found for the first time after a not-found, and clears the mark', async () => {
    // Prepare
    const { deps, store, publisher, answer, job } = await enrolled(equinor(), 'not-found');
    await monitorSubject(job(), deps);
    answer(equinor());

    // Act
    const outcome = await monitorSubject(job(), deps);

    // Assess
    expect(outcome.kind).toBe('changed');
    expect(publisher.published.map((a) => a.type)).toEqual(['subject-not-found', 'baseline']);
    expect(store.states.get(equinor().subjectId)?.notFound).toBeNull();
  });

  it('diffs a subject found again against its last snapshot, never skipping it as unchanged', async () => {
    // Prepare: baseline, then not found, then found again; then renamed
    const { deps, store, publisher, answer, job } = await enrolled(equinor(), equinor());
    await monitorSubject(job(), deps);
    answer('not-found');
    await monitorSubject(job(), deps);
    const renamed = { ...equinor(), identity: { ...equinor().identity, name: 'EQUINOR ENERGY ASA' } };

    // Act: the same answer as the baseline would hash the same; the mark forgot the hash
    answer(equinor());
    const sameAgain = await monitorSubject(job(), deps);
    answer(renamed);
    const changed = await monitorSubject(job(), deps);

    // Assess
    expect(sameAgain.kind).toBe('changed');
    expect(store.states.get(equinor().subjectId)?.notFound).toBeNull();
    expect(changed.kind).toBe('changed');
    expect(publisher.published.map((a) => a.type)).toEqual(['baseline', 'subject-not-found', 'name-changed']);
  });

  it('names an individual by token only, never by national id or name', async () => {
    // Prepare
    const person = individual();
    // Sealed as itself: whatever reached the alert from the sealed field would show in clear.
    const nationalId = '01017012345';
    const { deps, publisher, job } = await enrolled(person, 'not-found', nationalId);
    deps.fetchSnapshot = async () => {
      throw new SubjectNotFoundError(`credmon-bureau: no person for subject ${person.subjectId}`, {
        provider: 'credmon-bureau',
        status: 404,
      });
    };

    // Act
    await monitorSubject(job(), deps);

    // Assess
    const [alert] = publisher.published;
    expect(alert?.changes[0]?.new).toEqual({
      provider: 'credmon-bureau',
      status: 404,
      personToken: person.identity.personToken,
      said: `credmon-bureau: no person for subject ${person.subjectId}`,
    });
    const text = JSON.stringify(alert);
    expect(text).not.toContain(nationalId);
    expect(person.identity.name).not.toBeNull();
    expect(text).not.toContain(person.identity.name as string);
  });

  it('marks no subject that is no longer monitored', async () => {
    // Prepare
    const { deps, store, publisher, job } = await enrolled(equinorExample(), 'not-found');
    await store.remove(equinorExample().subjectId);

    // Act
    const outcome = await monitorSubject(job(), deps);

    // Assess
    expect(outcome).toEqual({ kind: 'skipped' });
    expect(publisher.published).toEqual([]);
  });
});
