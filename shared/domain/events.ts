/**
 * Domain events: what happened to a subject, read off the changes between two snapshots and the
 * move of its risk class. Each change belongs to at most one event; changes that belong to none
 * (a new industry code, a score move of a point or two) are still stored with the snapshot history,
 * they just do not alert anyone.
 */
import { z } from 'zod';
import type { Change } from './diff.ts';
import type { RiskAssessment } from './risk/assessment.ts';
import { RISK_CLASS_IMPROVED_SEVERITY, resolveSeverity, type Severity } from './severity.ts';
import type { ProceedingKind, Snapshot, SubjectState } from './snapshot.ts';

/** Event types, in the order events are reported (most consequential families first). */
export const EventType = z.enum([
  'baseline',
  'bankruptcy',
  'liquidation',
  'forced-dissolution',
  'restructuring',
  'dissolved',
  'removed-from-registry',
  'subject-not-found',
  'deceased',
  'emigrated',
  'status-changed',
  'risk-class-changed',
  'payment-remark-added',
  'debt-collection-opened',
  'debt-register-changed',
  'accounts-overdue',
  'score-changed',
  'credit-limit-changed',
  'management-changed',
  'board-changed',
  'auditor-changed',
  'name-changed',
  'address-changed',
  'accounts-published',
  'key-figures-changed',
  'payment-remark-resolved',
  'debt-collection-closed',
  'snapshot-truncated',
]);
export type EventType = z.infer<typeof EventType>;

export type DetectedEvent = {
  type: EventType;
  severity: Severity;
  /** The changes that make up the event, sorted by path. */
  changes: Change[];
  /** When it happened according to the source (e.g. the bankruptcy date), or null if it does not say. */
  occurredAt: string | null;
};

/**
 * A bureau score move smaller than this many points (on its 0–100 scale) is stored as a change but
 * raises no `score-changed` event: bureaus re-score daily and one-point moves are noise to a reader.
 */
export const SCORE_EVENT_THRESHOLD = 5;

const STATE_EVENTS: Partial<Record<SubjectState, EventType>> = {
  bankruptcy: 'bankruptcy',
  liquidation: 'liquidation',
  'forced-dissolution': 'forced-dissolution',
  restructuring: 'restructuring',
  dissolved: 'dissolved',
  removed: 'removed-from-registry',
  emigrated: 'emigrated',
  deceased: 'deceased',
};

const PROCEEDING_EVENTS: Partial<Record<ProceedingKind, EventType>> = {
  bankruptcy: 'bankruptcy',
  liquidation: 'liquidation',
  'forced-dissolution': 'forced-dissolution',
  restructuring: 'restructuring',
};

const ROLE_EVENTS: Record<string, EventType> = {
  'managing-director': 'management-changed',
  other: 'management-changed',
  chair: 'board-changed',
  'deputy-chair': 'board-changed',
  'board-member': 'board-changed',
  'deputy-board-member': 'board-changed',
  auditor: 'auditor-changed',
  accountant: 'auditor-changed',
};

/** Filing changes that only make sense next to newly published accounts. */
const ATTACH_TO_ACCOUNTS = 'attach-to-accounts' as const;

export type DetectEventsInput = {
  previous: Snapshot | null;
  next: Snapshot;
  /** `diffSnapshots(previous, next)`; empty for a first snapshot. */
  changes: Change[];
  previousRisk: RiskAssessment | null;
  nextRisk: RiskAssessment;
  severityOverrides?: Partial<Record<EventType, Severity>>;
};

