/**
 * The storage contract of the subject store: what DynamoSubjectStore promises the use cases,
 * written once and run on every DynamoDB engine (see ../support/dynamodb-engines.ts). A store
 * behaviour that differs between dynalite and Amazon's engine shows up here as a failing engine.
 */

import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import {
  DynamoSubjectStore,
  type DynamoSubjectStoreOptions,
} from '#shared/adapters/store/dynamo-subject-store.ts';
import { TIER_SHARDS } from '#shared/catalogue.ts';
import { type AlertV1, buildAlerts } from '#shared/domain/alert.ts';
import type { PaymentExperience } from '#shared/domain/risk/paydex.ts';
import type { Snapshot } from '#shared/domain/snapshot.ts';
import type { MonitoredSubject, Tier } from '#shared/domain/subject.ts';
import { ItemTooLargeError, outcomeOf } from '#shared/errors.ts';
import { createTable } from '#shared/local/bootstrap.ts';
import type { CheckCommit, NotFoundCommit } from '#shared/use-cases/ports.ts';
import { equinor, individual, risk } from '../../unit/domain/snapshot-builders.ts';
import type { DynamoEngine, RunningEngine } from '../support/dynamodb-engines.ts';

const T0 = Date.parse('2026-03-02T06:00:00.000Z');
const DAY = 86_400_000;

function business(id: string, tier: Tier = 'daily', portfolioId = 'nordics'): MonitoredSubject {
  return {
    id,
    kind: 'business',
    country: 'NO',
    registryId: `9${String(hashOf(id)).padStart(8, '0').slice(-8)}`,
    personToken: null,
    portfolioId,
    tier,
    creditLimit: 500_000,
    paymentTermsDays: 30,
    exposure: 120_000,
  };
}

function person(id: string): MonitoredSubject {
  return {
    id,
    kind: 'individual',
    country: 'NO',
    registryId: null,
    personToken: `pt_${id.replace(/[^a-z0-9]/g, '')}`,
    portfolioId: 'retail',
    tier: 'monthly',
    creditLimit: 20_000,
    paymentTermsDays: 14,
    exposure: 3_000,
  };
}

function hashOf(text: string): number {
  let hash = 7;
  for (const char of text) hash = (hash * 31 + char.charCodeAt(0)) % 100_000_000;
  return hash;
}

function snapshotOf(subject: MonitoredSubject): Snapshot {
  const base = subject.kind === 'individual' ? individual() : equinor();
  return {
    ...base,
    subjectId: subject.id,
    identity: { ...base.identity, registryId: subject.registryId, personToken: subject.personToken },
  };
}

function alertsFor(subject: MonitoredSubject, version: number, detectedAt: string): AlertV1[] {
  return buildAlerts({
    subject,
    snapshot: snapshotOf(subject),
    snapshotVersion: version,
    events: [{ type: 'baseline', severity: 'info', changes: [], occurredAt: null }],
    risk: risk('B', 0.02),
    previousRisk: null,
    actions: [],
    source: { bureau: 'brreg', fetchedAt: detectedAt },
    detectedAt,
  });
}

function commitFor(
  subject: MonitoredSubject,
  expectedVersion: number,
  options: { withAlerts?: boolean; at?: number; hash?: string; asOf?: CheckCommit['asOf'] } = {},
): CheckCommit {
  const checkedAt = new Date(options.at ?? T0).toISOString();
  return {
    subjectId: subject.id,
    expectedVersion,
    hash: options.hash ?? `h${expectedVersion + 1}`,
    snapshot: snapshotOf(subject),
    changes: [],
    risk: risk('B', 0.02),
    actions: [],
    effectiveTier: subject.tier,
    outbox: options.withAlerts === false ? [] : alertsFor(subject, expectedVersion + 1, checkedAt),
    checkedAt,
    ...(options.asOf ? { asOf: options.asOf } : {}),
  };
}

function notFoundFor(subject: MonitoredSubject, expectedVersion: number, at = T0): NotFoundCommit {
  const checkedAt = new Date(at).toISOString();
  const said = `brreg: no entity ${subject.registryId} in Enhetsregisteret`;
  return {
    subjectId: subject.id,
    expectedVersion,
    notFound: { provider: 'brreg', status: 404, said, since: checkedAt },
    outbox: alertsFor(subject, expectedVersion + 1, checkedAt),
    checkedAt,
  };
}

