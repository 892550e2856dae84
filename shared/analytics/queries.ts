/**
 * The analysts' named queries: one definition for Athena (over the Glue table of the scheduled
 * DynamoDB export) and for DuckDB (over a local export, `credmon query`). Each query is plain SQL
 * over three views with the same columns in both engines — `subjects`, `snapshots`, `alerts` —
 * so only the views are written per engine (shared/analytics/views.ts); the queries themselves
 * use only what Trino and DuckDB both accept (window functions, CAST, date_trunc, ROUND).
 *
 * Parameters are written `:name` and bound positionally (`?`) by {@link bindParameters}: Athena
 * takes them as execution parameters, DuckDB as prepared-statement values.
 */

/** A parameter of a named query; values are ISO dates or plain strings. */
export interface QueryParameter {
  readonly name: string;
  readonly description: string;
  readonly default: string;
}

export interface NamedQuery {
  /** Kebab-case, as typed on the command line: `credmon query risk-distribution`. */
  readonly name: string;
  readonly description: string;
  readonly parameters: readonly QueryParameter[];
  /** SQL over the views `subjects`, `snapshots`, `alerts`, with `:name` parameter markers. */
  readonly sql: string;
}

/** The columns of the three views, the same in every engine. */
export const VIEW_COLUMNS = {
  subjects: [
    'subject_id',
    'kind',
    'country',
    'portfolio_id',
    'name',
    'tier',
    'monitored',
    'exposure',
    'credit_limit',
    'risk_class',
    'pd',
    'version',
    'last_checked_at',
    'top_reason',
    'actions',
  ],
  snapshots: ['subject_id', 'version', 'risk_class', 'pd', 'checked_at', 'checked_date', 'changes'],
  alerts: [
    'alert_id',
    'subject_id',
    'version',
    'type',
    'severity',
    'risk_class',
    'previous_risk_class',
    'portfolio_id',
    'detected_at',
    'detected_date',
  ],
} as const;

export type ViewName = keyof typeof VIEW_COLUMNS;

const FROM: QueryParameter = {
  name: 'from',
  description: 'start of the period (YYYY-MM-DD); a subject first checked later starts from its baseline',
  default: '1970-01-01',
};
const TO: QueryParameter = {
  name: 'to',
  description: 'end of the period (YYYY-MM-DD)',
  default: '9999-12-31',
};

/**
 * Each subject's class at the start of the period (its last snapshot on or before `from`, or its
 * first snapshot when it has none that early) and at the end (its last snapshot on or before `to`).
 * Ordering by `-version` keeps NULLs out of the sort: engines disagree on where NULLs go.
 */
const CLASS_AT_BOUNDS = `ranked AS (
  SELECT subject_id, risk_class, pd, version,
    ROW_NUMBER() OVER (
      PARTITION BY subject_id
      ORDER BY CASE WHEN checked_date <= CAST(:from AS DATE) THEN 0 ELSE 1 END,
               CASE WHEN checked_date <= CAST(:from AS DATE) THEN -version ELSE version END
    ) AS start_rank,
    ROW_NUMBER() OVER (PARTITION BY subject_id ORDER BY version DESC) AS end_rank
  FROM snapshots
  WHERE checked_date <= CAST(:to AS DATE)
),
moves AS (
  SELECT s.subject_id, s.risk_class AS from_class, e.risk_class AS to_class, s.pd AS from_pd, e.pd AS to_pd
  FROM ranked s JOIN ranked e ON e.subject_id = s.subject_id
  WHERE s.start_rank = 1 AND e.end_rank = 1
)`;

const CLASS_RANK = (column: string) =>
  `CASE ${column} WHEN 'A' THEN 1 WHEN 'B' THEN 2 WHEN 'C' THEN 3 WHEN 'D' THEN 4 END`;