/**
 * Groups changes into events. A first snapshot (no previous) is one `baseline` event (and a
 * `snapshot-truncated` one when it was cut to its budget).
 * Otherwise: a state move names its event (`bankruptcy`, `dissolved`, `removed-from-registry`, …,
 * else `status-changed`), and so does a newly opened proceeding of the same kind even when the state
 * did not move; a new accounts period (new figures, or a later period end from a registry that
 * publishes filings only) is `accounts-published`, revised figures of the same period
 * `key-figures-changed`; overdue filing turning true is `accounts-overdue`; a score move of at least
 * {@link SCORE_EVENT_THRESHOLD} is `score-changed`; a different risk class is `risk-class-changed`
 * with a `/risk/class` change (at {@link RISK_CLASS_IMPROVED_SEVERITY} when the class improved). Events come in the order of `EventType.options`.
 *
 * @example
 * detectEvents({ previous, next, changes: diffSnapshots(previous, next), previousRisk, nextRisk });
 * // [{ type: 'bankruptcy', severity: 'critical', occurredAt: '2025-03-01', changes: [...] }]
 */
export function detectEvents(input: DetectEventsInput): DetectedEvent[] {
  const severity = (type: EventType): Severity => resolveSeverity(type, input.severityOverrides);
  const { previous, next } = input;
  if (previous === null) {
    const baseline: DetectedEvent = {
      type: 'baseline',
      severity: severity('baseline'),
      changes: [],
      occurredAt: null,
    };
    // A first snapshot already cut is worth saying: the team should know the entry is not whole.
    if (next.truncated === undefined) return [baseline];
    const cut = { path: '/truncated', old: null, new: next.truncated };
    return [
      baseline,
      {
        type: 'snapshot-truncated',
        severity: severity('snapshot-truncated'),
        changes: [cut],
        occurredAt: null,
      },
    ];
  }

  const groups = new Map<EventType, Change[]>();
  const add = (type: EventType, change: Change): void => {
    groups.set(type, [...(groups.get(type) ?? []), change]);
  };
  const attached: Change[] = [];
  for (const change of input.changes) {
    const type = classify(change, previous, next);
    if (type === ATTACH_TO_ACCOUNTS) attached.push(change);
    else if (type !== null) add(type, change);
  }
  if (groups.has('accounts-published')) for (const change of attached) add('accounts-published', change);

  const previousClass = input.previousRisk?.class;
  if (previousClass !== undefined && previousClass !== input.nextRisk.class) {
    add('risk-class-changed', { path: '/risk/class', old: previousClass, new: input.nextRisk.class });
  }

  return EventType.options
    .filter((type) => groups.has(type))
    .map((type) => {
      const changes = [...(groups.get(type) ?? [])].sort((a, b) =>
        a.path < b.path ? -1 : a.path > b.path ? 1 : 0,
      );
      const improved =
        type === 'risk-class-changed' && previousClass !== undefined && input.nextRisk.class < previousClass;
      return {
        type,
        severity: improved ? RISK_CLASS_IMPROVED_SEVERITY : severity(type),
        changes,
        occurredAt: occurredAt(type, changes, previous, next),
      };
    });
}

function classify(
  change: Change,
  previous: Snapshot,
  next: Snapshot,
): EventType | typeof ATTACH_TO_ACCOUNTS | null {
  const [section, field] = change.path.split('/').slice(1);
  const added = change.old === null && change.new !== null;
  switch (section) {
    case 'status':
      if (field === 'state') return stateEvent(next.status.state);
      if (field === 'since')
        return previous.status.state !== next.status.state ? stateEvent(next.status.state) : 'status-changed';
      if (field === 'addressProtected') return 'address-changed';
      if (field === 'proceedings' && added)
        return PROCEEDING_EVENTS[(change.new as { kind: ProceedingKind }).kind] ?? 'status-changed';
      return 'status-changed';
    case 'addresses':
      return 'address-changed';
    case 'identity':
      return field === 'name' ? 'name-changed' : null;
    case 'roles':
      return ROLE_EVENTS[field ?? ''] ?? 'management-changed';
    case 'accounts':
      if (field !== undefined) return 'key-figures-changed';
      return change.new === null ? null : 'accounts-published';
    case 'accountsFiling':
      return classifyFiling(change, field);
    case 'credit':
      return classifyCredit(change, field, added);
    case 'employees':
    case 'shareCapital':
      return 'key-figures-changed';
    case 'truncated':
      return change.new === null ? null : 'snapshot-truncated';
    default:
      return null;
  }
}

function stateEvent(state: SubjectState): EventType {
  return STATE_EVENTS[state] ?? 'status-changed';
}

