/**
 * How well PDs predicted what happened: discrimination (AUC, Gini), the observed default rate per
 * class, and calibration by PD decile. Pure arithmetic over (PD, class, defaulted) observations, so
 * the simulator's history and an exported history are judged alike.
 */
import { z } from 'zod';
import type { EventType } from '../events.ts';
import type { SubjectState } from '../snapshot.ts';
import { RiskClass } from './assessment.ts';

/** One subject of a backtest: its PD and class at the observation date, and whether it defaulted. */
export interface BacktestObservation {
  readonly pd: number;
  readonly class: RiskClass;
  readonly defaulted: boolean;
}

export const ClassOutcome = z.object({
  count: z.number().int().nonnegative(),
  defaults: z.number().int().nonnegative(),
  /** Observed default rate; null for an empty class. */
  defaultRate: z.number().min(0).max(1).nullable(),
  /** Mean PD the model gave the class; null for an empty class. */
  meanPd: z.number().min(0).max(1).nullable(),
});
export type ClassOutcome = z.infer<typeof ClassOutcome>;

export const CalibrationRow = z.object({
  /** 1 = lowest PDs. */
  decile: z.number().int().min(1).max(10),
  count: z.number().int().nonnegative(),
  minPd: z.number(),
  maxPd: z.number(),
  meanPd: z.number(),
  observedRate: z.number(),
});
export type CalibrationRow = z.infer<typeof CalibrationRow>;

export const BacktestMetrics = z.object({
  subjects: z.number().int().nonnegative(),
  defaults: z.number().int().nonnegative(),
  /** Area under the ROC curve of the PD against observed default; null without both outcomes. */
  auc: z.number().min(0).max(1).nullable(),
  /** 2·AUC − 1 (the accuracy ratio). */
  gini: z.number().min(-1).max(1).nullable(),
  classes: z.record(RiskClass, ClassOutcome),
  calibration: z.array(CalibrationRow),
});
export type BacktestMetrics = z.infer<typeof BacktestMetrics>;

/**
 * AUC (Mann–Whitney: the probability that a random defaulter has a higher PD than a random
 * non-defaulter, ties counting half), Gini, class outcomes and a calibration table of ten
 * equal-count PD deciles (fewer when there are fewer than ten observations).
 *
 * @example
 * const metrics = backtestMetrics([
 *   { pd: 0.01, class: 'B', defaulted: false },
 *   { pd: 0.2, class: 'D', defaulted: true },
 * ]);
 * metrics.auc; // 1
 */
export function backtestMetrics(observations: readonly BacktestObservation[]): BacktestMetrics {
  const sorted = [...observations].sort((a, b) => a.pd - b.pd);
  const n = sorted.length;
  let positives = 0;
  let rankSum = 0;
  // Ranks 1..n with ties sharing their average rank.
  for (let i = 0; i < n; ) {
    let j = i;
    let tiedPositives = 0;
    while (j < n && sorted[j]?.pd === sorted[i]?.pd) {
      if (sorted[j]?.defaulted) tiedPositives++;
      j++;
    }
    rankSum += tiedPositives * ((i + 1 + j) / 2);
    positives += tiedPositives;
    i = j;
  }
  const negatives = n - positives;
  const auc =
    positives > 0 && negatives > 0
      ? (rankSum - (positives * (positives + 1)) / 2) / (positives * negatives)
      : null;

  const classes = {} as Record<RiskClass, ClassOutcome>;
  for (const riskClass of RiskClass.options) {
    let count = 0;
    let defaults = 0;
    let pdSum = 0;
    for (const o of observations) {
      if (o.class !== riskClass) continue;
      count++;
      pdSum += o.pd;
      if (o.defaulted) defaults++;
    }
    classes[riskClass] = {
      count,
      defaults,
      defaultRate: count === 0 ? null : defaults / count,
      meanPd: count === 0 ? null : pdSum / count,
    };
  }

  const buckets = Math.min(10, n);
  const calibration: CalibrationRow[] = [];
  for (let d = 0; d < buckets; d++) {
    const from = Math.floor((d * n) / buckets);
    const to = Math.floor(((d + 1) * n) / buckets);
    let pdSum = 0;
    let defaults = 0;
    for (let i = from; i < to; i++) {
      pdSum += sorted[i]?.pd ?? 0;
      if (sorted[i]?.defaulted) defaults++;
    }
    const count = to - from;
    calibration.push({
      decile: d + 1,
      count,
      minPd: sorted[from]?.pd ?? 0,
      maxPd: sorted[to - 1]?.pd ?? 0,
      meanPd: count === 0 ? 0 : pdSum / count,
      observedRate: count === 0 ? 0 : defaults / count,
    });
  }

  return {
    subjects: n,
    defaults: positives,
    auc,
    gini: auc === null ? null : 2 * auc - 1,
    classes,
    calibration,
  };
}