export const NAMED_QUERIES: readonly NamedQuery[] = [
  {
    name: 'risk-distribution',
    description: 'Monitored subjects per portfolio and risk class, with their open exposure and average PD.',
    parameters: [],
    sql: `SELECT portfolio_id, risk_class,
  CAST(COUNT(*) AS INTEGER) AS subjects,
  ROUND(SUM(COALESCE(exposure, 0)), 2) AS exposure,
  ROUND(AVG(pd), 4) AS avg_pd
FROM subjects
WHERE monitored AND risk_class IS NOT NULL
GROUP BY portfolio_id, risk_class
ORDER BY portfolio_id, risk_class`,
  },
  {
    name: 'class-migrations',
    description:
      'Class migration matrix over a period: subjects by class at its start and at its end (from the snapshot history).',
    parameters: [FROM, TO],
    sql: `WITH ${CLASS_AT_BOUNDS}
SELECT from_class, to_class, CAST(COUNT(*) AS INTEGER) AS subjects
FROM moves
GROUP BY from_class, to_class
ORDER BY from_class, to_class`,
  },
  {
    name: 'alerts-by-type-and-week',
    description: 'Alerts per ISO week (Monday) and event type.',
    parameters: [FROM, TO],
    sql: `SELECT CAST(date_trunc('week', detected_date) AS DATE) AS week, type,
  CAST(COUNT(*) AS INTEGER) AS alerts
FROM alerts
WHERE detected_date BETWEEN CAST(:from AS DATE) AND CAST(:to AS DATE)
GROUP BY CAST(date_trunc('week', detected_date) AS DATE), type
ORDER BY week, type`,
  },
  {
    name: 'alerts-by-type-and-day',
    description: 'Alerts per day and event type (the finer grain of alerts-by-type-and-week).',
    parameters: [FROM, TO],
    sql: `SELECT detected_date AS day, type, CAST(COUNT(*) AS INTEGER) AS alerts
FROM alerts
WHERE detected_date BETWEEN CAST(:from AS DATE) AND CAST(:to AS DATE)
GROUP BY detected_date, type
ORDER BY day, type`,
  },
  {
    name: 'class-d-open-exposure',
    description:
      'Monitored subjects in class D with open exposure, largest first, with the main reason and the recommended actions.',
    parameters: [],
    sql: `SELECT subject_id, name, portfolio_id, kind, country, ROUND(pd, 4) AS pd, exposure, credit_limit,
  top_reason, actions, last_checked_at
FROM subjects
WHERE monitored AND risk_class = 'D' AND exposure > 0
ORDER BY exposure DESC, subject_id`,
  },
  {
    name: 'top-movers',
    description:
      'Subjects whose class changed over a period, worst deteriorations first, with the main reason and the recommended actions.',
    parameters: [FROM, TO],
    sql: `WITH ${CLASS_AT_BOUNDS}
SELECT m.subject_id, s.name, s.portfolio_id, m.from_class, m.to_class,
  ${CLASS_RANK('m.to_class')} - ${CLASS_RANK('m.from_class')} AS steps,
  ROUND(m.from_pd, 4) AS from_pd, ROUND(m.to_pd, 4) AS to_pd, s.exposure, s.top_reason, s.actions
FROM moves m JOIN subjects s ON s.subject_id = m.subject_id
WHERE m.from_class <> m.to_class
ORDER BY steps DESC, m.to_pd - m.from_pd DESC, m.subject_id
LIMIT 20`,
  },
];

/**
 * The named query called `name`, or null.
 *
 * @example
 * findNamedQuery('risk-distribution')?.sql; // 'SELECT portfolio_id, risk_class, …'
 */
export function findNamedQuery(name: string): NamedQuery | null {
  return NAMED_QUERIES.find((query) => query.name === name) ?? null;
}

/**
 * Replaces `:name` markers by `?` and lists the values in order; missing values take the
 * parameter's default. Throws on a value for a parameter the query does not have.
 *
 * @example
 * bindParameters(findNamedQuery('alerts-by-type-and-week')!, { from: '2026-01-01' });
 * // { sql: '… BETWEEN CAST(? AS DATE) AND CAST(? AS DATE) …', values: ['2026-01-01', '9999-12-31'], names: ['from', 'to'] }
 */
export function bindParameters(
  query: NamedQuery,
  given: Readonly<Record<string, string>> = {},
): { sql: string; values: string[]; names: string[] } {
  for (const name of Object.keys(given)) {
    if (!query.parameters.some((parameter) => parameter.name === name)) {
      const known = query.parameters.map((parameter) => parameter.name).join(', ') || 'none';
      throw new Error(`query ${query.name} has no parameter '${name}' (parameters: ${known})`);
    }
  }
  const values: string[] = [];
  const names: string[] = [];
  const sql = query.sql.replace(/(?<![:\w]):([a-z][a-z0-9_]*)\b/g, (marker, name: string) => {
    const parameter = query.parameters.find((candidate) => candidate.name === name);
    if (!parameter) return marker;
    values.push(given[name] ?? parameter.default);
    names.push(name);
    return '?';
  });
  return { sql, values, names };
}