function classifyFiling(change: Change, field: string | undefined): EventType | typeof ATTACH_TO_ACCOUNTS {
  const wasOverdue =
    field === undefined
      ? (change.old as { overdue?: boolean } | null)?.overdue === true
      : change.old === true;
  const isOverdue =
    field === undefined
      ? (change.new as { overdue?: boolean } | null)?.overdue === true
      : change.new === true;
  const overdueChanged = field === undefined || field === 'overdue';
  if (overdueChanged && isOverdue && !wasOverdue) return 'accounts-overdue';
  // A registry that publishes filings but not figures (Companies House) shows new accounts only as
  // a later period end: that is a new period published, as new figures are elsewhere.
  const periodEnd = (value: unknown): unknown =>
    field === undefined ? (value as { lastPeriodEnd?: unknown } | null)?.lastPeriodEnd : value;
  if (field === undefined || field === 'lastPeriodEnd') {
    const before = periodEnd(change.old);
    const after = periodEnd(change.new);
    if (typeof before === 'string' && typeof after === 'string' && after > before)
      return 'accounts-published';
  }
  return ATTACH_TO_ACCOUNTS;
}

function classifyCredit(change: Change, field: string | undefined, added: boolean): EventType | null {
  switch (field) {
    case 'paymentRemarks':
      if (added) return 'payment-remark-added';
      return closedOrGone(change, 'resolvedOn') ? 'payment-remark-resolved' : null;
    case 'collectionCases':
      if (added) return 'debt-collection-opened';
      return closedOrGone(change, 'closedOn') ? 'debt-collection-closed' : null;
    case 'debtRegister':
      return 'debt-register-changed';
    case 'score': {
      if (typeof change.old !== 'number' || typeof change.new !== 'number') return 'score-changed';
      return Math.abs(change.new - change.old) >= SCORE_EVENT_THRESHOLD ? 'score-changed' : null;
    }
    case 'creditLimit':
      return 'credit-limit-changed';
    default:
      return null;
  }
}

/** An item that was open and now is closed (its closing date set) or gone from the source's list. */
function closedOrGone(change: Change, closingDate: 'resolvedOn' | 'closedOn'): boolean {
  const before = change.old as Record<string, unknown>;
  const after = change.new as Record<string, unknown> | null;
  return after === null || (before[closingDate] === null && after[closingDate] !== null);
}

/** The source's own date of the event where it has one; the latest when several items moved. */
function occurredAt(type: EventType, changes: Change[], previous: Snapshot, next: Snapshot): string | null {
  const stateMoved = changes.some((c) => c.path === '/status/state');
  const dates = (pick: (value: Record<string, unknown>) => unknown[]): string | null =>
    latest(changes.flatMap((c) => (isRecord(c.new) ? pick(c.new) : isRecord(c.old) ? pick(c.old) : [])));
  switch (type) {
    case 'bankruptcy':
    case 'liquidation':
    case 'forced-dissolution':
    case 'restructuring':
    case 'dissolved':
    case 'removed-from-registry':
    case 'deceased':
    case 'emigrated':
    case 'status-changed':
      return (stateMoved ? next.status.since : null) ?? dates((p) => [p.since]);
    case 'payment-remark-added':
      return dates((r) => [r.registeredOn]);
    case 'payment-remark-resolved':
      return dates((r) => [r.resolvedOn]);
    case 'debt-collection-opened':
      return dates((c) => [c.openedOn]);
    case 'debt-collection-closed':
      return dates((c) => [c.closedOn]);
    case 'debt-register-changed':
      return dates((d) => [d.registeredOn]);
    case 'management-changed':
    case 'board-changed':
    case 'auditor-changed':
      return dates((r) => [r.from, r.to]);
    case 'accounts-overdue':
      return previous.accountsFiling?.nextDue ?? null;
    default:
      return null;
  }
}

function latest(values: unknown[]): string | null {
  const isoDates = values.filter((v): v is string => typeof v === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(v));
  return isoDates.sort().at(-1) ?? null;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}
