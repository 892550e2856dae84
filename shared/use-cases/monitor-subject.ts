/**
 * Monitor one subject: fetch → canonical snapshot → hash-skip when unchanged → diff → risk →
 * policy → one conditional state write carrying the alerts (outbox) → history → publish → clear.
 *
 * A crash anywhere loses nothing: before the state write nothing changed, so the retry redoes the
 * check; after it, the retry finds the outbox pending and publishes the same alerts (same ids).
 *
 * A registry that does not know the subject (SubjectNotFoundError) is not a failure: the subject is
 * marked with one conditional write carrying one `subject-not-found` alert, through the same outbox,
 * and the check succeeds, so the queue never pays for the same 404 again or dead-letters it. Until
 * the registry knows it again, later checks find the mark and alert nothing.
 */
import type { RecommendedAction } from '#shared/domain/actions.ts';
import { type AlertV1, buildAlerts, buildNotFoundAlert } from '#shared/domain/alert.ts';
import { type AsOf, asOfOf, freshnessOf, mergeAsOf } from '#shared/domain/as-of.ts';
import { boundSnapshot } from '#shared/domain/bound.ts';
import { diffSnapshots, holdBackEmployeeJitter } from '#shared/domain/diff.ts';
import { detectEvents } from '#shared/domain/events.ts';
import { snapshotHash } from '#shared/domain/hash.ts';
import { withLastKnownFacts } from '#shared/domain/last-known-facts.ts';
import { applyPolicy, type CreditPolicy } from '#shared/domain/policy.ts';
import { assessRisk } from '#shared/domain/risk/model.ts';
import { resolveSeverity } from '#shared/domain/severity.ts';
import { emptySnapshot, type FetchedSnapshot, type Snapshot } from '#shared/domain/snapshot.ts';
import { SubjectNotFoundError, VersionConflictError } from '#shared/errors.ts';
import type {
  AlertBus,
  AlertPublisher,
  CheckCommit,
  JobSubject,
  NotFoundCommit,
  SubjectState,
  SubjectStore,
} from './ports.ts';

export type CheckOutcome =
  /** The bureau data hashed the same as the job's: nothing read, nothing written. */
  | { readonly kind: 'unchanged' }
  /** A new version was committed and its alerts published. */
  | { readonly kind: 'changed'; readonly version: number; readonly alerts: readonly AlertV1[] }
  /** Nothing new, but alerts left pending by an earlier attempt were published. */
  | { readonly kind: 'republished'; readonly alerts: readonly AlertV1[] }
  /** The subject is no longer monitored. */
  | { readonly kind: 'skipped' }
  /**
   * The registry does not know the subject: `alerts` holds its one `subject-not-found` alert when
   * this check marked it, and is empty when it was marked already (no second alert).
   */
  | { readonly kind: 'not-found'; readonly alerts: readonly AlertV1[] }
  /**
   * The answer is older than the stored facts (a delayed answer, a slower concurrent check): nothing
   * written, nothing announced, nothing to retry.
   */
  | { readonly kind: 'stale' };

export interface MonitorDependencies {
  readonly store: SubjectStore;
  readonly publisher: AlertPublisher;
  /** Where a copy of each alert goes after the SNS publish (the archived alert stream); optional. */
  readonly alertBus?: AlertBus;
  /** Fetches and normalizes the subject from its bureaus (national id opened by the caller's adapter). */
  fetchSnapshot(subject: JobSubject, state: () => Promise<SubjectState | null>): Promise<FetchedSnapshot>;
  readonly policy: CreditPolicy;
  now(): Date;
  /** Failure injection for fault tests: called between the state write and the publish. */
  readonly afterCommit?: (subjectId: string) => void;
  /**
   * Stop at an unchanged hash, before any read or write. Off only to measure what the skip saves
   * (the benchmark): every check then reads the state and commits a new version, as a naive
   * pipeline would. @default true
   */
  readonly skipUnchanged?: boolean;
}

const MAX_CONFLICT_RETRIES = 3;

/**
 * Checks one subject of a monitor job.
 *
 * @example
 * const outcome = await monitorSubject(job.subjects[0], deps);
 * if (outcome.kind === 'changed') console.log(outcome.alerts.length);
 */
