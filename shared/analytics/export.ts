/**
 * A local stand-in for DynamoDB's export to S3 (ExportTableToPointInTime, DYNAMODB_JSON): writes the
 * same layout into a directory, so that the analysts' queries read a local export exactly as Athena
 * reads the real one:
 *
 * ```
 * <out>/AWSDynamoDB/<exportId>/_started
 * <out>/AWSDynamoDB/<exportId>/manifest-summary.json   (+ .checksum)
 * <out>/AWSDynamoDB/<exportId>/manifest-files.json     (+ .checksum; one JSON object a line)
 * <out>/AWSDynamoDB/<exportId>/data/<name>.json.gz     (one {"Item": {…DynamoDB JSON…}} a line)
 * ```
 *
 * The export service reads the table's backup, not the table; locally a Scan is that emulator.
 */
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, join, relative } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { type AttributeValue, type DynamoDBClient, ScanCommand } from '@aws-sdk/client-dynamodb';
import { z } from 'zod';
import { InputError } from '#shared/errors.ts';

export interface ExportOptions {
  readonly dynamodb: DynamoDBClient;
  readonly tableName: string;
  /** Directory that stands for the bucket and prefix. */
  readonly outDir: string;
  /** @default 'eu-north-1' */
  readonly region?: string;
  /** @default 4 — a real export writes at least one file per table partition */
  readonly files?: number;
  readonly now?: () => Date;
}

export const ManifestSummary = z.object({
  version: z.literal('2020-06-30'),
  exportArn: z.string(),
  startTime: z.string(),
  endTime: z.string(),
  tableArn: z.string(),
  tableId: z.string(),
  exportTime: z.string(),
  s3Bucket: z.string(),
  s3Prefix: z.string().nullable(),
  s3SseAlgorithm: z.string(),
  s3SseKmsKeyId: z.string().nullable(),
  manifestFilesS3Key: z.string(),
  billedSizeBytes: z.number().int().nonnegative(),
  itemCount: z.number().int().nonnegative(),
  outputFormat: z.literal('DYNAMODB_JSON'),
  exportType: z.enum(['FULL_EXPORT', 'INCREMENTAL_EXPORT']),
});
export type ManifestSummary = z.infer<typeof ManifestSummary>;

export const ManifestFileEntry = z.object({
  itemCount: z.number().int().nonnegative(),
  md5: z.string(),
  etag: z.string(),
  dataFileS3Key: z.string(),
});
export type ManifestFileEntry = z.infer<typeof ManifestFileEntry>;

export interface ExportResult {
  readonly exportId: string;
  /** `<out>/AWSDynamoDB/<exportId>`. */
  readonly directory: string;
  readonly itemCount: number;
  /** Absolute paths of the data files. */
  readonly dataFiles: readonly string[];
}

/**
 * Scans the table and writes a full export in DynamoDB's layout.
 *
 * @example
 * const { exportId, itemCount } = await writeTableExport({ dynamodb, tableName: 'credmon', outDir: 'exports' });
 */
export async function writeTableExport(options: ExportOptions): Promise<ExportResult> {
  const now = options.now ?? (() => new Date());
  const region = options.region ?? 'eu-north-1';
  const fileCount = options.files ?? 4;
  const startTime = now().toISOString();
  // DynamoDB's export ids: 14 digits of epoch milliseconds, a dash, 8 hex digits.
  const exportId = `${String(Date.parse(startTime)).padStart(14, '0')}-${randomBytes(4).toString('hex')}`;
  const prefix = `AWSDynamoDB/${exportId}`;
  const directory = join(options.outDir, prefix);
  mkdirSync(join(directory, 'data'), { recursive: true });
  writeFileSync(join(directory, '_started'), '');

  const lines: string[][] = Array.from({ length: fileCount }, () => []);
  let itemCount = 0;
  let exclusiveStartKey: Record<string, AttributeValue> | undefined;
  do {
    const page = await options.dynamodb.send(
      new ScanCommand({ TableName: options.tableName, ExclusiveStartKey: exclusiveStartKey }),
    );
    for (const item of page.Items ?? []) {
      const line = JSON.stringify({ Item: toDynamoJson(item) });
      // Like a partition's hashed key space: a subject's items land in one file.
      const bucket =
        createHash('md5')
          .update(String(item.pk?.S ?? ''))
          .digest()
          .readUInt32BE(0) % fileCount;
      lines[bucket]?.push(line);
      itemCount++;
    }
    exclusiveStartKey = page.LastEvaluatedKey;
  } while (exclusiveStartKey);

  const entries: ManifestFileEntry[] = [];
  const dataFiles: string[] = [];
  let billedSizeBytes = 0;
  for (const fileLines of lines) {
    const body = fileLines.length > 0 ? `${fileLines.join('\n')}\n` : '';
    billedSizeBytes += Buffer.byteLength(body);
    const gz = gzipSync(body);
    const name = `${randomBytes(13).toString('hex').slice(0, 26)}.json.gz`;
    const path = join(directory, 'data', name);
    writeFileSync(path, gz);
    dataFiles.push(path);
    const md5 = createHash('md5').update(gz);
    entries.push({
      itemCount: fileLines.length,
      md5: md5.copy().digest('base64'),
      etag: md5.digest('hex'),
      dataFileS3Key: `${prefix}/data/${name}`,
    });
  }
  const manifestFiles = `${entries.map((entry) => JSON.stringify(entry)).join('\n')}\n`;
  writeFileSync(join(directory, 'manifest-files.json'), manifestFiles);
  writeFileSync(join(directory, 'manifest-files.checksum'), checksum(manifestFiles));

  const tableArn = `arn:aws:dynamodb:${region}:000000000000:table/${options.tableName}`;
  const summary: ManifestSummary = {
    version: '2020-06-30',
    exportArn: `${tableArn}/export/${exportId}`,
    startTime,
    endTime: now().toISOString(),
    tableArn,
    tableId: createHash('sha256').update(tableArn).digest('hex').slice(0, 32),
    exportTime: startTime,
    s3Bucket: 'local',
    s3Prefix: null,
    s3SseAlgorithm: 'AES256',
    s3SseKmsKeyId: null,
    manifestFilesS3Key: `${prefix}/manifest-files.json`,
    billedSizeBytes,
    itemCount,
    outputFormat: 'DYNAMODB_JSON',
    exportType: 'FULL_EXPORT',
  };
  const summaryText = `${JSON.stringify(summary)}\n`;
  writeFileSync(join(directory, 'manifest-summary.json'), summaryText);
  writeFileSync(join(directory, 'manifest-summary.checksum'), checksum(summaryText));
  return { exportId, directory, itemCount, dataFiles };
}

