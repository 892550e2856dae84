/**
 * The scheduled table export: asks DynamoDB for a point-in-time export to S3 (full, or
 * incremental over the last window) into a daily partition that the Glue table projects.
 * DynamoDB runs the export itself; this function only starts it.
 */
import { type DynamoDBClient, ExportTableToPointInTimeCommand } from '@aws-sdk/client-dynamodb';
import { z } from 'zod';

/** What the schedule sends: which kind of export, and for incremental ones the window. */
export const ExportRequest = z.strictObject({
  type: z.enum(['full', 'incremental']),
  /** Incremental exports cover the last `windowMinutes` (DynamoDB allows 15 minutes to 24 hours). */
  windowMinutes: z.int().min(15).max(1440).optional(),
});
export type ExportRequest = z.infer<typeof ExportRequest>;

export interface ExportTableSettings {
  readonly tableArn: string;
  readonly bucket: string;
  /** KMS key of the bucket: export files are encrypted with it. */
  readonly kmsKeyId: string;
  /** @default 'exports' */
  readonly prefix?: string;
}

/** Where an export of `type` started at `now` lands: the Glue table reads `<prefix>/full/dt=…/`. */
export function exportPrefix(prefix: string, type: ExportRequest['type'], now: Date): string {
  return `${prefix}/${type}/dt=${now.toISOString().slice(0, 10)}`;
}

/**
 * @example
 * const handler = createExportTableHandler({ dynamodb, now: () => new Date(), settings });
 * await handler({ type: 'full' }); // { exportArn: 'arn:aws:dynamodb:…/export/…', s3Prefix: 'exports/full/dt=2026-07-15' }
 */
export function createExportTableHandler(deps: {
  readonly dynamodb: DynamoDBClient;
  readonly now: () => Date;
  readonly settings: ExportTableSettings;
}) {
  return async (event: unknown): Promise<{ exportArn: string; s3Prefix: string }> => {
    const request = ExportRequest.parse(event);
    const now = deps.now();
    const s3Prefix = exportPrefix(deps.settings.prefix ?? 'exports', request.type, now);
    const window = (request.windowMinutes ?? 60) * 60_000;
    const result = await deps.dynamodb.send(
      new ExportTableToPointInTimeCommand({
        TableArn: deps.settings.tableArn,
        S3Bucket: deps.settings.bucket,
        S3Prefix: s3Prefix,
        S3SseAlgorithm: 'KMS',
        S3SseKmsKeyId: deps.settings.kmsKeyId,
        ExportFormat: 'DYNAMODB_JSON',
        // One export per kind and period even when the scheduler delivers twice.
        ClientToken: `${request.type}-${now.toISOString().slice(0, request.type === 'full' ? 10 : 16)}`,
        ...(request.type === 'full'
          ? { ExportType: 'FULL_EXPORT' as const }
          : {
              ExportType: 'INCREMENTAL_EXPORT' as const,
              IncrementalExportSpecification: {
                ExportFromTime: new Date(now.getTime() - window),
                ExportToTime: now,
                ExportViewType: 'NEW_AND_OLD_IMAGES' as const,
              },
            }),
      }),
    );
    return { exportArn: result.ExportDescription?.ExportArn ?? '', s3Prefix };
  };
}
