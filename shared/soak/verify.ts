/**
 * The soak's checks, pure: given what the simulator changed, what the store committed and what the
 * subscriber received, count what was lost, duplicated or left behind.
 */
import type { AlertV1 } from '#shared/domain/alert.ts';
import type { EventType } from '#shared/domain/events.ts';
import type { ChangeKind, SimChange } from '#shared/simulator/types.ts';

/** One alert message as the subscriber received it. */
export interface DeliveredAlert {
  readonly alert: AlertV1;
  readonly raw: string;
  /** The SNS message attributes, as SQS handed them over (raw delivery). */
  readonly attributes: Readonly<Record<string, string>>;
}

/**
 * Groups delivered alerts by (subjectId, snapshotVersion, type) and lists the groups that carry more
 * than one alertId: one change announced twice under different ids, which subscribers cannot dedupe.
 * Redeliveries of the same id are at-least-once delivery and fine.
 *
 * @example
 * duplicateAlertGroups(delivered); // [] when every change has exactly one alertId
 */
export function duplicateAlertGroups(delivered: readonly AlertV1[]): { key: string; alertIds: string[] }[] {
  const groups = new Map<string, Set<string>>();
  for (const alert of delivered) {
    const key = `${alert.subject.id}#${alert.source.snapshotVersion}#${alert.type}`;
    const ids = groups.get(key) ?? new Set<string>();
    ids.add(alert.alertId);
    groups.set(key, ids);
  }
  return [...groups]
    .filter(([, ids]) => ids.size > 1)
    .map(([key, ids]) => ({ key, alertIds: [...ids].sort() }));
}

/** Events a subject goes through once in the simulated world: a second one is a re-announcement. */
export const ONCE_ONLY_EVENTS: ReadonlySet<EventType> = new Set<EventType>([
  'bankruptcy',
  'dissolved',
  'removed-from-registry',
  'deceased',
]);

/**
 * Lists (subjectId, type) of once-only events announced under more than one alertId, whatever their
 * versions: the mark of an older answer that turned the state back (a bankrupt company "active"
 * again) and of the newer answer announcing the bankruptcy a second time. Redeliveries of one id
 * are fine.
 *
 * @example
 * reannouncedAlerts(delivered); // [] when no once-only event was announced twice
 */
export function reannouncedAlerts(delivered: readonly AlertV1[]): { key: string; alertIds: string[] }[] {
  const groups = new Map<string, Set<string>>();
  for (const alert of delivered) {
    if (!ONCE_ONLY_EVENTS.has(alert.type as EventType)) continue;
    const key = `${alert.subject.id}#${alert.type}`;
    const ids = groups.get(key) ?? new Set<string>();
    ids.add(alert.alertId);
    groups.set(key, ids);
  }
  return [...groups]
    .filter(([, ids]) => ids.size > 1)
    .map(([key, ids]) => ({ key, alertIds: [...ids].sort() }));
}

/**
 * Alert ids the store committed (its alert history) that never reached the subscriber.
 *
 * @example
 * undeliveredAlerts(['al_1', 'al_2'], new Set(['al_1'])); // ['al_2']
 */
export function undeliveredAlerts(committed: Iterable<string>, delivered: ReadonlySet<string>): string[] {
  return [...committed].filter((id) => !delivered.has(id));
}

export interface ChangeMatch {
  /** Simulator changes on days 1..days-1. */
  readonly changesMade: number;
  /** Of those, changes followed by a delivered (non-baseline) alert for the subject on that day or later. */
  readonly changesReported: number;
  /** Changes with no later alert, by kind: changes the canonical snapshot does not carry, or losses. */
  readonly unmatchedByKind: Record<string, number>;
}

/**
 * Matches the simulator's changes to delivered alerts: a change of subject S on day d is reported
 * when an alert for S detected on day ≥ d was delivered. An unmatched change is not necessarily
 * lost (a change reverted before the subject's next check, or one the snapshot does not represent,
 * leaves nothing to report); the end-state check decides losses.
 *
 * @example
 * matchChanges(truth.changes, alerts, '2026-07-15', 30).changesReported;
 */
/**
 * The simulated day (0 = `startDate`) of a timestamp, such as an alert's `detectedAt` or a job's
 * `requestedAt`.
 *
 * @example
 * dayOfRun('2026-07-17T06:00:00.000Z', '2026-07-15'); // 2
 */