export async function monitorSubject(job: JobSubject, deps: MonitorDependencies): Promise<CheckOutcome> {
  let cached: SubjectState | null | undefined;
  const loadState = async () => {
    if (cached === undefined) cached = await deps.store.get(job.id);
    return cached;
  };
  let fetched: FetchedSnapshot;
  try {
    fetched = await deps.fetchSnapshot(job, loadState);
  } catch (error) {
    if (error instanceof SubjectNotFoundError) return recordNotFound(job, error, loadState, deps);
    throw error;
  }
  // Bounded before anything reads it: the hash, the diff and the stored item see the same snapshot.
  fetched = { ...fetched, snapshot: boundSnapshot(fetched.snapshot) };
  const hash = snapshotHash(fetched.snapshot);
  const asOf = asOfOf(fetched.sources);
  const skipUnchanged = deps.skipUnchanged ?? true;
  if (skipUnchanged && job.hash !== null && hash === job.hash) return { kind: 'unchanged' };

  for (let attempt = 0; attempt < MAX_CONFLICT_RETRIES; attempt++) {
    const state = attempt === 0 ? await loadState() : await deps.store.get(job.id);
    if (!state?.monitored) return { kind: 'skipped' };

    // An earlier attempt committed but did not finish: complete it first, with its own alert ids.
    const pending = state.outbox.length > 0 ? [...state.outbox] : [];
    if (pending.length > 0) await completePendingCheck(state, deps);
    if (skipUnchanged && state.hash === hash)
      return pending.length > 0 ? { kind: 'republished', alerts: pending } : { kind: 'unchanged' };
    if (freshnessOf(state.asOf, asOf) === 'older')
      return pending.length > 0 ? { kind: 'republished', alerts: pending } : { kind: 'stale' };

    const commit = planCommit(state, fetched, hash, mergeAsOf(state.asOf, asOf), deps);
    const result = await deps.store.commitCheck(commit);
    // The store's own guard: the state read above already passed the as-of test, so the store
    // refuses only facts that became newer without a new version.
    if (result === 'stale') return { kind: 'stale' };
    if (result === 'conflict') continue;
    const version = state.version + 1;
    await deps.store.appendHistory(commit, version);
    deps.afterCommit?.(job.id);
    await deps.publisher.publish(commit.outbox);
    // Before the outbox is cleared: a failed put retries with the publish (same alert ids).
    await deps.alertBus?.putAlerts(commit.outbox);
    await deps.store.clearOutbox(job.id, version);
    return { kind: 'changed', version, alerts: commit.outbox };
  }
  throw new VersionConflictError(
    `subject ${job.id}: version moved ${MAX_CONFLICT_RETRIES} times during one check`,
  );
}

/**
 * Marks a subject its registry does not know, once: the first check to find it so commits the mark
 * and its alert (then publishes like any commit); a later one, or a duplicate delivery, finds the
 * mark and writes nothing. The alert id is that of the version the mark creates, so a retry after a
 * crash republishes the same id.
 */
async function recordNotFound(
  job: JobSubject,
  error: SubjectNotFoundError,
  loadState: () => Promise<SubjectState | null>,
  deps: MonitorDependencies,
): Promise<CheckOutcome> {
  for (let attempt = 0; attempt < MAX_CONFLICT_RETRIES; attempt++) {
    const state = attempt === 0 ? await loadState() : await deps.store.get(job.id);
    if (!state?.monitored) return { kind: 'skipped' };
    const pending = state.outbox.length > 0 ? [...state.outbox] : [];
    if (pending.length > 0) await completePendingCheck(state, deps);
    if (state.notFound)
      return pending.length > 0
        ? { kind: 'republished', alerts: pending }
        : { kind: 'not-found', alerts: [] };

    const commit = planNotFound(state, error, deps);
    if (!(await deps.store.commitNotFound(commit))) continue;
    const version = state.version + 1;
    await deps.store.appendAlerts(job.id, version, commit.outbox);
    deps.afterCommit?.(job.id);
    await deps.publisher.publish(commit.outbox);
    await deps.alertBus?.putAlerts(commit.outbox);
    await deps.store.clearOutbox(job.id, version);
    return { kind: 'not-found', alerts: commit.outbox };
  }
  throw new VersionConflictError(
    `subject ${job.id}: version moved ${MAX_CONFLICT_RETRIES} times while marking it not found`,
  );
}

