/**
 * A backtest over an exported history (`credmon backtest --export DIR`): the stored assessments and
 * alerts of a DynamoDB export (shared/analytics/export.ts) become per-subject histories, judged by
 * the same metrics as the simulator's backtest (shared/domain/risk/backtest.ts).
 */
import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { z } from 'zod';
import { EventType } from '#shared/domain/events.ts';
import { RiskClass } from '#shared/domain/risk/assessment.ts';
import {
  type BacktestMetrics,
  backtestMetrics,
  type HistoryAssessment,
  historyObservations,
  type SubjectHistory,
} from '#shared/domain/risk/backtest.ts';
import { SubjectState } from '#shared/domain/snapshot.ts';
import { InputError } from '#shared/errors.ts';
import { readExport } from './export.ts';

type Item = Record<string, AttributeValue>;

const IsoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}/, 'expected an ISO date');

/** The fields of a history item (`entity: snapshot`) a backtest reads. */
const SnapshotFields = z.object({
  subjectId: z.string().min(1),
  checkedAt: IsoDate,
  pd: z.coerce.number().min(0).max(1),
  class: RiskClass,
  state: SubjectState,
});

/** The fields of an alert item (`entity: alert`) a backtest reads. */
const AlertFields = z.object({
  subjectId: z.string().min(1),
  type: EventType,
  detectedAt: IsoDate,
});

export interface ExportBacktestOptions {
  /** The export directory (as `credmon query` takes it). */
  readonly dir: string;
  /** Observation date `YYYY-MM-DD`; default: the first day with an assessment. */
  readonly asOf?: string;
  /** Defaults within this many days after the observation date count. */
  readonly days: number;
}

export interface ExportBacktestResult extends BacktestMetrics {
  readonly asOf: string;
  /** Days after the observation date the export actually covers, at most the requested horizon. */
  readonly horizonDays: number;
  readonly excluded: number;
  readonly notYetAssessed: number;
  /** The export's last check date: the end of what it can show. */
  readonly lastDate: string;
}

/**
 * Backtests the PDs stored in an export against the defaults the same export recorded later.
 * Throws {@link InputError} naming the export, the item and the field when an item is malformed.
 *
 * @example
 * const result = runExportBacktest({ dir: 'exports', days: 365 });
 * result.auc; // e.g. 0.81, or null when nobody (or everybody) defaulted
 */
export function runExportBacktest(options: ExportBacktestOptions): ExportBacktestResult {
  const { dataFiles } = readExport(options.dir);
  const histories = new Map<
    string,
    { assessments: HistoryAssessment[]; alerts: SubjectHistory['alerts'][number][] }
  >();
  const historyOf = (subjectId: string) => {
    let history = histories.get(subjectId);
    if (!history) {
      history = { assessments: [], alerts: [] };
      histories.set(subjectId, history);
    }
    return history;
  };
  let firstDate: string | null = null;
  let lastDate: string | null = null;
  for (const { item, where } of exportLines(dataFiles)) {
    const entity = item.entity?.S;
    if (entity === 'snapshot') {
      const fields = parseItem(where, SnapshotFields, {
        subjectId: item.subjectId?.S,
        checkedAt: item.checkedAt?.S,
        pd: item.risk?.M?.pd?.N,
        class: item.riskClass?.S,
        state: item.snapshot?.M?.status?.M?.state?.S,
      });
      historyOf(fields.subjectId).assessments.push(fields);
      const date = fields.checkedAt.slice(0, 10);
      if (firstDate === null || date < firstDate) firstDate = date;
      if (lastDate === null || date > lastDate) lastDate = date;
    } else if (entity === 'subject') {
      // Checks that found nothing new leave no history item, only the subject's last check time.
      const checked = item.lastCheckedAt?.S;
      if (checked !== undefined && IsoDate.safeParse(checked).success) {
        const date = checked.slice(0, 10);
        if (lastDate === null || date > lastDate) lastDate = date;
      }
    } else if (entity === 'alert') {
      const fields = parseItem(where, AlertFields, {
        subjectId: item.subjectId?.S,
        type: item.type?.S,
        detectedAt: item.detectedAt?.S,
      });
      historyOf(fields.subjectId).alerts.push(fields);
    }
  }
  if (firstDate === null || lastDate === null) {
    throw new InputError(`${options.dir}: the export holds no assessments (no items with entity "snapshot")`);
  }
  const asOf = options.asOf ?? firstDate;
  const covered = Math.round((Date.parse(lastDate) - Date.parse(asOf)) / 86_400_000);
  if (covered <= 0) {
    throw new InputError(
      `--as-of ${asOf}: the export's checks end on ${lastDate}, so nothing after the observation date can be seen`,
    );
  }
  const horizonDays = Math.min(options.days, covered);
  const { observations, excluded, notYetAssessed } = historyObservations(
    histories.values(),
    asOf,
    horizonDays,
  );
  return {
    ...backtestMetrics(observations),
    asOf,
    horizonDays,
    excluded,
    notYetAssessed,
    lastDate,
  };
}

/** Where each projected field lives in an exported item, for error messages. */
const ATTRIBUTE_PATHS: Readonly<Record<string, string>> = {
  subjectId: 'subjectId',
  checkedAt: 'checkedAt',
  pd: 'risk.pd',
  class: 'riskClass',
  state: 'snapshot.status.state',
  type: 'type',
  detectedAt: 'detectedAt',
};

/** Every item of the export's data files with its `file:line`, for errors that say where. */
function* exportLines(dataFiles: readonly string[]): Generator<{ item: Item; where: string }> {
  for (const file of dataFiles) {
    const lines = gunzipSync(readFileSync(file)).toString('utf8').split('\n');
    for (let index = 0; index < lines.length; index++) {
      const line = lines[index];
      if (line === undefined || line === '') continue;
      const where = `${file}:${index + 1}`;
      let parsed: unknown;
      try {
        parsed = JSON.parse(line);
      } catch (error) {
        throw new InputError(`${where}: not valid JSON`, { cause: error });
      }
      const item = (parsed as { Item?: unknown }).Item;
      if (typeof item !== 'object' || item === null) {
        throw new InputError(`${where}: expected a line {"Item": {...}}`);
      }
      yield { item: item as Item, where };
    }
  }
}

function parseItem<T>(where: string, schema: z.ZodType<T>, fields: Record<string, unknown>): T {
  const parsed = schema.safeParse(fields);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  const key = String(issue?.path[0] ?? '');
  const field = ATTRIBUTE_PATHS[key] ?? key;
  throw new InputError(`${where}: ${field}: ${issue?.message ?? 'invalid'}`);
}