export function dayOfRun(iso: string, startDate: string): number {
  return Math.floor((Date.parse(iso) - Date.parse(`${startDate}T00:00:00Z`)) / 86_400_000);
}

export function matchChanges(
  changes: readonly SimChange[],
  delivered: readonly AlertV1[],
  startDate: string,
  days: number,
): ChangeMatch {
  const lastAlertDay = new Map<string, number>();
  for (const alert of delivered) {
    if (alert.type === 'baseline') continue;
    const day = dayOfRun(alert.detectedAt, startDate);
    lastAlertDay.set(alert.subject.id, Math.max(day, lastAlertDay.get(alert.subject.id) ?? -1));
  }
  let changesMade = 0;
  let changesReported = 0;
  const unmatchedByKind: Record<string, number> = {};
  for (const change of changes) {
    if (change.day < 1 || change.day >= days) continue;
    changesMade++;
    if ((lastAlertDay.get(change.subjectId) ?? -1) >= change.day) changesReported++;
    else unmatchedByKind[change.kind] = (unmatchedByKind[change.kind] ?? 0) + 1;
  }
  return { changesMade, changesReported, unmatchedByKind };
}

/** A dead-lettered monitor job: the handler's (with reasons per subject) or the queue's own redrive. */
export interface DeadLetter {
  readonly subjects: number;
  /** Error names (e.g. `MalformedPayloadError`) → subjects. */
  readonly reasons: Record<string, number>;
}

/**
 * Reads one dead-letter body: the monitor adds `failures` (subject id → reason); a job the queue
 * moved by itself (the whole invocation failed `maxReceiveCount` times) has none.
 *
 * @example
 * readDeadLetter('{"subjects":[{"id":"a"}],"failures":{"a":"MalformedPayloadError: brreg ..."}}');
 * // { subjects: 1, reasons: { MalformedPayloadError: 1 } }
 */
export function readDeadLetter(body: string): DeadLetter {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    return { subjects: 0, reasons: { 'unparseable-body': 1 } };
  }
  const record = (parsed ?? {}) as { subjects?: unknown; failures?: unknown };
  const subjects = Array.isArray(record.subjects) ? record.subjects.length : 0;
  const reasons: Record<string, number> = {};
  if (record.failures && typeof record.failures === 'object') {
    for (const reason of Object.values(record.failures as Record<string, unknown>)) {
      const name = String(reason).split(':')[0] ?? 'unknown';
      reasons[name] = (reasons[name] ?? 0) + 1;
    }
  } else {
    reasons['queue-redrive'] = subjects;
  }
  return { subjects, reasons };
}

/**
 * The alert each kind of simulator change must raise once a check sees it; null where none is due
 * by design: bureau score moves (only moves of at least SCORE_EVENT_THRESHOLD points are news, and
 * the simulator's score changes are often smaller).
 */
export const EXPECTED_ALERT: Readonly<Record<ChangeKind, EventType | null>> = {
  address: 'address-changed',
  name: 'name-changed',
  'managing-director': 'management-changed',
  board: 'board-changed',
  auditor: 'auditor-changed',
  'accounts-published': 'accounts-published',
  'accounts-overdue': 'accounts-overdue',
  'payment-remark-added': 'payment-remark-added',
  'payment-remark-resolved': 'payment-remark-resolved',
  'collection-opened': 'debt-collection-opened',
  'collection-closed': 'debt-collection-closed',
  'debt-register-added': 'debt-register-changed',
  'debt-register-removed': 'debt-register-changed',
  score: null,
  'credit-limit': 'credit-limit-changed',
  bankruptcy: 'bankruptcy',
  liquidation: 'liquidation',
  'forced-dissolution': 'forced-dissolution',
  restructuring: 'restructuring',
  dissolved: 'dissolved',
  removed: 'removed-from-registry',
  emigrated: 'emigrated',
  deceased: 'deceased',
};

/**
 * Per (subject, alert type) that a simulator change kind raises (see {@link EXPECTED_ALERT}), how
 * many more distinct alerts were announced than the world made such changes up to the alert's day:
 * announcements the world does not explain, such as an older answer turning a state back and the
 * newer one announcing the same change again under a new id.
 *
 * @example
 * unexplainedAlerts(truth.changes, delivered, '2026-07-15'); // [] when every alert has its change
 */
