/**
 * The per-engine part of the analysts' queries: how the three views (`subjects`, `snapshots`,
 * `alerts`, see VIEW_COLUMNS in queries.ts) are read out of a DynamoDB-JSON export. Every item of
 * the export is one line `{"Item": {...}}`; items are told apart by their `entity` attribute
 * (shared/adapters/store/dynamo-subject-store.ts writes them).
 *
 * DuckDB reads the `Item` as JSON and extracts paths; Athena reads it as a typed struct (the Glue
 * table's schema, {@link GLUE_ITEM_TYPE}) and dereferences fields.
 */
import type { NamedQuery, ViewName } from './queries.ts';

type Extract = (path: string) => string;

/** One column of a view: its name and how to compute it from an export item. */
interface Column {
  readonly name: string;
  /** Builds the expression from an engine's path extractor (path in DynamoDB-JSON, dot-separated). */
  readonly expression: (text: Extract, engine: Engine) => string;
}

export type Engine = 'duckdb' | 'athena';

const text =
  (path: string): Column['expression'] =>
  (extract) =>
    extract(path);
const number =
  (path: string): Column['expression'] =>
  (extract) =>
    `CAST(${extract(path)} AS DOUBLE)`;
const integer =
  (path: string): Column['expression'] =>
  (extract) =>
    `CAST(${extract(path)} AS BIGINT)`;
const isoDate =
  (path: string): Column['expression'] =>
  (extract) =>
    `CAST(SUBSTR(${extract(path)}, 1, 10) AS DATE)`;

const VIEWS: Readonly<Record<ViewName, { entity: string; columns: readonly Column[] }>> = {
  subjects: {
    entity: 'subject',
    columns: [
      { name: 'subject_id', expression: text('subjectId.S') },
      { name: 'kind', expression: text('kind.S') },
      { name: 'country', expression: text('country.S') },
      { name: 'portfolio_id', expression: text('subject.M.portfolioId.S') },
      {
        // Businesses' registered names only: an individual's name never leaves the table.
        name: 'name',
        expression: (extract) =>
          `CASE WHEN ${extract('kind.S')} = 'business' THEN ${extract('snapshot.M.identity.M.name.S')} END`,
      },
      { name: 'tier', expression: text('effectiveTier.S') },
      {
        name: 'monitored',
        expression: (extract, engine) =>
          engine === 'duckdb'
            ? `COALESCE(CAST(${extract('monitored.BOOL')} AS BOOLEAN), FALSE)`
            : `COALESCE(item.monitored.BOOL, FALSE)`,
      },
      { name: 'exposure', expression: number('subject.M.exposure.N') },
      { name: 'credit_limit', expression: number('subject.M.creditLimit.N') },
      { name: 'risk_class', expression: text('riskClass.S') },
      { name: 'pd', expression: number('pd.N') },
      { name: 'version', expression: integer('version.N') },
      { name: 'last_checked_at', expression: text('lastCheckedAt.S') },
      {
        name: 'top_reason',
        expression: (_extract, engine) =>
          engine === 'duckdb'
            ? `item->>'$.risk.M.reasons.L[0].M.text.S'`
            : 'element_at(item.risk.M.reasons.L, 1).M.text.S',
      },
      {
        name: 'actions',
        expression: (_extract, engine) =>
          engine === 'duckdb'
            ? `array_to_string(json_extract_string(item, '$.actions.L[*].M.type.S'), ', ')`
            : `array_join(transform(item.actions.L, action -> action.M.type.S), ', ')`,
      },
    ],
  },
  snapshots: {
    entity: 'snapshot',
    columns: [
      { name: 'subject_id', expression: text('subjectId.S') },
      { name: 'version', expression: integer('version.N') },
      { name: 'risk_class', expression: text('riskClass.S') },
      { name: 'pd', expression: number('risk.M.pd.N') },
      { name: 'checked_at', expression: text('checkedAt.S') },
      { name: 'checked_date', expression: isoDate('checkedAt.S') },
      {
        name: 'changes',
        expression: (_extract, engine) =>
          engine === 'duckdb'
            ? `CAST(COALESCE(json_array_length(item, '$.changes.L'), 0) AS INTEGER)`
            : 'CAST(COALESCE(cardinality(item.changes.L), 0) AS INTEGER)',
      },
    ],
  },
  alerts: {
    entity: 'alert',
    columns: [
      { name: 'alert_id', expression: text('alertId.S') },
      { name: 'subject_id', expression: text('subjectId.S') },
      { name: 'version', expression: integer('version.N') },
      { name: 'type', expression: text('type.S') },
      { name: 'severity', expression: text('severity.S') },
      { name: 'risk_class', expression: text('riskClass.S') },
      { name: 'previous_risk_class', expression: text('previousRiskClass.S') },
      { name: 'portfolio_id', expression: text('portfolioId.S') },
      { name: 'detected_at', expression: text('detectedAt.S') },
      { name: 'detected_date', expression: isoDate('detectedAt.S') },
    ],
  },
};

