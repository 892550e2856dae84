/**
 * The ports the use cases need: storage, queues and alert publishing. Adapters in shared/adapters
 * implement them over DynamoDB, SQS and SNS; tests may implement them in memory.
 */
import { z } from 'zod';
import type { RecommendedAction } from '#shared/domain/actions.ts';
import type { AlertV1, RegistryLookup } from '#shared/domain/alert.ts';
import type { AsOf } from '#shared/domain/as-of.ts';
import type { ControlEvent } from '#shared/domain/bus-events.ts';
import type { Change } from '#shared/domain/diff.ts';
import type { RiskAssessment } from '#shared/domain/risk/assessment.ts';
import type { PaymentExperience } from '#shared/domain/risk/paydex.ts';
import type { Snapshot } from '#shared/domain/snapshot.ts';
import { CountryCode, SubjectKind } from '#shared/domain/snapshot.ts';
import { type MonitoredSubject, Tier } from '#shared/domain/subject.ts';

/** What a monitor job carries per subject: enough to fetch and to skip an unchanged subject. */
export const JobSubject = z.object({
  id: z.string().min(1),
  kind: SubjectKind,
  country: CountryCode,
  registryId: z.string().nullable(),
  personToken: z.string().nullable(),
  /** The national id, sealed (encrypted); opened only for the bureau call. */
  sealedNationalId: z.string().nullable(),
  /** The stored version and hash when the job was planned. */
  version: z.number().int().nonnegative(),
  hash: z.string().nullable(),
});
export type JobSubject = z.infer<typeof JobSubject>;

/** A monitor job: many subjects per message. */
export const MonitorJob = z.object({
  tier: Tier,
  runId: z.string().min(1),
  requestedAt: z.iso.datetime({ offset: true }),
  subjects: z.array(JobSubject).min(1),
  /** Which attempt this is for its subjects: failed subjects are requeued alone, with attempt + 1. */
  attempt: z.number().int().min(1).optional(),
});
export type MonitorJob = z.infer<typeof MonitorJob>;

/** A fan-out request: a whole tier, or one shard of it from a cursor (a continuation). */
export const FanOutRequest = z.object({
  tier: Tier,
  runId: z.string().min(1).optional(),
  requestedAt: z.iso.datetime({ offset: true }).optional(),
  requestedBy: z.string().optional(),
  shard: z.number().int().nonnegative().optional(),
  cursor: z.string().nullable().optional(),
  /** One subject instead of the tier: its baseline check right after enrolment (SubjectEnrolled). */
  subjectId: z.string().min(1).optional(),
});
export type FanOutRequest = z.infer<typeof FanOutRequest>;

/** The stored state of a subject (its one state item). */
export interface SubjectState {
  readonly subject: MonitoredSubject;
  readonly sealedNationalId: string | null;
  readonly monitored: boolean;
  readonly version: number;
  readonly hash: string | null;
  readonly snapshot: Snapshot | null;
  readonly risk: RiskAssessment | null;
  readonly actions: readonly RecommendedAction[];
  /** The tier actually used: the enrolled one, or a stricter one the policy escalated to. */
  readonly effectiveTier: Tier;
  readonly paymentExperience: PaymentExperience | null;
  readonly outbox: readonly AlertV1[];
  readonly outboxSince: string | null;
  readonly lastCheckedAt: string | null;
  /** The changes of the current version, so an interrupted check's history can be completed. */
  readonly changes: readonly Change[];
  /** Per source, as of when the stored facts are (see as-of.ts); empty before the first check. */
  readonly asOf: Readonly<AsOf>;
  /** Set while the registry does not know the subject: its `subject-not-found` alert went out once. */
  readonly notFound: NotFoundMark | null;
}

/** What the registry said when it did not know the subject, and since when credmon knows. */
export interface NotFoundMark extends RegistryLookup {
  readonly since: string;
}

/**
 * A check whose registry did not know the subject: one conditional state update marks it, carries
 * its one alert (outbox) and forgets the hash, so that the next check that finds it again is never
 * skipped as unchanged. Snapshot and risk stay: a subject found again is diffed against them.
 */
export interface NotFoundCommit {
  readonly subjectId: string;
  readonly expectedVersion: number;
  readonly notFound: NotFoundMark;
  readonly outbox: readonly AlertV1[];
  readonly checkedAt: string;
}