export function unexplainedAlerts(
  changes: readonly SimChange[],
  delivered: readonly AlertV1[],
  startDate: string,
): string[] {
  const kindsOf = new Map<EventType, ChangeKind[]>();
  for (const [kind, type] of Object.entries(EXPECTED_ALERT) as [ChangeKind, EventType | null][]) {
    if (type !== null) kindsOf.set(type, [...(kindsOf.get(type) ?? []), kind]);
  }
  const seen = new Set<string>();
  const byGroup = new Map<string, number[]>();
  for (const alert of delivered) {
    if (!kindsOf.has(alert.type) || seen.has(alert.alertId)) continue;
    seen.add(alert.alertId);
    const key = `${alert.subject.id}#${alert.type}`;
    byGroup.set(key, [...(byGroup.get(key) ?? []), dayOfRun(alert.detectedAt, startDate)]);
  }
  const unexplained: string[] = [];
  for (const [key, days] of byGroup) {
    const [subjectId, type] = key.split('#') as [string, EventType];
    const kinds = new Set(kindsOf.get(type) ?? []);
    const made = changes
      .filter((c) => c.subjectId === subjectId && kinds.has(c.kind as ChangeKind))
      .map((c) => c.day);
    const sorted = [...days].sort((a, b) => a - b);
    // The n-th alert needs at least n changes made by its day.
    if (sorted.some((day, n) => made.filter((d) => d <= day).length < n + 1)) unexplained.push(key);
  }
  return unexplained.sort();
}

export interface MissedChanges {
  /** Changes of the watched subjects that must raise an alert. */
  readonly due: number;
  /** Of those, changes no alert of the expected type followed, by kind. */
  readonly missedByKind: Record<string, number>;
  /** Up to ten of them, `subject@day:kind`, to start an investigation from. */
  readonly examples: string[];
  /** Changes not due: unreported after a dead-lettered check of their day or the day before (see below). */
  readonly excused: number;
}

/**
 * Per-change proof for subjects checked after every simulated day: nothing such a subject does can
 * be made and undone between two checks, so each change of day d whose kind has an
 * {@link EXPECTED_ALERT} must be followed by a delivered alert of that type, for that subject,
 * detected on day d or later. (Subjects checked less often are covered by the end-state check.)
 * A check that was dead-lettered (`unchecked` holds `subject@day`) saw nothing that day: a change
 * of that day undone before the next check is rightly never reported, and so is a change of the
 * next day that undoes one of the unseen day (the stored state never differed). Those are excused;
 * every other change is still due, and one that lasts is reported on a later day.
 *
 * @example
 * missedChanges(truth.changes, alerts, new Set(['sim-00001']), '2026-07-15', 30).missedByKind; // {}
 */
export function missedChanges(
  changes: readonly SimChange[],
  delivered: readonly AlertV1[],
  watched: ReadonlySet<string>,
  startDate: string,
  days: number,
  unchecked: ReadonlySet<string> = new Set(),
): MissedChanges {
  const lastAlertDay = new Map<string, number>();
  for (const alert of delivered) {
    const day = dayOfRun(alert.detectedAt, startDate);
    const key = `${alert.subject.id}#${alert.type}`;
    lastAlertDay.set(key, Math.max(day, lastAlertDay.get(key) ?? -1));
  }
  let due = 0;
  let excused = 0;
  const missedByKind: Record<string, number> = {};
  const examples: string[] = [];
  for (const change of changes) {
    if (change.day < 1 || change.day >= days || !watched.has(change.subjectId)) continue;
    const expected = EXPECTED_ALERT[change.kind as ChangeKind] ?? null;
    if (expected === null) continue;
    const reported = (lastAlertDay.get(`${change.subjectId}#${expected}`) ?? -1) >= change.day;
    const unseen = (day: number) => unchecked.has(`${change.subjectId}@${day}`);
    if (!reported && (unseen(change.day) || unseen(change.day - 1))) {
      excused++;
      continue;
    }
    due++;
    if (reported) continue;
    missedByKind[change.kind] = (missedByKind[change.kind] ?? 0) + 1;
    if (examples.length < 10) examples.push(`${change.subjectId}@${change.day}:${change.kind}`);
  }
  return { due, missedByKind, examples, excused };
}