const experience: PaymentExperience = {
  invoices: 12,
  paidInvoices: 10,
  openOverdue: 1,
  weightedDaysBeyondTerms: 6.5,
  paydex: 74,
  paydexTrend: -2,
  maxDaysBeyondTerms: 31,
  asOf: '2026-03-01',
};

/**
 * Defines the contract's tests for one engine, inside the caller's `describe`.
 *
 * @example
 * describe('dynalite', () => subjectStoreContract(dynaliteEngine));
 */
export function subjectStoreContract(engine: DynamoEngine): void {
  let running: RunningEngine;
  let documents: DynamoDBDocumentClient;
  let tables = 0;

  beforeAll(async () => {
    running = await engine.start();
    documents = DynamoDBDocumentClient.from(running.client, {
      marshallOptions: { removeUndefinedValues: true, convertClassInstanceToMap: false },
    });
  });

  afterAll(async () => {
    await running?.stop();
  });

  /** Each test gets its own table: tiers and indexes are shared state otherwise. */
  async function freshStore(options: Partial<DynamoSubjectStoreOptions> = {}) {
    const tableName = `contract-${++tables}`;
    await createTable(running.client, tableName);
    const open = (now: () => number = () => T0) =>
      new DynamoSubjectStore(documents, { tableName, historyRetentionDays: 30, now, ...options });
    return { store: open(), open };
  }

  describe('enrol and get', () => {
    it('creates a monitored subject at version 0, then reports unchanged and updated enrolments', async () => {
      // Prepare
      const { store } = await freshStore();
      const subject = business('acme');

      // Act
      const first = await store.enrol(subject, null);
      const again = await store.enrol(subject, null);
      const moved = await store.enrol({ ...subject, portfolioId: 'key-accounts' }, null);
      const state = await store.get('acme');

      // Assess
      expect([first, again, moved]).toEqual(['created', 'unchanged', 'updated']);
      expect(state).toMatchObject({
        subject: { id: 'acme', portfolioId: 'key-accounts' },
        monitored: true,
        version: 0,
        hash: null,
        snapshot: null,
        outbox: [],
        effectiveTier: 'daily',
      });
    });

    it('returns null for a subject that was never enrolled', async () => {
      const { store } = await freshStore();

      expect(await store.get('nobody')).toBeNull();
    });

    it('keeps the stricter tier when an enrolment moves a subject to a less frequent one', async () => {
      const { store } = await freshStore();
      await store.enrol(business('acme', 'daily'), null);

      await store.enrol(business('acme', 'monthly'), null);

      expect((await store.get('acme'))?.effectiveTier).toBe('daily');
    });
  });

  describe('commitCheck (conditional versioned write)', () => {
    it('commits version n+1 with hash, snapshot, risk and the outbox', async () => {
      // Prepare
      const { store } = await freshStore();
      const subject = business('acme');
      await store.enrol(subject, null);
      const commit = commitFor(subject, 0);

      // Act
      const committed = await store.commitCheck(commit);
      const state = await store.get('acme');

      // Assess
      expect(committed).toBe('committed');
      expect(state).toMatchObject({
        version: 1,
        hash: 'h1',
        risk: { class: 'B' },
        lastCheckedAt: commit.checkedAt,
      });
      expect(state?.snapshot?.subjectId).toBe('acme');
      expect(state?.outbox.map((alert) => alert.alertId)).toEqual(
        commit.outbox.map((alert) => alert.alertId),
      );
      expect(state?.outboxSince).toBe(commit.checkedAt);
    });

    it('refuses a stale expected version and leaves the state as the winner wrote it', async () => {
      // Prepare: two writers planned from version 0; the first commits
      const { store } = await freshStore();
      const subject = business('acme');
      await store.enrol(subject, null);
      await store.commitCheck(commitFor(subject, 0, { hash: 'winner' }));

      // Act
      const late = await store.commitCheck(commitFor(subject, 0, { hash: 'loser' }));

      // Assess
      expect(late).toBe('conflict');
      expect(await store.get('acme')).toMatchObject({ version: 1, hash: 'winner' });
    });

    it('refuses an answer older than the stored as-of as stale, and keeps the newer facts', async () => {
      // Prepare: the newer answer committed first
      const { store } = await freshStore();
      const subject = business('acme');
      await store.enrol(subject, null);
      const newer = { brreg: '2026-03-02T06:00:05.000Z', 'credmon-bureau': '2026-03-02T00:00:00.000Z' };
      await store.commitCheck(commitFor(subject, 0, { hash: 'bankrupt', asOf: newer }));

      // Act: the delayed answer, planned from the current version, one source older
      const late = await store.commitCheck(
        commitFor(subject, 1, {
          hash: 'active',
          asOf: { brreg: '2026-03-02T06:00:05.000Z', 'credmon-bureau': '2026-03-01T00:00:00.000Z' },
        }),
      );

      // Assess
      expect(late).toBe('stale');
      expect(await store.get('acme')).toMatchObject({ version: 1, hash: 'bankrupt', asOf: newer });
    });

    it('accepts a newer as-of and an equal one, and keeps the as-of of a source the answer lacks', async () => {
      // Prepare
      const { store } = await freshStore();
      const subject = business('acme');
      await store.enrol(subject, null);
      await store.commitCheck(
        commitFor(subject, 0, {
          asOf: { brreg: '2026-03-02T06:00:00.000Z', 'credmon-bureau': '2026-03-02T00:00:00.000Z' },
        }),
      );

      // Act
      const newer = await store.commitCheck(
        commitFor(subject, 1, {
          asOf: { brreg: '2026-03-03T06:00:00.000Z', 'credmon-bureau': '2026-03-02T00:00:00.000Z' },
        }),
      );
      const equal = await store.commitCheck(
        commitFor(subject, 2, {
          asOf: { brreg: '2026-03-03T06:00:00.000Z', 'credmon-bureau': '2026-03-02T00:00:00.000Z' },
        }),
      );
      const replayed = await store.commitCheck(
        commitFor(subject, 2, {
          asOf: { brreg: '2026-03-03T06:00:00.000Z', 'credmon-bureau': '2026-03-02T00:00:00.000Z' },
        }),
      );
      const partial = await store.commitCheck(
        commitFor(subject, 3, { asOf: { brreg: '2026-03-04T06:00:00.000Z' } }),
      );

      // Assess: a replay of the equal commit is the version conflict, never a second version
      expect([newer, equal, replayed, partial]).toEqual(['committed', 'committed', 'conflict', 'committed']);
      expect(await store.get('acme')).toMatchObject({
        version: 4,
        asOf: { brreg: '2026-03-04T06:00:00.000Z' },
      });
    });

    it('tells a version conflict from a stale answer when both fail the condition', async () => {
      // Prepare
      const { store } = await freshStore();
      const subject = business('acme');
      await store.enrol(subject, null);
      await store.commitCheck(commitFor(subject, 0, { asOf: { brreg: '2026-03-02T06:00:00.000Z' } }));

      // Act: planned from version 0 and older
      const result = await store.commitCheck(
        commitFor(subject, 0, { asOf: { brreg: '2026-03-01T06:00:00.000Z' } }),
      );

      // Assess
      expect(result).toBe('conflict');
    });

    it('refuses a state item over 400 KB with ItemTooLargeError, a never-retried outcome, and keeps the state', async () => {
      // Prepare: a commit whose changes alone exceed DynamoDB's item limit
      const { store } = await freshStore();
      const subject = business('acme');
      await store.enrol(subject, null);
      await store.commitCheck(commitFor(subject, 0, { hash: 'small' }));
      const huge = {
        ...commitFor(subject, 1),
        changes: [{ path: '/roles', old: null, new: 'x'.repeat(420_000) }],
      };

      // Act
      const error = await store.commitCheck(huge).catch((thrown: unknown) => thrown);

      // Assess
      expect(error).toBeInstanceOf(ItemTooLargeError);
      expect(outcomeOf(error)).toBe('dead-letter');
      expect((error as Error).message).toBe(
        "subject acme: state item of version 2 exceeds DynamoDB's 400 KB item limit",
      );
      expect(await store.get('acme')).toMatchObject({ version: 1, hash: 'small' });
    });

    it('refuses a commit for a subject that is not monitored (never enrolled or removed)', async () => {
      const { store } = await freshStore();
      const subject = business('acme');
      await store.enrol(subject, null);
      await store.remove('acme');

      const removed = await store.commitCheck(commitFor(subject, 0));
      const unknown = await store.commitCheck(commitFor(business('ghost'), 0));

      expect([removed, unknown]).toEqual(['conflict', 'conflict']);
    });

    it('commits a check without alerts with an empty, non-pending outbox', async () => {
      const { store } = await freshStore();
      const subject = business('acme');
      await store.enrol(subject, null);

      await store.commitCheck(commitFor(subject, 0, { withAlerts: false }));

      expect(await store.get('acme')).toMatchObject({ version: 1, outbox: [], outboxSince: null });
      expect(await store.pendingOutboxes(new Date(T0 + DAY).toISOString(), 10)).toEqual([]);
    });
  });

  describe('commitNotFound (the registry does not know the subject)', () => {
    it('marks version n+1 with its pending alert, forgets the hash and keeps the snapshot', async () => {
      // Prepare
      const { store } = await freshStore();
      const subject = business('acme');
      await store.enrol(subject, null);
      await store.commitCheck(commitFor(subject, 0, { withAlerts: false }));
      const commit = notFoundFor(subject, 1, T0 + DAY);

      // Act
      const committed = await store.commitNotFound(commit);
      const stale = await store.commitNotFound(notFoundFor(subject, 1, T0 + DAY));
      const jobs = [];
      for (let shard = 0; shard < TIER_SHARDS; shard++) {
        jobs.push(...(await store.pageTier('daily', shard, null, 10)).subjects);
      }

      // Assess
      expect([committed, stale]).toEqual([true, false]);
      const state = await store.get('acme');
      expect(state).toMatchObject({
        version: 2,
        hash: null,
        notFound: commit.notFound,
        outbox: commit.outbox,
      });
      expect(state?.snapshot?.subjectId).toBe('acme');
      expect(jobs).toMatchObject([{ id: 'acme', version: 2, hash: null }]);
      expect(await store.pendingOutboxes(new Date(T0 + 2 * DAY).toISOString(), 10)).toEqual(['acme']);
    });

    it('clears the mark with the next committed check, and with a corrected registry id', async () => {
      // Prepare
      const { store } = await freshStore();
      const subject = business('acme');
      const other = business('other');
      for (const s of [subject, other]) {
        await store.enrol(s, null);
        await store.commitNotFound(notFoundFor(s, 0));
      }

      // Act
      await store.commitCheck(commitFor(subject, 1, { at: T0 + DAY }));
      await store.enrol({ ...other, registryId: '923609016' }, null);

      // Assess
      expect((await store.get('acme'))?.notFound).toBeNull();
      expect((await store.get('other'))?.notFound).toBeNull();
    });

    it('keeps the mark across an enrolment update that leaves the registry id alone', async () => {
      const { store } = await freshStore();
      const subject = business('acme');
      await store.enrol(subject, null);
      await store.commitNotFound(notFoundFor(subject, 0));

      await store.enrol({ ...subject, exposure: 1 }, null);

      expect((await store.get('acme'))?.notFound).toMatchObject({ status: 404 });
    });

    it('appends the alert history of a not-found version idempotently', async () => {
      const { store } = await freshStore();
      const subject = business('acme');
      await store.enrol(subject, null);
      const commit = notFoundFor(subject, 0);
      await store.commitNotFound(commit);

      await store.appendAlerts('acme', 1, commit.outbox);
      await store.appendAlerts('acme', 1, commit.outbox);

      const history = await store.history('acme');
      expect(history.map((item) => [item.entity, item.version, item.alertId])).toEqual([
        ['alert', 1, commit.outbox[0]?.alertId],
      ]);
    });
  });

  describe('outbox', () => {
    it('lists a pending outbox older than the cut-off, and not once cleared', async () => {
      // Prepare
      const { store } = await freshStore();
      const subject = business('acme');
      await store.enrol(subject, null);
      await store.commitCheck(commitFor(subject, 0, { at: T0 }));
      const later = new Date(T0 + 5 * 60_000).toISOString();

      // Act
      const before = await store.pendingOutboxes(later, 10);
      const tooRecent = await store.pendingOutboxes(new Date(T0).toISOString(), 10);
      await store.clearOutbox('acme', 1);
      const after = await store.pendingOutboxes(later, 10);

      // Assess
      expect(before).toEqual(['acme']);
      expect(tooRecent).toEqual([]);
      expect(after).toEqual([]);
      expect(await store.get('acme')).toMatchObject({ version: 1, outbox: [], outboxSince: null });
    });

    it('leaves a newer version’s outbox alone when clearing with an old version', async () => {
      const { store } = await freshStore();
      const subject = business('acme');
      await store.enrol(subject, null);
      await store.commitCheck(commitFor(subject, 0));
      await store.commitCheck(commitFor(subject, 1, { at: T0 + DAY }));

      await store.clearOutbox('acme', 1);

      const state = await store.get('acme');
      expect(state?.version).toBe(2);
      expect(state?.outbox).toHaveLength(1);
      expect(state?.outbox[0]?.source.snapshotVersion).toBe(2);
    });
  });

  describe('history', () => {
    it('appends snapshot and alert history idempotently', async () => {
      // Prepare
      const { store } = await freshStore();
      const subject = business('acme');
      await store.enrol(subject, null);
      const commit = commitFor(subject, 0);
      await store.commitCheck(commit);

      // Act: a retry appends the same version again
      await store.appendHistory(commit, 1);
      await store.appendHistory(commit, 1);
      const history = await store.history('acme');

      // Assess
      expect(history.map((item) => item.entity).sort()).toEqual(['alert', 'snapshot']);
      expect(history.find((item) => item.entity === 'alert')?.alertId).toBe(commit.outbox[0]?.alertId);
    });

    it('returns snapshots and alerts together, newest first, and honours the limit', async () => {
      // Prepare: three versions on three days, each with an alert
      const { store } = await freshStore();
      const subject = business('acme');
      await store.enrol(subject, null);
      for (let version = 0; version < 3; version++) {
        const commit = commitFor(subject, version, { at: T0 + version * DAY });
        await store.commitCheck(commit);
        await store.appendHistory(commit, version + 1);
      }

      // Act
      const all = await store.history('acme');
      const newest = await store.history('acme', 2);

      // Assess
      expect(all.map((item) => `${item.entity}@${item.version}`)).toEqual([
        'snapshot@3',
        'alert@3',
        'snapshot@2',
        'alert@2',
        'snapshot@1',
        'alert@1',
      ]);
      expect(newest.map((item) => `${item.entity}@${item.version}`)).toEqual(['snapshot@3', 'alert@3']);
    });

    it('filters items whose TTL has passed, which the engines do not delete in time', async () => {
      // Prepare: history written at T0 with 30 days' retention
      const { store, open } = await freshStore();
      const subject = business('acme');
      await store.enrol(subject, null);
      const commit = commitFor(subject, 0);
      await store.commitCheck(commit);
      await store.appendHistory(commit, 1);

      // Act
      const within = await open(() => T0 + 29 * DAY).history('acme');
      const expired = await open(() => T0 + 31 * DAY).history('acme');

      // Assess
      expect(within).toHaveLength(2);
      expect(expired).toEqual([]);
    });

    it('keeps history apart per subject', async () => {
      const { store } = await freshStore();
      const a = business('a');
      const b = business('b');
      for (const subject of [a, b]) await store.enrol(subject, null);
      const commit = commitFor(a, 0, { withAlerts: false });
      await store.commitCheck(commit);
      await store.appendHistory(commit, 1);

      expect(await store.history('b')).toEqual([]);
      expect(await store.history('a')).toHaveLength(1);
    });
  });

  describe('pageTier (sparse, sharded index)', () => {
    it('pages every monitored subject of a tier exactly once across shards and cursors', async () => {
      // Prepare: 40 daily subjects, 5 weekly, one daily removed
      const { store } = await freshStore();
      const daily = Array.from({ length: 40 }, (_, i) => business(`d-${i}`, 'daily'));
      const weekly = Array.from({ length: 5 }, (_, i) => business(`w-${i}`, 'weekly'));
      for (const subject of [...daily, ...weekly]) await store.enrol(subject, null);
      await store.remove('d-0');

      // Act: pages of 2 so that most shards need a cursor
      const seen: string[] = [];
      let pages = 0;
      for (let shard = 0; shard < TIER_SHARDS; shard++) {
        let cursor: string | null = null;
        do {
          const page = await store.pageTier('daily', shard, cursor, 2);
          seen.push(...page.subjects.map((subject) => subject.id));
          cursor = page.cursor;
          pages++;
        } while (cursor !== null);
      }

      // Assess
      const expected = daily.slice(1).map((subject) => subject.id);
      expect([...seen].sort()).toEqual([...expected].sort());
      expect(new Set(seen).size).toBe(seen.length);
      expect(pages).toBeGreaterThan(TIER_SHARDS);
    });

    it('carries what a monitor job needs, version and hash included', async () => {
      const { store } = await freshStore();
      const subject = business('acme');
      await store.enrol(subject, null);
      await store.commitCheck(commitFor(subject, 0));

      const found = [];
      for (let shard = 0; shard < TIER_SHARDS; shard++) {
        found.push(...(await store.pageTier('daily', shard, null, 10)).subjects);
      }

      expect(found).toEqual([
        {
          id: 'acme',
          kind: 'business',
          country: 'NO',
          registryId: subject.registryId,
          personToken: null,
          sealedNationalId: null,
          version: 1,
          hash: 'h1',
        },
      ]);
    });
  });

  describe('findByRegistry', () => {
    it('finds a monitored business by its registry id, and nothing once removed', async () => {
      // Prepare
      const { store } = await freshStore();
      const subject = business('acme');
      await store.enrol(subject, null);

      // Act
      const found = await store.findByRegistry('NO', subject.registryId ?? '');
      const otherCountry = await store.findByRegistry('GB', subject.registryId ?? '');
      await store.remove('acme');
      const afterRemoval = await store.findByRegistry('NO', subject.registryId ?? '');

      // Assess
      expect(found?.id).toBe('acme');
      expect(otherCountry).toBeNull();
      expect(afterRemoval).toBeNull();
    });
  });

  describe('remove', () => {
    it("erases an individual's personal data and stops monitoring", async () => {
      // Prepare
      const { store } = await freshStore();
      const subject = person('kari');
      await store.enrol(subject, 'sealed:national-id');
      const commit = commitFor(subject, 0);
      await store.commitCheck(commit);
      await store.appendHistory(commit, 1);

      // Act
      const removed = await store.remove('kari');
      const state = await store.get('kari');
      const paged = [];
      for (let shard = 0; shard < TIER_SHARDS; shard++) {
        paged.push(...(await store.pageTier('monthly', shard, null, 10)).subjects);
      }

      // Assess
      expect(removed).toBe(true);
      expect(state).toMatchObject({ monitored: false, sealedNationalId: null, snapshot: null });
      expect(state?.subject.personToken).toBeUndefined();
      expect(JSON.stringify(state)).not.toContain('pt_kari');
      expect(paged).toEqual([]);
      expect(await store.history('kari')).toEqual([]);
    });

    it("keeps a business's snapshot when it stops being monitored, and reports unknown ids", async () => {
      const { store } = await freshStore();
      const subject = business('acme');
      await store.enrol(subject, null);
      await store.commitCheck(commitFor(subject, 0, { withAlerts: false }));

      const removed = await store.remove('acme');
      const unknown = await store.remove('ghost');

      expect([removed, unknown]).toEqual([true, false]);
      expect(await store.get('acme')).toMatchObject({ monitored: false, snapshot: { subjectId: 'acme' } });
    });
  });

  describe('setPaymentExperience', () => {
    it('stores the payment experience of an enrolled subject and refuses an unknown one', async () => {
      const { store } = await freshStore();
      await store.enrol(business('acme'), null);

      const stored = await store.setPaymentExperience('acme', experience);
      const unknown = await store.setPaymentExperience('ghost', experience);

      expect([stored, unknown]).toEqual([true, false]);
      expect((await store.get('acme'))?.paymentExperience).toEqual(experience);
      expect(await store.get('ghost')).toBeNull();
    });
  });
}
