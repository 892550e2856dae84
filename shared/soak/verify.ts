/**
 * The soak's checks, pure: given what the simulator changed, what the store committed and what the
 * subscriber received, count what was lost, duplicated or left behind.
 */
import type { AlertV1 } from '#shared/domain/alert.ts';
import type { SimChange } from '#shared/simulator/types.ts';

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
export function matchChanges(
  changes: readonly SimChange[],
  delivered: readonly AlertV1[],
  startDate: string,
  days: number,
): ChangeMatch {
  const start = Date.parse(`${startDate}T00:00:00Z`);
  const lastAlertDay = new Map<string, number>();
  for (const alert of delivered) {
    if (alert.type === 'baseline') continue;
    const day = Math.floor((Date.parse(alert.detectedAt) - start) / 86_400_000);
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