/** A check that found a change: everything written by the one conditional state update. */
export interface CheckCommit {
  readonly subjectId: string;
  readonly expectedVersion: number;
  readonly hash: string;
  readonly snapshot: Snapshot;
  readonly changes: readonly Change[];
  readonly risk: RiskAssessment;
  readonly actions: readonly RecommendedAction[];
  readonly effectiveTier: Tier;
  readonly outbox: readonly AlertV1[];
  readonly checkedAt: string;
  /**
   * Per source, as of when the committed facts are: the write is refused as `stale` when any of
   * them is older than the stored as-of of that source. Omitted: no as-of condition.
   */
  readonly asOf?: Readonly<AsOf>;
}

/**
 * What a conditional state write did: `committed`; `conflict` when the version moved (another writer
 * got there first) or the subject is no longer monitored; `stale` when the stored facts are newer.
 */
export type CommitResult = 'committed' | 'conflict' | 'stale';

export interface TierPage {
  readonly subjects: JobSubject[];
  /** Opaque; null when the shard is exhausted. */
  readonly cursor: string | null;
}

export interface SubjectStore {
  /** Creates or updates the enrolment; never touches monitoring state. Idempotent by id. */
  enrol(
    subject: MonitoredSubject,
    sealedNationalId: string | null,
  ): Promise<'created' | 'updated' | 'unchanged'>;
  get(subjectId: string): Promise<SubjectState | null>;
  /** Conditional on the version and on the as-of (newer facts win); see {@link CommitResult}. */
  commitCheck(commit: CheckCommit): Promise<CommitResult>;
  /** Appends snapshot and alert history for a committed version; idempotent. */
  appendHistory(commit: CheckCommit, version: number): Promise<void>;
  /** Conditional on the version, like commitCheck: marks the subject not found (version + 1). */
  commitNotFound(commit: NotFoundCommit): Promise<boolean>;
  /** Appends the alert history of a version that has no snapshot of its own (not found); idempotent. */
  appendAlerts(subjectId: string, version: number, alerts: readonly AlertV1[]): Promise<void>;
  /** Clears the outbox if it still holds the alerts of `version`. */
  clearOutbox(subjectId: string, version: number): Promise<void>;
  pageTier(tier: Tier, shard: number, cursor: string | null, limit: number): Promise<TierPage>;
  findByRegistry(country: string, registryId: string): Promise<JobSubject | null>;
  /** Subjects whose outbox has been pending since before `olderThan`. */
  pendingOutboxes(olderThan: string, limit: number): Promise<string[]>;
  setPaymentExperience(subjectId: string, experience: PaymentExperience): Promise<boolean>;
  /** Stops monitoring; for individuals also erases personal data. */
  remove(subjectId: string): Promise<boolean>;
}

export interface JobQueue {
  sendMonitorJobs(jobs: readonly MonitorJob[], options?: { readonly delaySeconds?: number }): Promise<void>;
  sendFanOut(requests: readonly FanOutRequest[]): Promise<void>;
}

export interface AlertPublisher {
  publish(alerts: readonly AlertV1[]): Promise<void>;
}

/** Where a change feed was read up to: `lastId` is the highest id whose changes were acted on. */
export interface FeedCursor {
  readonly lastId: number;
  readonly updatedAt: string;
}

export interface FeedCursorStore {
  /** The cursor of a feed (e.g. `brreg/enheter`); null before its first advance. */
  get(feed: string): Promise<FeedCursor | null>;
  /**
   * Moves the cursor from `from` (null: not yet stored) to `to`, only if it still stands at `from`
   * and `to` is ahead of it. Returns false when another poller moved it first: never backwards.
   */
  advance(feed: string, from: number | null, to: number): Promise<boolean>;
}

/**
 * Request counts per bureau and time slot, shared by every environment of every function: a bureau's
 * rate limit holds for the account, not for one Lambda environment.
 */
export interface QuotaCounter {
  /**
   * Adds `requests` to the bureau's count for the slot starting at `slotStart` (epoch ms), only if
   * the count stays within `allowance`. Returns false, counting nothing, when it would not.
   */
  claim(bureau: string, slotStart: number, requests: number, allowance: number): Promise<boolean>;
}

/** The event bus's alert stream: a copy of every published alert, archived for replay. */
export interface AlertBus {
  putAlerts(alerts: readonly AlertV1[]): Promise<void>;
}

/** The event bus's control plane: requests for the pipeline (a tier run, a baseline check). */
export interface ControlBus {
  putControlEvents(events: readonly ControlEvent[]): Promise<void>;
}
