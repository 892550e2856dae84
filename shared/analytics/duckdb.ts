/**
 * The analysts' queries on this machine: DuckDB over a DynamoDB-JSON export (shared/analytics/
 * export.ts). The export's gzipped lines become a relation `items` (one JSON column `item`); the
 * views `subjects`, `snapshots`, `alerts` flatten it into typed columns (views.ts), and named
 * queries or raw SQL run over them.
 */
import { type DuckDBConnection, DuckDBInstance, type DuckDBValue } from '@duckdb/node-api';
import { readExport } from './export.ts';
import { bindParameters, type NamedQuery } from './queries.ts';
import { duckdbViewStatements } from './views.ts';

/** A query's answer: column names in order and one plain JSON object per row. */
export interface QueryResult {
  readonly columns: readonly string[];
  readonly rows: readonly Record<string, string | number | boolean | null>[];
}

export interface ExportDatabase {
  /** Runs a named query with its parameters (defaults where not given). */
  named(query: NamedQuery, parameters?: Readonly<Record<string, string>>): Promise<QueryResult>;
  /** Runs raw SQL over the views. */
  sql(sql: string, values?: readonly string[]): Promise<QueryResult>;
  close(): void;
}

const INTEGER_TYPES = new Set(['BIGINT', 'HUGEINT', 'UBIGINT', 'UHUGEINT']);

/**
 * Opens an in-memory DuckDB over the export in `exportDir` (see readExport for what it accepts).
 *
 * @example
 * const db = await openExport('exports');
 * try { (await db.named(findNamedQuery('risk-distribution')!)).rows; } finally { db.close(); }
 */
export async function openExport(exportDir: string): Promise<ExportDatabase> {
  const { dataFiles } = readExport(exportDir);
  const instance = await DuckDBInstance.create(':memory:');
  const connection = await instance.connect();
  try {
    const files = dataFiles.map((file) => `'${file.replaceAll("'", "''")}'`).join(', ');
    // Typed as JSON, not auto-detected: items of different entities share no schema.
    await connection.run(
      `CREATE VIEW items AS SELECT Item AS item FROM read_json([${files}], format = 'newline_delimited', columns = {Item: 'JSON'})`,
    );
    for (const statement of duckdbViewStatements()) await connection.run(statement);
  } catch (error) {
    connection.closeSync();
    instance.closeSync();
    throw error;
  }
  const sql = (text: string, values: readonly string[] = []) => run(connection, text, values);
  return {
    sql,
    named(query, parameters = {}) {
      const bound = bindParameters(query, parameters);
      return sql(bound.sql, bound.values);
    },
    close() {
      connection.closeSync();
      instance.closeSync();
    },
  };
}

async function run(
  connection: DuckDBConnection,
  sql: string,
  values: readonly string[],
): Promise<QueryResult> {
  const reader = await connection.runAndReadAll(
    sql,
    values.length > 0 ? ([...values] as DuckDBValue[]) : undefined,
  );
  const columns = reader.columnNames();
  const types = reader.columnTypes().map((type) => type.toString());
  const rows = reader.getRowObjectsJson().map((row) => {
    const plain: Record<string, string | number | boolean | null> = {};
    columns.forEach((column, index) => {
      const value = row[column];
      // BIGINTs come back as strings in JSON form; counts and versions fit a double.
      if (typeof value === 'string' && INTEGER_TYPES.has(types[index] ?? '')) plain[column] = Number(value);
      else if (value === null || value === undefined) plain[column] = null;
      else if (typeof value === 'object') plain[column] = JSON.stringify(value);
      else plain[column] = value;
    });
    return plain;
  });
  return { columns, rows };
}
