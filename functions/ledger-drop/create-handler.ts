/**
 * The ledger drop folder: an ERP puts its accounts-receivable ledger (CSV or JSON) under
 * `incoming/` in the bucket, S3 announces it on EventBridge, and this function stores every
 * customer's payment experience on its subject and writes a report to `reports/<name>.result.json`
 * (imported rows, rejected rows with line and reason, customers stored and not monitored, or why
 * the file was refused). Reports live under another prefix so that they never trigger an import.
 * Wiring only: the work is importLedgerBytes(). A re-delivered event stores the same experience again.
 */
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import middy from '@middy/core';
import { z } from 'zod';
import { InputError, reasonOf } from '#shared/errors.ts';
import type { Observability } from '#shared/observability.ts';
import { importLedgerBytes, type PaymentExperienceStore } from '#shared/use-cases/import-ledger.ts';

/** Reads dropped files and writes reports (S3 in AWS; anything in tests). */
export interface ObjectReader {
  get(bucket: string, key: string): Promise<Uint8Array>;
  put(bucket: string, key: string, body: string, contentType: string): Promise<void>;
}

export interface LedgerDropDependencies extends Observability {
  readonly store: PaymentExperienceStore;
  readonly objects: ObjectReader;
}

/** Where files are dropped and where their reports go. */
export const LEDGER_PREFIXES = { incoming: 'incoming/', reports: 'reports/' } as const;

/** S3's "Object Created" event as EventBridge delivers it (only what the function reads). */
export const ObjectCreatedEvent = z.object({
  'detail-type': z.literal('Object Created'),
  /** When S3 saw the object: the payment experience is computed as of this day (UTC). */
  time: z.iso.datetime(),
  detail: z.object({
    bucket: z.object({ name: z.string().min(1) }),
    object: z.object({ key: z.string().min(1) }),
  }),
});
export type ObjectCreatedEvent = z.infer<typeof ObjectCreatedEvent>;

/** The report written for each dropped file. */
export type LedgerDropReport =
  | {
      readonly file: string;
      readonly status: 'imported';
      readonly asOf: string;
      readonly imported: number;
      readonly rejected: { line: number; reason: string }[];
      readonly customers: number;
      readonly stored: number;
      readonly unknown: string[];
    }
  | { readonly file: string; readonly status: 'refused'; readonly error: string };

/**
 * Key of the report of a dropped file: `incoming/a/b.csv` → `reports/a/b.csv.result.json`.
 *
 * @example
 * ledgerReportKeyOf('incoming/ar.csv'); // 'reports/ar.csv.result.json'
 */
export const ledgerReportKeyOf = (key: string): string =>
  `${LEDGER_PREFIXES.reports}${key.startsWith(LEDGER_PREFIXES.incoming) ? key.slice(LEDGER_PREFIXES.incoming.length) : key}.result.json`;

/**
 * @example
 * export const handler = createLedgerDropHandler({ store, objects: s3ObjectStore(s3), logger, metrics, tracer });
 */
export function createLedgerDropHandler(deps: LedgerDropDependencies) {
  const { logger, metrics } = deps;
  const lambdaHandler = async (raw: unknown): Promise<LedgerDropReport | null> => {
    const event = ObjectCreatedEvent.parse(raw);
    const bucket = event.detail.bucket.name;
    // EventBridge keys are URL-encoded like S3 notifications', with '+' for spaces.
    const key = decodeURIComponent(event.detail.object.key.replace(/\+/g, ' '));
    if (!key.startsWith(LEDGER_PREFIXES.incoming)) return null;
    const report = await importOne(bucket, key, event.time.slice(0, 10));
    await deps.objects.put(
      bucket,
      ledgerReportKeyOf(key),
      `${JSON.stringify(report, null, 2)}\n`,
      'application/json',
    );
    // Counts only: customer ids go to the report in the bucket, not to the logs.
    logger.info('ledger file', {
      key,
      status: report.status,
      ...(report.status === 'imported'
        ? { imported: report.imported, rejected: report.rejected.length, stored: report.stored }
        : {}),
    });
    metrics.publishStoredMetrics();
    return report;
  };

  const importOne = async (bucket: string, key: string, asOf: string): Promise<LedgerDropReport> => {
    const bytes = await deps.objects.get(bucket, key);
    try {
      const result = await importLedgerBytes(bytes, key, asOf, deps.store);
      metrics.addMetric('LedgerRowsImported', MetricUnit.Count, result.imported);
      metrics.addMetric('LedgerRowsRejected', MetricUnit.Count, result.rejected.length);
      metrics.addMetric('PaymentExperiencesStored', MetricUnit.Count, result.stored);
      return { file: key, status: 'imported', asOf, ...result };
    } catch (error) {
      // A bad file is the sender's to fix: report it; anything else fails the invocation (retried).
      if (!(error instanceof InputError)) throw error;
      metrics.addMetric('LedgerFilesRefused', MetricUnit.Count, 1);
      return { file: key, status: 'refused', error: reasonOf(error).replace(/^\w+Error: /, '') };
    }
  };
  return middy(lambdaHandler, { timeoutEarlyInMillis: 0 });
}