function planNotFound(
  state: SubjectState,
  error: SubjectNotFoundError,
  deps: MonitorDependencies,
): NotFoundCommit {
  const now = deps.now().toISOString();
  const lookup = { provider: error.details.provider, status: error.details.status, said: error.message };
  // A subject the registry never knew has neither snapshot nor class: it is assessed as what
  // credmon knows of it, its identity and an unknown status.
  const snapshot = state.snapshot ?? unknownSnapshot(state);
  const risk =
    state.risk ??
    assessRisk({ snapshot, paymentExperience: state.paymentExperience, today: now.slice(0, 10) });
  const decision = applyPolicy(deps.policy, {
    subject: state.subject,
    assessment: risk,
    previousClass: state.risk?.class ?? null,
    eventTypes: ['subject-not-found'],
  });
  const alert = buildNotFoundAlert({
    subject: state.subject,
    snapshot,
    snapshotVersion: state.version + 1,
    lookup,
    risk,
    actions: decision.actions,
    severity: resolveSeverity('subject-not-found'),
    fetchedAt: now,
    detectedAt: now,
  });
  return {
    subjectId: state.subject.id,
    expectedVersion: state.version,
    notFound: { ...lookup, since: now },
    outbox: [alert],
    checkedAt: now,
  };
}

function unknownSnapshot(state: SubjectState): Snapshot {
  const { subject } = state;
  const snapshot = emptySnapshot({ subjectId: subject.id, kind: subject.kind, country: subject.country });
  return {
    ...snapshot,
    identity: { ...snapshot.identity, registryId: subject.registryId, personToken: subject.personToken },
    status: { ...snapshot.status, state: 'unknown' },
  };
}

/**
 * Finishes a committed check whose history, publish or outbox clearing was interrupted (a crash, an
 * SNS outage): the history is appended again (idempotent), the pending alerts are published with
 * their own ids and the outbox is cleared. Used by the monitor's retry and by the outbox sweeper.
 *
 * @example
 * if (state.outbox.length > 0) await completePendingCheck(state, { store, publisher });
 */
export async function completePendingCheck(
  state: SubjectState,
  deps: {
    readonly store: Pick<SubjectStore, 'appendHistory' | 'appendAlerts' | 'clearOutbox'>;
    readonly publisher: AlertPublisher;
    readonly alertBus?: MonitorDependencies['alertBus'];
  },
): Promise<void> {
  // A not-found version has no snapshot of its own: only its alert goes to the history.
  if (state.notFound) {
    await deps.store.appendAlerts(state.subject.id, state.version, state.outbox);
  } else if (state.snapshot && state.risk && state.hash && state.version > 0) {
    const commit: CheckCommit = {
      subjectId: state.subject.id,
      expectedVersion: state.version - 1,
      hash: state.hash,
      snapshot: state.snapshot,
      changes: state.changes,
      risk: state.risk,
      actions: state.actions,
      effectiveTier: state.effectiveTier,
      outbox: state.outbox,
      checkedAt: state.lastCheckedAt ?? state.outboxSince ?? new Date(0).toISOString(),
    };
    await deps.store.appendHistory(commit, state.version);
  }
  await deps.publisher.publish(state.outbox);
  await deps.alertBus?.putAlerts(state.outbox);
  await deps.store.clearOutbox(state.subject.id, state.version);
}

function planCommit(
  state: SubjectState,
  fetched: FetchedSnapshot,
  hash: string,
  asOf: AsOf,
  deps: MonitorDependencies,
): CheckCommit {
  const now = deps.now();
  const today = now.toISOString().slice(0, 10);
  const previous = state.snapshot;
  const next = holdBackEmployeeJitter(previous, withLastKnownFacts(previous, fetched.snapshot));
  const changes = previous ? diffSnapshots(previous, next) : [];
  const risk = assessRisk({ snapshot: next, paymentExperience: state.paymentExperience, today });
  const events = detectEvents({ previous, next, changes, previousRisk: state.risk, nextRisk: risk });
  const decision = applyPolicy(deps.policy, {
    subject: state.subject,
    assessment: risk,
    previousClass: state.risk?.class ?? null,
    eventTypes: events.map((event) => event.type),
  });
  const actions: RecommendedAction[] = decision.actions;
  const fetchedAt = fetched.sources
    .map((source) => source.fetchedAt)
    .sort()
    .at(-1);
  const outbox = buildAlerts({
    subject: state.subject,
    snapshot: next,
    snapshotVersion: state.version + 1,
    events,
    risk,
    previousRisk: state.risk,
    actions,
    source: {
      bureau: fetched.sources.map((source) => source.provider).join('+'),
      fetchedAt: fetchedAt ?? now.toISOString(),
    },
    detectedAt: now.toISOString(),
  });
  return {
    subjectId: state.subject.id,
    expectedVersion: state.version,
    hash,
    snapshot: next,
    changes,
    risk,
    actions,
    effectiveTier: decision.tier,
    outbox,
    checkedAt: now.toISOString(),
    asOf,
  };
}
