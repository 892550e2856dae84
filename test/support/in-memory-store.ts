/** An in-memory SubjectStore with the same conditional semantics as the DynamoDB one, for unit tests. */
import type { AlertV1 } from '#shared/domain/alert.ts';
import type { PaymentExperience } from '#shared/domain/risk/paydex.ts';
import type { MonitoredSubject, Tier } from '#shared/domain/subject.ts';
import type {
  AlertPublisher,
  CheckCommit,
  CommitResult,
  JobSubject,
  NotFoundCommit,
  SubjectState,
  SubjectStore,
  TierPage,
} from '#shared/use-cases/ports.ts';

export class InMemoryStore implements SubjectStore {
  readonly states = new Map<string, SubjectState>();
  readonly history: { subjectId: string; version: number; commit: CheckCommit }[] = [];
  readonly alertHistory: { subjectId: string; version: number; alert: AlertV1 }[] = [];
  reads = 0;
  /** Makes the next N commitCheck calls lose the race. */
  conflicts = 0;

  async enrol(subject: MonitoredSubject, sealedNationalId: string | null) {
    if (this.states.has(subject.id)) return 'unchanged' as const;
    this.states.set(subject.id, {
      subject,
      sealedNationalId,
      monitored: true,
      version: 0,
      hash: null,
      snapshot: null,
      risk: null,
      actions: [],
      effectiveTier: subject.tier,
      paymentExperience: null,
      outbox: [],
      outboxSince: null,
      lastCheckedAt: null,
      changes: [],
      notFound: null,
      asOf: {},
    });
    return 'created' as const;
  }

  async get(subjectId: string) {
    this.reads++;
    return this.states.get(subjectId) ?? null;
  }

  async commitCheck(commit: CheckCommit): Promise<CommitResult> {
    const state = this.states.get(commit.subjectId);
    if (this.conflicts > 0) {
      this.conflicts--;
      return 'conflict';
    }
    if (!state?.monitored || state.version !== commit.expectedVersion) return 'conflict';
    // As DynamoSubjectStore: per source, never older than the stored as-of (text order = time order).
    const older = Object.entries(commit.asOf ?? {}).some(([provider, at]) => {
      const stored = state.asOf[provider];
      return stored !== undefined && stored > at;
    });
    if (older) return 'stale';
    this.states.set(commit.subjectId, {
      ...state,
      version: state.version + 1,
      hash: commit.hash,
      snapshot: commit.snapshot,
      risk: commit.risk,
      actions: commit.actions,
      effectiveTier: commit.effectiveTier,
      outbox: commit.outbox,
      outboxSince: commit.outbox.length > 0 ? commit.checkedAt : null,
      lastCheckedAt: commit.checkedAt,
      changes: commit.changes,
      notFound: null,
      asOf: commit.asOf ?? state.asOf,
    });
    return 'committed';
  }

  async commitNotFound(commit: NotFoundCommit) {
    const state = this.states.get(commit.subjectId);
    if (this.conflicts > 0) {
      this.conflicts--;
      return false;
    }
    if (!state?.monitored || state.version !== commit.expectedVersion) return false;
    this.states.set(commit.subjectId, {
      ...state,
      version: state.version + 1,
      hash: null,
      notFound: commit.notFound,
      outbox: commit.outbox,
      outboxSince: commit.checkedAt,
      lastCheckedAt: commit.checkedAt,
      changes: [],
    });
    return true;
  }

  async appendAlerts(subjectId: string, version: number, alerts: readonly AlertV1[]) {
    for (const alert of alerts) {
      if (!this.alertHistory.some((h) => h.alert.alertId === alert.alertId))
        this.alertHistory.push({ subjectId, version, alert });
    }
  }

  async appendHistory(commit: CheckCommit, version: number) {
    if (!this.history.some((h) => h.subjectId === commit.subjectId && h.version === version)) {
      this.history.push({ subjectId: commit.subjectId, version, commit });
    }
  }

  async clearOutbox(subjectId: string, version: number) {
    const state = this.states.get(subjectId);
    if (state && state.version === version)
      this.states.set(subjectId, { ...state, outbox: [], outboxSince: null });
  }

  async pageTier(tier: Tier, shard: number, cursor: string | null, limit: number): Promise<TierPage> {
    const all = [...this.states.values()]
      .filter((s) => s.monitored && s.effectiveTier === tier && shard === 0)
      .map((s) => jobSubjectOf(s));
    const start = cursor ? Number(cursor) : 0;
    const page = all.slice(start, start + limit);
    return { subjects: page, cursor: start + limit < all.length ? String(start + limit) : null };
  }

  async findByRegistry(country: string, registryId: string) {
    const state = [...this.states.values()].find(
      (s) => s.subject.country === country && s.subject.registryId === registryId,
    );
    return state ? jobSubjectOf(state) : null;
  }

  async pendingOutboxes(olderThan: string) {
    return [...this.states.values()]
      .filter((s) => s.outboxSince !== null && s.outboxSince < olderThan)
      .map((s) => s.subject.id);
  }

  async setPaymentExperience(subjectId: string, experience: PaymentExperience) {
    const state = this.states.get(subjectId);
    if (!state) return false;
    this.states.set(subjectId, { ...state, paymentExperience: experience });
    return true;
  }

  async remove(subjectId: string) {
    const state = this.states.get(subjectId);
    if (!state) return false;
    this.states.set(subjectId, { ...state, monitored: false });
    return true;
  }
}

export function jobSubjectOf(state: SubjectState): JobSubject {
  return {
    id: state.subject.id,
    kind: state.subject.kind,
    country: state.subject.country,
    registryId: state.subject.registryId,
    personToken: state.subject.personToken,
    sealedNationalId: state.sealedNationalId,
    version: state.version,
    hash: state.hash,
  };
}

export class RecordingPublisher implements AlertPublisher {
  readonly published: AlertV1[] = [];
  failNext = 0;
  async publish(alerts: readonly AlertV1[]) {
    if (this.failNext > 0) {
      this.failNext--;
      throw new Error('SNS unavailable');
    }
    this.published.push(...alerts);
  }
}
