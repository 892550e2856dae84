/**
 * `credmon export` and `credmon query`: the analysts' door on this machine. `export` writes the
 * data directory's table in DynamoDB's export-to-S3 layout; `query` runs the named analyst queries
 * (the same ones Athena runs on the scheduled export in AWS) or raw SQL on it with DuckDB.
 */
import { resolve } from 'node:path';
import { openExport, type QueryResult } from '#shared/analytics/duckdb.ts';
import { writeTableExport } from '#shared/analytics/export.ts';
import { findNamedQuery, NAMED_QUERIES } from '#shared/analytics/queries.ts';
import { openDataDir } from '#shared/local/open-data-dir.ts';
import { describeFlags, parseFlags, UsageError } from './args.ts';
import type { CliCommand } from './command.ts';

const EXPORT_FLAGS = {
  out: { kind: 'string', description: 'directory to write the export into (stands for the S3 bucket)' },
  'data-dir': { kind: 'string', default: '.credmon', description: 'data directory of the local stack' },
  json: {
    kind: 'boolean',
    default: false,
    description: 'print one JSON line {exportId, directory, itemCount}',
  },
} as const;

const EXPORT_HELP = `Usage: credmon export --out DIR [flags]

Writes the data directory's table as a DynamoDB point-in-time export (DYNAMODB_JSON):
DIR/AWSDynamoDB/<exportId>/manifest-summary.json, manifest-files.json and data/*.json.gz.

${describeFlags(EXPORT_FLAGS)}`;

/**
 * Exports a data directory's table in DynamoDB's export layout.
 *
 * @example
 * await exportDataDir('.credmon', 'exports'); // { exportId: '01767…-1a2b3c4d', itemCount: 1234, … }
 */
export async function exportDataDir(dataDir: string, outDir: string) {
  // Through a serving process's endpoints when one holds the directory, else on its files.
  const data = await openDataDir(dataDir);
  try {
    return await writeTableExport({
      dynamodb: data.composition.clients.dynamodbRaw,
      tableName: data.config.tableName,
      outDir,
      region: data.config.region,
    });
  } finally {
    await data.close();
  }
}

export const exportCommand: CliCommand = {
  name: 'export',
  summary: 'write the table as a DynamoDB export (manifests + gzipped DynamoDB JSON)',
  help: EXPORT_HELP,
  async run(argv, io) {
    const { flags, help } = parseFlags(argv, EXPORT_FLAGS);
    if (help) {
      io.stdout.write(`${EXPORT_HELP}\n`);
      return 0;
    }
    if (!flags.out) throw new UsageError('missing --out DIR');
    const result = await exportDataDir(resolve(io.cwd, flags['data-dir']), resolve(io.cwd, flags.out));
    const line = { exportId: result.exportId, directory: result.directory, itemCount: result.itemCount };
    io.stdout.write(
      flags.json
        ? `${JSON.stringify(line)}\n`
        : `exported ${result.itemCount} items to ${result.directory}\n`,
    );
    return 0;
  },
};

const QUERY_FLAGS = {
  export: { kind: 'string', description: 'directory written by credmon export' },
  json: { kind: 'boolean', default: false, description: 'print one JSON object per row' },
  from: { kind: 'string', description: 'period start (YYYY-MM-DD) for queries over a period' },
  to: { kind: 'string', description: 'period end (YYYY-MM-DD) for queries over a period' },
} as const;

const QUERY_HELP = `Usage: credmon query NAME|SQL --export DIR [flags]

Runs a named analyst query, or SQL over the views subjects, snapshots and alerts, on an export
with DuckDB. Named queries:
${NAMED_QUERIES.map((query) => `  ${query.name.padEnd(26)}${query.description}`).join('\n')}

${describeFlags(QUERY_FLAGS)}`;

export const queryCommand: CliCommand = {
  name: 'query',
  summary: 'run a named analyst query (or SQL) on an export with DuckDB',
  help: QUERY_HELP,
  async run(argv, io) {
    const { flags, positionals, help } = parseFlags(argv, QUERY_FLAGS, {
      positionals: { min: 1, max: 1, names: 'NAME|SQL' },
    });
    if (help) {
      io.stdout.write(`${QUERY_HELP}\n`);
      return 0;
    }
    if (!flags.export) throw new UsageError('missing --export DIR');
    const text = positionals[0] ?? '';
    const named = findNamedQuery(text);
    if (!named && /^[a-z0-9-]+$/.test(text)) {
      throw new UsageError(
        `unknown query '${text}' (named queries: ${NAMED_QUERIES.map((query) => query.name).join(', ')})`,
      );
    }
    const parameters: Record<string, string> = {};
    for (const name of ['from', 'to'] as const) {
      const value = flags[name];
      if (value === undefined) continue;
      if (!/^\d{4}-\d{2}-\d{2}$/.test(value))
        throw new UsageError(`--${name} must be a date YYYY-MM-DD, got '${value}'`);
      if (!named?.parameters.some((parameter) => parameter.name === name)) {
        throw new UsageError(`--${name} applies only to named queries over a period`);
      }
      parameters[name] = value;
    }
    const db = await openExport(resolve(io.cwd, flags.export));
    try {
      const result = named ? await db.named(named, parameters) : await db.sql(text);
      io.stdout.write(flags.json ? jsonLines(result) : formatTable(result));
    } finally {
      db.close();
    }
    return 0;
  },
};

function jsonLines(result: QueryResult): string {
  return result.rows.map((row) => `${JSON.stringify(row)}\n`).join('');
}

/**
 * A result as an aligned text table, numbers right-aligned, with a row count.
 *
 * @example
 * formatTable({ columns: ['a'], rows: [{ a: 1 }] }); // 'a\n-\n1\n(1 row)\n'
 */
export function formatTable(result: QueryResult): string {
  const cells = result.rows.map((row) => result.columns.map((column) => display(row[column])));
  const widths = result.columns.map((column, index) =>
    Math.max(column.length, ...cells.map((row) => row[index]?.length ?? 0)),
  );
  const numeric = result.columns.map((column) =>
    result.rows.every((row) => row[column] === null || typeof row[column] === 'number'),
  );
  const line = (values: readonly string[]) =>
    values
      .map((value, index) =>
        numeric[index] ? value.padStart(widths[index] ?? 0) : value.padEnd(widths[index] ?? 0),
      )
      .join('  ')
      .trimEnd();
  const count = `(${result.rows.length} row${result.rows.length === 1 ? '' : 's'})`;
  return `${[line(result.columns), line(widths.map((width) => '-'.repeat(width))), ...cells.map(line), count].join('\n')}\n`;
}

function display(value: string | number | boolean | null | undefined): string {
  if (value === null || value === undefined) return '';
  return String(value);
}