/** An export found on disk: its summary and data files (validated against the manifests). */
export interface ExportOnDisk {
  readonly directory: string;
  readonly summary: ManifestSummary;
  readonly dataFiles: readonly string[];
}

/**
 * Finds the export in `dir`: `dir` itself when it holds manifest-summary.json, otherwise the
 * newest `AWSDynamoDB/<exportId>` under it. Throws {@link InputError} naming the file at fault.
 *
 * @example
 * readExport('exports').dataFiles; // ['/…/AWSDynamoDB/01767…-1a2b3c4d/data/….json.gz', …]
 */
export function readExport(dir: string): ExportOnDisk {
  const directory = locateExport(dir);
  const summaryFile = join(directory, 'manifest-summary.json');
  const summary = parseJson(summaryFile, readFileSync(summaryFile, 'utf8'), ManifestSummary, 1);
  const filesFile = join(directory, 'manifest-files.json');
  if (!existsSync(filesFile))
    throw new InputError(`${filesFile}: missing (an export lists its data files there)`);
  const dataFiles = readFileSync(filesFile, 'utf8')
    .split('\n')
    .map((line, index) => ({ line, number: index + 1 }))
    .filter(({ line }) => line.trim() !== '')
    .map(({ line, number }) => {
      const entry = parseJson(filesFile, line, ManifestFileEntry, number);
      // Keys carry the bucket prefix; locally the data files sit next to the manifests.
      const path = join(directory, 'data', basename(entry.dataFileS3Key));
      if (!existsSync(path))
        throw new InputError(`${filesFile}:${number}: data file ${relative(dir, path)} is missing`);
      return path;
    });
  return { directory, summary, dataFiles };
}

/** Reads every item of an export (for tests and small tools; DuckDB reads the files itself). */
export function readExportItems(dir: string): Record<string, AttributeValue>[] {
  return readExport(dir).dataFiles.flatMap((file) =>
    gunzipSync(readFileSync(file))
      .toString('utf8')
      .split('\n')
      .filter((line) => line !== '')
      .map((line) => (JSON.parse(line) as { Item: Record<string, AttributeValue> }).Item),
  );
}

function locateExport(dir: string): string {
  if (existsSync(join(dir, 'manifest-summary.json'))) return dir;
  const base = join(dir, 'AWSDynamoDB');
  const ids = existsSync(base)
    ? readdirSync(base).filter((id) => existsSync(join(base, id, 'manifest-summary.json')))
    : [];
  // Export ids start with the epoch milliseconds: the largest is the newest.
  const newest = ids.sort().at(-1);
  if (!newest)
    throw new InputError(
      `${dir}: no DynamoDB export here (expected AWSDynamoDB/<exportId>/manifest-summary.json)`,
    );
  return join(base, newest);
}

function parseJson<T>(file: string, text: string, schema: z.ZodType<T>, line: number): T {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new InputError(`${file}:${line}: not valid JSON`, { cause: error });
  }
  const parsed = schema.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new InputError(`${file}:${line}: ${issue?.path.join('.') || '(root)'}: ${issue?.message}`);
  }
  return parsed.data;
}

function checksum(text: string): string {
  return `${createHash('md5').update(text).digest('base64')}\n`;
}

/** The SDK's AttributeValue is DynamoDB JSON already, except binary values (base64 in JSON). */
function toDynamoJson(item: Record<string, AttributeValue>): Record<string, unknown> {
  const convert = (value: AttributeValue): unknown => {
    if (value.B !== undefined) return { B: Buffer.from(value.B).toString('base64') };
    if (value.BS !== undefined) return { BS: value.BS.map((b) => Buffer.from(b).toString('base64')) };
    if (value.M !== undefined)
      return { M: Object.fromEntries(Object.entries(value.M).map(([k, v]) => [k, convert(v)])) };
    if (value.L !== undefined) return { L: value.L.map(convert) };
    return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined));
  };
  return Object.fromEntries(Object.entries(item).map(([key, value]) => [key, convert(value)]));
}
