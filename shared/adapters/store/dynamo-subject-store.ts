/**
 * The subject store on one DynamoDB table (see shared/catalogue.ts and DESIGN.md's key schema).
 * Atomicity comes from one conditional write on the subject's state item, which also carries the
 * pending alerts (the outbox); history items are idempotent puts keyed by version.
 */
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import {
  BatchWriteCommand,
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { TABLE, TIER_SHARDS } from '#shared/catalogue.ts';
import type { AlertV1 } from '#shared/domain/alert.ts';
import type { PaymentExperience } from '#shared/domain/risk/paydex.ts';
import type { MonitoredSubject, Tier } from '#shared/domain/subject.ts';
import { ItemTooLargeError } from '#shared/errors.ts';
import type {
  CheckCommit,
  CommitResult,
  JobSubject,
  NotFoundCommit,
  SubjectState,
  SubjectStore,
  TierPage,
} from '#shared/use-cases/ports.ts';
import { buildUpdate, withCondition } from './update-expression.ts';

export interface DynamoSubjectStoreOptions {
  readonly tableName: string;
  /** How long history items live. @default 730 */
  readonly historyRetentionDays?: number;
  /** Clock, for TTL filtering. @default Date.now */
  readonly now?: () => number;
}

const STATE = 'STATE';
/**
 * Portfolios are created on first use: one item per portfolio under this partition
 * (`PORTFOLIOS` / `PF#<portfolio>`), so listings find every portfolio with one Query, never a Scan.
 */
export const PORTFOLIOS_KEY = 'PORTFOLIOS';
export const portfolioKeyOf = (portfolioId: string) => `PF#${portfolioId}`;
const subjectKey = (id: string) => `SUBJECT#${id}`;
const versionKey = (version: number) => `V#${String(version).padStart(10, '0')}`;

/**
 * The shard of a subject in the tier index: stable, spread evenly (FNV-1a).
 *
 * @example
 * tierShardOf('acme-as'); // 0..15
 */
export function tierShardOf(subjectId: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < subjectId.length; i++) {
    hash ^= subjectId.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash % TIER_SHARDS;
}

export const tierShardKey = (tier: Tier, shard: number) => `TIER#${tier}#${String(shard).padStart(2, '0')}`;
const registryKey = (country: string, registryId: string) => `REG#${country}#${registryId}`;

export class DynamoSubjectStore implements SubjectStore {
  private readonly table: string;
  private readonly retentionSeconds: number;
  private readonly now: () => number;
  /** Portfolios this instance has registered: a large import writes each portfolio item once. */
  private readonly knownPortfolios = new Set<string>();

  constructor(
    private readonly db: DynamoDBDocumentClient,
    options: DynamoSubjectStoreOptions,
  ) {
    this.table = options.tableName;
    this.retentionSeconds = (options.historyRetentionDays ?? 730) * 86_400;
    this.now = options.now ?? Date.now;
  }

  async enrol(subject: MonitoredSubject, sealedNationalId: string | null) {
    const existing = await this.get(subject.id);
    if (existing?.monitored && sameEnrolment(existing.subject, subject)) return 'unchanged' as const;
    const effectiveTier = existing ? stricterTier(existing.effectiveTier, subject.tier) : subject.tier;
    const update = buildUpdate({
      set: {
        entity: 'subject',
        subjectId: subject.id,
        kind: subject.kind,
        country: subject.country,
        registryId: subject.registryId,
        personToken: subject.personToken,
        sealedNationalId,
        subject,
        monitored: true,
        effectiveTier,
        tierShard: tierShardKey(effectiveTier, tierShardOf(subject.id)),
        portfolioKey: portfolioKeyOf(subject.portfolioId),
        // Removal takes a subject out of the portfolio index; re-enrolment puts it back under its class.
        portfolioSort: `${existing?.risk?.class ?? '-'}#${subject.id}`,
        ...(subject.registryId ? { registryKey: registryKey(subject.country, subject.registryId) } : {}),
      },
      setIfAbsent: {
        version: 0,
        enrolledAt: new Date(this.now()).toISOString(),
      },
      // A corrected registry id (or national id) is a new question to the registry: a not-found
      // answer about the old one must not silence the alert about the new one.
      remove: existing?.notFound && !sameIdentity(existing.subject, subject) ? ['notFound'] : [],
    });
    await this.registerPortfolio(subject.portfolioId);
    await this.db.send(
      new UpdateCommand({ TableName: this.table, Key: { pk: subjectKey(subject.id), sk: STATE }, ...update }),
    );
    return existing ? ('updated' as const) : ('created' as const);
  }

  private async registerPortfolio(portfolioId: string): Promise<void> {
    if (this.knownPortfolios.has(portfolioId)) return;
    await this.db.send(
      new UpdateCommand({
        TableName: this.table,
        Key: { pk: PORTFOLIOS_KEY, sk: portfolioKeyOf(portfolioId) },
        ...buildUpdate({
          set: { entity: 'portfolio', portfolioId },
          setIfAbsent: { createdAt: new Date(this.now()).toISOString() },
        }),
      }),
    );
    this.knownPortfolios.add(portfolioId);
  }

  async get(subjectId: string): Promise<SubjectState | null> {
    const { Item } = await this.db.send(
      new GetCommand({
        TableName: this.table,
        Key: { pk: subjectKey(subjectId), sk: STATE },
        ConsistentRead: true,
      }),
    );
    if (!Item) return null;
    return {
      subject: Item.subject,
      sealedNationalId: Item.sealedNationalId ?? null,
      monitored: Item.monitored === true,
      version: Item.version ?? 0,
      hash: Item.hash ?? null,
      snapshot: Item.snapshot ?? null,
      risk: Item.risk ?? null,
      actions: Item.actions ?? [],
      effectiveTier: Item.effectiveTier ?? Item.subject.tier,
      paymentExperience: Item.paymentExperience ?? null,
      outbox: (Item.outbox ?? []) as AlertV1[],
      outboxSince: Item.outboxSince ?? null,
      lastCheckedAt: Item.lastCheckedAt ?? null,
      changes: Item.changes ?? [],
      notFound: Item.notFound ?? null,
      asOf: Item.asOf ?? {},
    };
  }

  async commitCheck(commit: CheckCommit): Promise<CommitResult> {
    const hasOutbox = commit.outbox.length > 0;
    const riskClass = commit.risk.class;
    // Newer facts win: per source, the stored as-of may not be later than the commit's. Text order
    // is time order: as-of values are always written as toISOString() (see as-of.ts).
    const asOfNames: Record<string, string> = {};
    const asOfValues: Record<string, unknown> = {};
    const asOfTerms = Object.entries(commit.asOf ?? {}).map(([provider, at], i) => {
      asOfNames[`#ap${i}`] = provider;
      asOfValues[`:ap${i}`] = at;
      return `(attribute_not_exists(#casof.#ap${i}) OR #casof.#ap${i} <= :ap${i})`;
    });
    try {
      const update = buildUpdate({
        set: {
          version: commit.expectedVersion + 1,
          hash: commit.hash,
          snapshot: commit.snapshot,
          risk: commit.risk,
          riskClass,
          pd: commit.risk.pd,
          actions: commit.actions,
          effectiveTier: commit.effectiveTier,
          tierShard: tierShardKey(commit.effectiveTier, tierShardOf(commit.subjectId)),
          portfolioSort: `${riskClass}#${commit.subjectId}`,
          lastCheckedAt: commit.checkedAt,
          lastChangedAt: commit.checkedAt,
          outbox: commit.outbox,
          changes: commit.changes,
          ...(commit.asOf ? { asOf: commit.asOf } : {}),
          ...(hasOutbox ? { outboxSince: commit.checkedAt, outboxPending: 'PENDING' } : {}),
        },
        // The registry knows the subject (again): its not-found mark goes with this version.
        remove: hasOutbox ? ['notFound'] : ['outboxSince', 'outboxPending', 'notFound'],
      });
      await this.db.send(
        new UpdateCommand({
          TableName: this.table,
          Key: { pk: subjectKey(commit.subjectId), sk: STATE },
          ...withCondition(
            update,
            ['#cv = :expected AND #cm = :true', ...asOfTerms].join(' AND '),
            {
              '#cv': 'version',
              '#cm': 'monitored',
              ...(asOfTerms.length > 0 ? { '#casof': 'asOf', ...asOfNames } : {}),
            },
            { ':expected': commit.expectedVersion, ':true': true, ...asOfValues },
          ),
        }),
      );
      return 'committed';
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) {
        if (asOfTerms.length === 0) return 'conflict';
        // Which part of the condition failed: only the as-of, when the version still stands.
        const state = await this.get(commit.subjectId);
        return state?.monitored && state.version === commit.expectedVersion ? 'stale' : 'conflict';
      }
      throw itemSizeErrorOr(
        error,
        `subject ${commit.subjectId}: state item of version ${commit.expectedVersion + 1}`,
      );
    }
  }

  async commitNotFound(commit: NotFoundCommit): Promise<boolean> {
    try {
      const update = buildUpdate({
        set: {
          version: commit.expectedVersion + 1,
          notFound: commit.notFound,
          lastCheckedAt: commit.checkedAt,
          outbox: commit.outbox,
          changes: [],
          outboxSince: commit.checkedAt,
          outboxPending: 'PENDING',
        },
        // Without a hash, the next job of the subject is never skipped as unchanged: the check
        // that finds it again commits, and that commit clears the mark.
        remove: ['hash'],
      });
      await this.db.send(
        new UpdateCommand({
          TableName: this.table,
          Key: { pk: subjectKey(commit.subjectId), sk: STATE },
          ...withCondition(
            update,
            '#cv = :expected AND #cm = :true',
            { '#cv': 'version', '#cm': 'monitored' },
            { ':expected': commit.expectedVersion, ':true': true },
          ),
        }),
      );
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false;
      throw itemSizeErrorOr(
        error,
        `subject ${commit.subjectId}: state item of version ${commit.expectedVersion + 1}`,
      );
    }
  }

  async appendAlerts(subjectId: string, version: number, alerts: readonly AlertV1[]): Promise<void> {
    const expiresAt = Math.floor(this.now() / 1000) + this.retentionSeconds;
    await Promise.all(
      alertItems(subjectKey(subjectId), subjectId, version, alerts, expiresAt).map((item) =>
        this.putOnce(item),
      ),
    );
  }

  async appendHistory(commit: CheckCommit, version: number): Promise<void> {
    const expiresAt = Math.floor(this.now() / 1000) + this.retentionSeconds;
    const pk = subjectKey(commit.subjectId);
    const puts = [
      {
        pk,
        sk: versionKey(version),
        entity: 'snapshot',
        subjectId: commit.subjectId,
        version,
        hash: commit.hash,
        snapshot: commit.snapshot,
        changes: commit.changes,
        risk: commit.risk,
        riskClass: commit.risk.class,
        actions: commit.actions,
        checkedAt: commit.checkedAt,
        expiresAt,
      },
      ...alertItems(pk, commit.subjectId, version, commit.outbox, expiresAt),
    ];
    await Promise.all(puts.map((item) => this.putOnce(item)));
  }

  /** History is append-only: a retry that finds the item there already is a success. */
  private async putOnce(item: Record<string, unknown>): Promise<void> {
    try {
      await this.db.send(
        new PutCommand({
          TableName: this.table,
          Item: item,
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) {
        throw itemSizeErrorOr(error, `history item ${String(item.pk)} ${String(item.sk)}`);
      }
    }
  }

  async clearOutbox(subjectId: string, version: number): Promise<void> {
    try {
      await this.db.send(
        new UpdateCommand({
          TableName: this.table,
          Key: { pk: subjectKey(subjectId), sk: STATE },
          ...withCondition(
            buildUpdate({ set: { outbox: [] }, remove: ['outboxSince', 'outboxPending'] }),
            '#cv = :version',
            { '#cv': 'version' },
            { ':version': version },
          ),
        }),
      );
    } catch (error) {
      // A newer version owns the outbox now; its writer publishes and clears it.
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
    }
  }

  async pageTier(tier: Tier, shard: number, cursor: string | null, limit: number): Promise<TierPage> {
    const result = await this.db.send(
      new QueryCommand({
        TableName: this.table,
        IndexName: TABLE.indexes.tier.name,
        KeyConditionExpression: 'tierShard = :shard',
        ExpressionAttributeValues: { ':shard': tierShardKey(tier, shard) },
        Limit: limit,
        ...(cursor
          ? { ExclusiveStartKey: JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) }
          : {}),
      }),
    );
    return {
      subjects: (result.Items ?? []).map(toJobSubject),
      cursor: result.LastEvaluatedKey
        ? Buffer.from(JSON.stringify(result.LastEvaluatedKey), 'utf8').toString('base64url')
        : null,
    };
  }

  async findByRegistry(country: string, registryId: string): Promise<JobSubject | null> {
    const result = await this.db.send(
      new QueryCommand({
        TableName: this.table,
        IndexName: TABLE.indexes.registry.name,
        KeyConditionExpression: 'registryKey = :key',
        ExpressionAttributeValues: { ':key': registryKey(country, registryId) },
        Limit: 1,
      }),
    );
    const item = result.Items?.[0];
    return item ? toJobSubject(item) : null;
  }

  async pendingOutboxes(olderThan: string, limit: number): Promise<string[]> {
    const result = await this.db.send(
      new QueryCommand({
        TableName: this.table,
        IndexName: TABLE.indexes.outbox.name,
        KeyConditionExpression: 'outboxPending = :pending AND outboxSince < :olderThan',
        ExpressionAttributeValues: { ':pending': 'PENDING', ':olderThan': olderThan },
        Limit: limit,
      }),
    );
    return (result.Items ?? []).map((item) => String(item.pk).slice('SUBJECT#'.length));
  }

  /**
   * Stores the subject's payment experience and clears its snapshot hash, so that the next check
   * re-assesses even when the bureaus report nothing new (the hash-skip would otherwise keep the old
   * class until bureau data changed) and alerts if the class moves. False for an unknown subject.
   */
  async setPaymentExperience(subjectId: string, experience: PaymentExperience): Promise<boolean> {
    try {
      await this.db.send(
        new UpdateCommand({
          TableName: this.table,
          Key: { pk: subjectKey(subjectId), sk: STATE },
          ...withCondition(
            buildUpdate({ set: { paymentExperience: experience }, remove: ['hash'] }),
            'attribute_exists(pk)',
            {},
          ),
        }),
      );
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false;
      throw error;
    }
  }

  async remove(subjectId: string): Promise<boolean> {
    const state = await this.get(subjectId);
    if (!state) return false;
    const erase = state.subject.kind === 'individual';
    await this.db.send(
      new UpdateCommand({
        TableName: this.table,
        Key: { pk: subjectKey(subjectId), sk: STATE },
        ...buildUpdate({
          set: { monitored: false, removedAt: new Date(this.now()).toISOString() },
          remove: [
            'tierShard',
            'registryKey',
            'outboxPending',
            // Out of portfolio listings too; the item stays as a tombstone of the enrolment.
            'portfolioKey',
            'portfolioSort',
            // Erasure: an individual's personal data goes with the monitoring: the identifiers, what
            // the bureau said (snapshot, its hash, the assessment built on it) and unsent alerts.
            ...(erase
              ? [
                  'sealedNationalId',
                  'snapshot',
                  'personToken',
                  'subject.personToken',
                  'hash',
                  'risk',
                  'riskClass',
                  'pd',
                  'actions',
                  'paymentExperience',
                  'outbox',
                  'outboxSince',
                ]
              : []),
          ],
        }),
      }),
    );
    if (erase) await this.eraseHistory(subjectId);
    return true;
  }

  /** Deletes every history item (snapshots with their changes, alerts) of a subject. */
  private async eraseHistory(subjectId: string): Promise<void> {
    let startKey: Record<string, unknown> | undefined;
    do {
      const page = await this.db.send(
        new QueryCommand({
          TableName: this.table,
          // The whole partition: snapshots (`V#…`) sort after `STATE`, alerts (`ALERT#…`) before it.
          KeyConditionExpression: 'pk = :pk',
          ExpressionAttributeValues: { ':pk': subjectKey(subjectId) },
          ProjectionExpression: 'pk, sk',
          ...(startKey ? { ExclusiveStartKey: startKey } : {}),
        }),
      );
      const keys = (page.Items ?? [])
        .filter((item) => item.sk !== STATE)
        .map((item) => ({ pk: item.pk, sk: item.sk }));
      for (let i = 0; i < keys.length; i += 25) {
        let requests = keys.slice(i, i + 25).map((Key) => ({ DeleteRequest: { Key } }));
        for (let attempt = 0; requests.length > 0; attempt++) {
          if (attempt > 0)
            await new Promise((resolve) => setTimeout(resolve, Math.min(1000, 50 * 2 ** attempt)));
          const result = await this.db.send(
            new BatchWriteCommand({ RequestItems: { [this.table]: requests } }),
          );
          requests = (result.UnprocessedItems?.[this.table] ?? []) as typeof requests;
        }
      }
      startKey = page.LastEvaluatedKey;
    } while (startKey);
  }

  /**
   * A subject's history (snapshots and alerts), newest first, without expired items. Snapshots
   * (`V#…`) sort after `STATE` and alerts (`ALERT#…`) before it, so each kind is its own Query
   * (newest first, `limit` each) and the two are merged by time.
   */
  async history(subjectId: string, limit = 100): Promise<Record<string, unknown>[]> {
    const [snapshots, alerts] = await Promise.all(
      [HISTORY_PREFIXES.snapshot, HISTORY_PREFIXES.alert].map((prefix) =>
        this.db.send(
          new QueryCommand({
            TableName: this.table,
            KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
            ExpressionAttributeValues: { ':pk': subjectKey(subjectId), ':prefix': prefix },
            ScanIndexForward: false,
            Limit: limit,
          }),
        ),
      ),
    );
    const nowSeconds = Math.floor(this.now() / 1000);
    const at = (item: Record<string, unknown>) => String(item.checkedAt ?? item.detectedAt ?? '');
    // Emulators never delete TTL-expired items, and DynamoDB deletes them late: filter in code.
    return [...(snapshots?.Items ?? []), ...(alerts?.Items ?? [])]
      .filter((item) => typeof item.expiresAt !== 'number' || item.expiresAt > nowSeconds)
      .sort((a, b) => at(b).localeCompare(at(a)) || String(b.sk).localeCompare(String(a.sk)))
      .slice(0, limit);
  }
}

/** Sort-key prefixes of a subject's history items. */
const HISTORY_PREFIXES = { snapshot: 'V#', alert: 'ALERT#' } as const;

function toJobSubject(item: Record<string, unknown>): JobSubject {
  return {
    id: String(item.subjectId),
    kind: item.kind as JobSubject['kind'],
    country: String(item.country),
    registryId: (item.registryId as string | null | undefined) ?? null,
    personToken: (item.personToken as string | null | undefined) ?? null,
    sealedNationalId: (item.sealedNationalId as string | null | undefined) ?? null,
    version: Number(item.version ?? 0),
    hash: (item.hash as string | null | undefined) ?? null,
  };
}

/** DynamoDB does not keep the order of a map's keys: compare field by field. */
/** The history items of a version's alerts. */
function alertItems(
  pk: string,
  subjectId: string,
  version: number,
  alerts: readonly AlertV1[],
  expiresAt: number,
): Record<string, unknown>[] {
  return alerts.map((alert) => ({
    pk,
    sk: `ALERT#${alert.detectedAt}#${alert.alertId}`,
    entity: 'alert',
    subjectId,
    version,
    alertId: alert.alertId,
    type: alert.type,
    severity: alert.severity,
    riskClass: alert.risk.class,
    previousRiskClass: alert.risk.previousClass,
    portfolioId: alert.subject.portfolioId,
    detectedAt: alert.detectedAt,
    alert,
    expiresAt,
  }));
}

function sameIdentity(a: MonitoredSubject, b: MonitoredSubject): boolean {
  return (
    a.kind === b.kind &&
    a.country === b.country &&
    (a.registryId ?? null) === (b.registryId ?? null) &&
    (a.personToken ?? null) === (b.personToken ?? null)
  );
}

function sameEnrolment(a: MonitoredSubject, b: MonitoredSubject): boolean {
  const keys = new Set([...Object.keys(a), ...Object.keys(b)] as (keyof MonitoredSubject)[]);
  return [...keys].every((key) => (a[key] ?? null) === (b[key] ?? null));
}

const TIER_ORDER: readonly Tier[] = ['feed', 'daily', 'weekly', 'monthly'];

/** The more frequent of two tiers. */
export function stricterTier(a: Tier, b: Tier): Tier {
  return TIER_ORDER.indexOf(a) <= TIER_ORDER.indexOf(b) ? a : b;
}

/**
 * DynamoDB's answer to an item over 400 KB (PutItem: "Item size has exceeded the maximum allowed
 * size"; UpdateItem: "Item size to update has exceeded …") as the named, never-retried error.
 */
function itemSizeErrorOr(error: unknown, what: string): unknown {
  const tooLarge =
    error instanceof Error &&
    error.name === 'ValidationException' &&
    /exceeded the maximum allowed size/i.test(error.message);
  return tooLarge
    ? new ItemTooLargeError(`${what} exceeds DynamoDB's 400 KB item limit`, { cause: error })
    : error;
}