const duckdbExtract: Extract = (path) => `item->>'$.${path}'`;
const athenaExtract: Extract = (path) => `item.${path}`;

/**
 * The SELECT of one view over a relation `source` with one column `item` (an export item).
 *
 * @example
 * viewSelect('alerts', 'duckdb', 'items'); // "SELECT item->>'$.alertId.S' AS alert_id, … FROM items WHERE …"
 */
export function viewSelect(view: ViewName, engine: Engine, source: string): string {
  const definition = VIEWS[view];
  const extract = engine === 'duckdb' ? duckdbExtract : athenaExtract;
  const columns = definition.columns.map(
    (column) => `${column.expression(extract, engine)} AS ${column.name}`,
  );
  return `SELECT ${columns.join(',\n  ')}\nFROM ${source}\nWHERE ${extract('entity.S')} = '${definition.entity}'`;
}

export interface AthenaSource {
  /** Glue database and table of the export. */
  readonly database: string;
  readonly table: string;
}

/**
 * A named query as one self-contained Athena statement: the three views become CTEs over the
 * most recent export partition (`dt`), then the query follows. Parameters stay `?` markers.
 *
 * @example
 * athenaQueryString(findNamedQuery('risk-distribution')!, { database: 'credmon', table: 'export' });
 */
export function athenaQueryString(query: Pick<NamedQuery, 'sql'>, source: AthenaSource): string {
  const table = `"${source.database}"."${source.table}"`;
  // Exports land in daily partitions; analysts look at the newest complete one.
  const latest = `latest AS (\n  SELECT item FROM ${table}\n  WHERE dt = (SELECT MAX(dt) FROM ${table} WHERE dt >= date_format(current_date - INTERVAL '8' DAY, '%Y-%m-%d'))\n  AND item IS NOT NULL\n)`;
  const views = (['subjects', 'snapshots', 'alerts'] as const).map(
    (view) => `${view} AS (\n${viewSelect(view, 'athena', 'latest')}\n)`,
  );
  const prelude = [latest, ...views].join(',\n');
  const sql = query.sql.replace(/:[a-z][a-z0-9_]*\b/g, '?');
  const withClause = /^\s*WITH\s+/i;
  return withClause.test(sql) ? sql.replace(withClause, `WITH ${prelude},\n`) : `WITH ${prelude}\n${sql}`;
}

/** DuckDB statements that create the three views over a relation `items` (one JSON column `item`). */
export function duckdbViewStatements(): string[] {
  return (['subjects', 'snapshots', 'alerts'] as const).map(
    (view) => `CREATE OR REPLACE VIEW ${view} AS ${viewSelect(view, 'duckdb', 'items')}`,
  );
}

/**
 * The Hive type of the export's `Item` column for the Glue table: exactly the DynamoDB-JSON paths
 * the Athena views read (the JSON SerDe ignores every other attribute).
 */
export const GLUE_ITEM_TYPE = (() => {
  const s = 'struct<S:string>';
  const n = 'struct<N:string>';
  const fields: Record<string, string> = {
    pk: s,
    sk: s,
    entity: s,
    subjectId: s,
    kind: s,
    country: s,
    effectiveTier: s,
    monitored: 'struct<BOOL:boolean>',
    subject: `struct<M:struct<portfolioId:${s},exposure:${n},creditLimit:${n}>>`,
    snapshot: `struct<M:struct<identity:struct<M:struct<name:${s}>>>>`,
    riskClass: s,
    pd: n,
    version: n,
    lastCheckedAt: s,
    risk: `struct<M:struct<pd:${n},reasons:struct<L:array<struct<M:struct<code:${s},text:${s}>>>>>>`,
    actions: `struct<L:array<struct<M:struct<type:${s}>>>>`,
    checkedAt: s,
    changes: `struct<L:array<struct<M:struct<path:${s}>>>>`,
    alertId: s,
    type: s,
    severity: s,
    previousRiskClass: s,
    portfolioId: s,
    detectedAt: s,
  };
  return `struct<${Object.entries(fields)
    .map(([name, type]) => `${name}:${type}`)
    .join(',')}>`;
})();