/**
 * Whether observed default rates strictly increase from A to D, over the classes that have
 * subjects (an empty class neither breaks nor proves the order).
 *
 * @example
 * ratesIncrease(metrics.classes); // true when A < B < C < D among non-empty classes
 */
export function ratesIncrease(classes: Readonly<Record<RiskClass, ClassOutcome>>): boolean {
  let previous = -1;
  for (const riskClass of RiskClass.options) {
    const rate = classes[riskClass].defaultRate;
    if (rate === null) continue;
    if (!(rate > previous)) return false;
    previous = rate;
  }
  return true;
}

/**
 * States that take a subject out of a backtest's population on the observation date: already in
 * default (bankruptcy) or no longer existing, so it can no longer default.
 */
export const OUT_OF_POPULATION: ReadonlySet<SubjectState> = new Set<SubjectState>([
  'bankruptcy',
  'dissolved',
  'removed',
  'deceased',
  'emigrated',
]);

/**
 * Alert types that mark a material default in a monitored history, as the risk model defines its
 * PD: insolvency (bankruptcy, administration or another restructuring) or a debt-collection case.
 * Days beyond terms are not in the history (the ledger is the company's own), so 90+ days past due
 * does not show here.
 */
export const DEFAULT_ALERT_TYPES: ReadonlySet<EventType> = new Set<EventType>([
  'bankruptcy',
  'restructuring',
  'debt-collection-opened',
]);

/** One stored assessment of a subject: when it was checked, its PD and class, its state then. */
export interface HistoryAssessment {
  /** ISO timestamp or `YYYY-MM-DD`; only the date counts. */
  readonly checkedAt: string;
  readonly pd: number;
  readonly class: RiskClass;
  readonly state: SubjectState;
}

/** A subject's monitored history: its assessments and the alerts it raised. */
export interface SubjectHistory {
  readonly assessments: readonly HistoryAssessment[];
  readonly alerts: readonly { readonly type: EventType; readonly detectedAt: string }[];
}

export interface HistoryObservations {
  readonly observations: BacktestObservation[];
  /** Subjects whose state on the observation date took them out of the population. */
  readonly excluded: number;
  /** Subjects without an assessment on or before the observation date (enrolled later). */
  readonly notYetAssessed: number;
}

/**
 * Turns monitored histories into backtest observations: each subject's latest assessment on or
 * before `asOf` is the prediction, and it defaulted if a {@link DEFAULT_ALERT_TYPES} alert was
 * detected after `asOf` and within `horizonDays`. Dates compare as `YYYY-MM-DD`.
 *
 * @example
 * historyObservations([{ assessments: [{ checkedAt: '2026-01-05T06:00:00Z', pd: 0.02, class: 'C', state: 'active' }],
 *   alerts: [{ type: 'bankruptcy', detectedAt: '2026-06-01T06:00:00Z' }] }], '2026-01-31', 365);
 * // { observations: [{ pd: 0.02, class: 'C', defaulted: true }], excluded: 0, notYetAssessed: 0 }
 */
export function historyObservations(
  histories: Iterable<SubjectHistory>,
  asOf: string,
  horizonDays: number,
): HistoryObservations {
  const until = addDays(asOf, horizonDays);
  const observations: BacktestObservation[] = [];
  let excluded = 0;
  let notYetAssessed = 0;
  for (const history of histories) {
    let latest: HistoryAssessment | null = null;
    for (const assessment of history.assessments) {
      const date = assessment.checkedAt.slice(0, 10);
      if (date <= asOf && (latest === null || assessment.checkedAt >= latest.checkedAt)) latest = assessment;
    }
    if (latest === null) {
      notYetAssessed++;
      continue;
    }
    if (OUT_OF_POPULATION.has(latest.state)) {
      excluded++;
      continue;
    }
    const defaulted = history.alerts.some((alert) => {
      const date = alert.detectedAt.slice(0, 10);
      return DEFAULT_ALERT_TYPES.has(alert.type) && date > asOf && date <= until;
    });
    observations.push({ pd: latest.pd, class: latest.class, defaulted });
  }
  return { observations, excluded, notYetAssessed };
}

function addDays(date: string, days: number): string {
  const ms = Date.parse(`${date}T00:00:00Z`) + days * 86_400_000;
  return new Date(ms).toISOString().slice(0, 10);
}
