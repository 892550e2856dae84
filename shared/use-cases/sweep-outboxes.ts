/**
 * The outbox sweeper: a monitor that committed a check but crashed (or lost SNS) before publishing
 * leaves the alerts in the subject's outbox. The sweeper republishes outboxes pending longer than a
 * grace period — with their own alert ids, so subscribers dedupe — and clears them, and reports the
 * age of the oldest outbox still pending, which the operations alarm watches.
 */
import { reasonOf } from '#shared/errors.ts';
import { completePendingCheck } from './monitor-subject.ts';
import type { AlertPublisher, SubjectStore } from './ports.ts';

export interface SweepOutboxesDependencies {
  readonly store: Pick<
    SubjectStore,
    'pendingOutboxes' | 'get' | 'clearOutbox' | 'appendHistory' | 'appendAlerts'
  >;
  readonly publisher: AlertPublisher;
  now(): Date;
}

export interface SweepOutboxesSettings {
  /** Outboxes younger than this belong to a monitor that may still be publishing. @default 5 */
  readonly graceMinutes?: number;
  /** Subjects swept per invocation. @default 200 */
  readonly limit?: number;
}

export interface SweepOutboxesResult {
  /** Subjects whose outbox was republished and cleared. */
  readonly swept: number;
  readonly alerts: number;
  /** Subjects whose republish failed, with why; left pending for the next sweep. */
  readonly failures: readonly { readonly subjectId: string; readonly reason: string }[];
  /** Age of the oldest outbox still pending after the sweep; 0 when none is. */
  readonly oldestPendingSeconds: number;
}

/**
 * Republishes and clears outboxes pending for longer than the grace period.
 *
 * @example
 * const { swept, oldestPendingSeconds } = await sweepOutboxes({ store, publisher, now: () => new Date() });
 */
export async function sweepOutboxes(
  deps: SweepOutboxesDependencies,
  settings: SweepOutboxesSettings = {},
): Promise<SweepOutboxesResult> {
  const now = deps.now();
  const graceMs = (settings.graceMinutes ?? 5) * 60_000;
  const olderThan = new Date(now.getTime() - graceMs).toISOString();
  const ids = await deps.store.pendingOutboxes(olderThan, settings.limit ?? 200);
  let swept = 0;
  let alerts = 0;
  const failures: { subjectId: string; reason: string }[] = [];
  for (const id of ids) {
    const state = await deps.store.get(id);
    if (!state || state.outbox.length === 0) continue;
    try {
      // Clearing is conditional on the version: a newer check that replaced the outbox keeps its own.
      await completePendingCheck(state, deps);
      swept++;
      alerts += state.outbox.length;
    } catch (error) {
      failures.push({ subjectId: id, reason: reasonOf(error) });
    }
  }
  return { swept, alerts, failures, oldestPendingSeconds: await oldestPendingSeconds(deps, now) };
}

async function oldestPendingSeconds(deps: SweepOutboxesDependencies, now: Date): Promise<number> {
  // The outbox index is sorted by `outboxSince`: its first entry is the oldest.
  const [oldest] = await deps.store.pendingOutboxes(now.toISOString(), 1);
  if (oldest === undefined) return 0;
  const since = (await deps.store.get(oldest))?.outboxSince;
  if (!since) return 0;
  return Math.max(0, Math.round((now.getTime() - Date.parse(since)) / 1000));
}
