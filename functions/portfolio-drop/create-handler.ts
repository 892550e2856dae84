/**
 * The S3 drop folder: an ERP puts a portfolio CSV into the bucket, S3 ObjectCreated invokes this
 * function, the file is imported and a result report (`<key>.result.json`: imported, unchanged,
 * rejected rows with line and reason, or the reason the whole file was refused) is written next
 * to it. Wiring only: the work is importPortfolio(). Re-delivered events import nothing twice.
 */
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import middy from '@middy/core';
import type { EventBridgeEvent, S3Event } from 'aws-lambda';
import { InputError, reasonOf } from '#shared/errors.ts';
import type { Observability } from '#shared/observability.ts';
import { importPortfolio, type PortfolioDependencies } from '#shared/use-cases/import-portfolio.ts';

/** Reads and writes objects of the drop bucket (S3 in AWS; anything in tests). */
export interface ObjectStore {
  get(bucket: string, key: string): Promise<Uint8Array>;
  put(bucket: string, key: string, body: string, contentType: string): Promise<void>;
}

export interface PortfolioDropDependencies extends Observability {
  readonly portfolio: PortfolioDependencies;
  readonly objects: ObjectStore;
}

/** The report written next to each dropped file. */
export type DropReport =
  | {
      readonly file: string;
      readonly status: 'imported';
      readonly imported: number;
      readonly unchanged: number;
      readonly rejected: { line: number; reason: string }[];
    }
  | { readonly file: string; readonly status: 'refused'; readonly error: string };

/** S3 → EventBridge "Object Created" (as deployed), or an S3 event notification. */
export type DropEvent =
  | S3Event
  | EventBridgeEvent<'Object Created', { bucket: { name: string }; object: { key: string } }>;

/** The objects an event announces; EventBridge keys are plain, notification keys URL-encoded. */
export function droppedObjects(event: DropEvent): { bucket: string; key: string }[] {
  if ('Records' in event) {
    return event.Records.map((record) => ({
      bucket: record.s3.bucket.name,
      key: decodeURIComponent(record.s3.object.key.replace(/\+/g, ' ')),
    }));
  }
  return [{ bucket: event.detail.bucket.name, key: event.detail.object.key }];
}

/** Key of the report of a dropped file. */
export const reportKeyOf = (key: string) => `${key}.result.json`;

/**
 * @example
 * export const handler = createPortfolioDropHandler({ portfolio, objects: s3ObjectStore(s3), logger, metrics });
 */
export function createPortfolioDropHandler(deps: PortfolioDropDependencies) {
  const { logger, metrics } = deps;
  const lambdaHandler = async (event: DropEvent): Promise<void> => {
    for (const { bucket, key } of droppedObjects(event)) {
      if (!key.toLowerCase().endsWith('.csv')) continue;
      const report = await importOne(bucket, key);
      await deps.objects.put(
        bucket,
        reportKeyOf(key),
        `${JSON.stringify(report, null, 2)}\n`,
        'application/json',
      );
      logger.info('portfolio file', {
        key,
        status: report.status,
        ...(report.status === 'imported'
          ? { imported: report.imported, unchanged: report.unchanged, rejected: report.rejected.length }
          : {}),
      });
    }
    metrics.publishStoredMetrics();
  };

  const importOne = async (bucket: string, key: string): Promise<DropReport> => {
    const bytes = await deps.objects.get(bucket, key);
    try {
      const result = await importPortfolio(bytes, key, deps.portfolio);
      metrics.addMetric('SubjectsImported', MetricUnit.Count, result.imported);
      metrics.addMetric('RowsRejected', MetricUnit.Count, result.rejected.length);
      return {
        file: key,
        status: 'imported',
        imported: result.imported,
        unchanged: result.unchanged,
        rejected: result.rejected,
      };
    } catch (error) {
      // A bad file is the sender's to fix: report it; anything else fails the invocation (S3 retries).
      if (!(error instanceof InputError)) throw error;
      metrics.addMetric('FilesRefused', MetricUnit.Count, 1);
      return { file: key, status: 'refused', error: reasonOf(error).replace(/^\w+Error: /, '') };
    }
  };
  return middy(lambdaHandler, { timeoutEarlyInMillis: 0 });
}
