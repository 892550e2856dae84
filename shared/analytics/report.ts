/**
 * The portfolio dashboard: one self-contained HTML file (inline CSS and SVG, no scripts, no
 * external assets) for credit managers. Every number in it is the answer of a named analyst query
 * (queries.ts) run on DuckDB over an export, so the report and `credmon query` cannot disagree.
 *
 * Each figure carries `data-metric` (what it is) and `data-value` (the raw number) so a browser
 * test can compare it with the queries' answers.
 */
import type { ExportDatabase, QueryResult } from './duckdb.ts';
import { findNamedQuery, type NamedQuery } from './queries.ts';

type Row = QueryResult['rows'][number];

/** The queries' answers the report is drawn from. */
export interface ReportData {
  readonly riskDistribution: readonly Row[];
  readonly classMigrations: readonly Row[];
  readonly alertsByDay: readonly Row[];
  readonly alertsByWeek: readonly Row[];
  readonly topMovers: readonly Row[];
  readonly classDOpenExposure: readonly Row[];
}

export interface ReportMeta {
  readonly generatedAt: string;
  readonly exportId: string;
  readonly itemCount: number;
}

/** Which named query fills which part of the report. */
export const REPORT_QUERIES = {
  riskDistribution: 'risk-distribution',
  classMigrations: 'class-migrations',
  alertsByDay: 'alerts-by-type-and-day',
  alertsByWeek: 'alerts-by-type-and-week',
  topMovers: 'top-movers',
  classDOpenExposure: 'class-d-open-exposure',
} as const satisfies Record<keyof ReportData, string>;

function namedQuery(name: string): NamedQuery {
  const query = findNamedQuery(name);
  if (!query) throw new Error(`the report needs the named query '${name}'`);
  return query;
}

/**
 * Runs the report's named queries (with their default parameters: the whole export).
 *
 * @example
 * const data = await collectReportData(await openExport('exports'));
 */
export async function collectReportData(db: ExportDatabase): Promise<ReportData> {
  const entries = await Promise.all(
    Object.entries(REPORT_QUERIES).map(
      async ([key, name]) => [key, (await db.named(namedQuery(name))).rows] as const,
    ),
  );
  return Object.fromEntries(entries) as unknown as ReportData;
}

const CLASSES = ['A', 'B', 'C', 'D'] as const;
const CLASS_COLOURS: Record<string, string> = { A: '#2e7d32', B: '#8bc34a', C: '#f9a825', D: '#c62828' };
const TYPE_PALETTE = [
  '#1565c0',
  '#ef6c00',
  '#6a1b9a',
  '#00838f',
  '#ad1457',
  '#558b2f',
  '#4e342e',
  '#283593',
  '#f9a825',
  '#00695c',
  '#c62828',
  '#37474f',
  '#8e24aa',
  '#7cb342',
];

const escapeHtml = (value: unknown): string =>
  String(value ?? '')
    .replaceAll('&', '&amp;')
    .replaceAll('<', '&lt;')
    .replaceAll('>', '&gt;')
    .replaceAll('"', '&quot;')
    .replaceAll("'", '&#39;');

const num = (value: unknown): number => (typeof value === 'number' ? value : Number(value ?? 0) || 0);
const integerFormat = new Intl.NumberFormat('en-GB', { maximumFractionDigits: 0 });
const amount = (value: unknown) => integerFormat.format(num(value));
const percent = (value: unknown) =>
  value === null || value === undefined ? '' : `${(num(value) * 100).toFixed(num(value) < 0.1 ? 2 : 1)} %`;

/** A figure with its metric id and raw value, for people and for tests. */
const figure = (metric: string, value: number, shown: string, tag = 'span') =>
  `<${tag} data-metric="${escapeHtml(metric)}" data-value="${value}">${escapeHtml(shown)}</${tag}>`;

/**
 * Renders the dashboard. Pure: same data, same HTML.
 *
 * @example
 * writeFileSync('report.html', renderReport(data, { generatedAt, exportId, itemCount }));
 */
export function renderReport(data: ReportData, meta: ReportMeta): string {
  const distribution = data.riskDistribution;
  const totals = Object.fromEntries(CLASSES.map((risk) => [risk, 0])) as Record<string, number>;
  let subjects = 0;
  let exposureD = 0;
  for (const row of distribution) {
    const risk = String(row.risk_class);
    totals[risk] = (totals[risk] ?? 0) + num(row.subjects);
    subjects += num(row.subjects);
    if (risk === 'D') exposureD += num(row.exposure);
  }
  const alertsTotal = data.alertsByDay.reduce((sum, row) => sum + num(row.alerts), 0);
  const changeAlerts = data.alertsByDay
    .filter((row) => row.type !== 'baseline')
    .reduce((sum, row) => sum + num(row.alerts), 0);
  const worsened = data.classMigrations
    .filter((row) => String(row.to_class) > String(row.from_class))
    .reduce((sum, row) => sum + num(row.subjects), 0);
  const days = [...new Set(data.alertsByDay.map((row) => String(row.day)))].sort();
  const period = days.length > 0 ? `${days[0]} – ${days.at(-1)}` : 'no alerts yet';

  const kpis = [
    ['Monitored subjects', figure('kpi:subjects', subjects, amount(subjects))],
    ['In class D', figure('kpi:class-d', totals.D ?? 0, amount(totals.D ?? 0))],
    ['Open exposure in D', figure('kpi:exposure-d', exposureD, amount(exposureD))],
    ['Worsened class', figure('kpi:worsened', worsened, amount(worsened))],
    ['Change alerts', figure('kpi:change-alerts', changeAlerts, amount(changeAlerts))],
  ]
    .map(
      ([label, value]) =>
        `<div class="kpi"><div class="kpi-value">${value}</div><div class="kpi-label">${label}</div></div>`,
    )
    .join('');

  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>credmon portfolio report</title>
<style>${CSS}</style>
</head>
<body>
<header>
  <h1>Portfolio risk report</h1>
  <p class="meta">Alerts ${escapeHtml(period)} · generated ${escapeHtml(meta.generatedAt.slice(0, 16).replace('T', ' '))} UTC · export ${escapeHtml(meta.exportId)} (${amount(meta.itemCount)} items)</p>
</header>
<main>
<section class="kpis">${kpis}</section>
<section class="card wide">
  <h2>Risk distribution</h2>
  <p class="note">Monitored subjects by risk class, per portfolio; open exposure and average 12-month PD per class.</p>
  ${classLegend()}
  ${distributionChart(distribution)}
  ${distributionTable(distribution, totals)}
</section>
<section class="card">
  <h2>Class migrations</h2>
  <p class="note">Class at enrolment (rows) against class now (columns). Red: worse, green: better.</p>
  ${migrationMatrix(data.classMigrations)}
</section>
<section class="card">
  <h2>Alerts by type</h2>
  <p class="note">${figure('alerts:total', alertsTotal, amount(alertsTotal))} alerts in all; baseline alerts record each subject's first check.</p>
  ${alertTypeTable(data.alertsByDay)}
</section>
<section class="card wide">
  <h2>Alerts over time</h2>
  ${alertsOverTime(data.alertsByDay, data.alertsByWeek)}
</section>
<section class="card wide">
  <h2>Top movers</h2>
  <p class="note">Subjects whose class changed since enrolment, worst deteriorations first.</p>
  ${moversTable(data.topMovers)}
</section>
<section class="card wide">
  <h2>Class D with open exposure</h2>
  <p class="note">Largest exposure first, with the main reason and what the credit policy recommends.</p>
  ${classDTable(data.classDOpenExposure)}
</section>
</main>
<footer>credmon · every figure is the answer of a named analyst query (<code>credmon query NAME</code>) on the same data.</footer>
</body>
</html>
`;
}

function classLegend(): string {
  return `<div class="legend">${CLASSES.map(
    (risk) => `<span><i style="background:${CLASS_COLOURS[risk]}"></i>Class ${risk}</span>`,
  ).join('')}</div>`;
}

function distributionChart(rows: readonly Row[]): string {
  const portfolios = [...new Set(rows.map((row) => String(row.portfolio_id)))].sort();
  if (portfolios.length === 0) return '<p class="empty">No assessed subjects yet.</p>';
  // Wide view box: the SVG scales to the card, and its text should stay body-sized.
  const labelWidth = 140;
  const barWidth = 1000;
  const rowHeight = 32;
  const max = Math.max(
    ...portfolios.map((portfolio) =>
      rows.filter((row) => row.portfolio_id === portfolio).reduce((sum, row) => sum + num(row.subjects), 0),
    ),
  );
  const bars = portfolios.map((portfolio, index) => {
    const y = index * rowHeight;
    let x = labelWidth;
    const segments = CLASSES.map((risk) => {
      const row = rows.find(
        (candidate) => candidate.portfolio_id === portfolio && candidate.risk_class === risk,
      );
      const count = num(row?.subjects);
      if (count === 0) return '';
      const width = (count / max) * barWidth;
      const segment = `<rect x="${x.toFixed(1)}" y="${y + 4}" width="${width.toFixed(1)}" height="${rowHeight - 8}" fill="${CLASS_COLOURS[risk]}"><title>${escapeHtml(portfolio)} · class ${risk}: ${count}</title></rect>${
        width >= 22
          ? `<text x="${(x + width / 2).toFixed(1)}" y="${y + rowHeight / 2 + 4}" class="seg">${count}</text>`
          : ''
      }`;
      x += width;
      return segment;
    }).join('');
    return `<text x="${labelWidth - 8}" y="${y + rowHeight / 2 + 4}" class="label">${escapeHtml(portfolio)}</text>${segments}`;
  });
  return `<svg class="chart" viewBox="0 0 ${labelWidth + barWidth + 10} ${portfolios.length * rowHeight}" role="img" aria-label="Risk distribution by portfolio">${bars.join('')}</svg>`;
}

function distributionTable(rows: readonly Row[], totals: Record<string, number>): string {
  const body = rows
    .map((row) => {
      const key = `${row.portfolio_id}:${row.risk_class}`;
      return `<tr><td>${escapeHtml(row.portfolio_id)}</td><td><span class="badge c${escapeHtml(row.risk_class)}">${escapeHtml(row.risk_class)}</span></td>${figure(`dist:${key}:subjects`, num(row.subjects), amount(row.subjects), 'td')}${figure(`dist:${key}:exposure`, num(row.exposure), amount(row.exposure), 'td')}${figure(`dist:${key}:avg_pd`, num(row.avg_pd), percent(row.avg_pd), 'td')}</tr>`;
    })
    .join('');
  const foot = CLASSES.map(
    (risk) => `${risk} ${figure(`total:${risk}`, totals[risk] ?? 0, amount(totals[risk] ?? 0))}`,
  ).join(' · ');
  return `<table><thead><tr><th>Portfolio</th><th>Class</th><th class="n">Subjects</th><th class="n">Exposure</th><th class="n">Avg PD</th></tr></thead><tbody>${body}</tbody><tfoot><tr><td colspan="5">All portfolios: ${foot}</td></tr></tfoot></table>`;
}

function migrationMatrix(rows: readonly Row[]): string {
  const cell = (from: string, to: string) =>
    num(rows.find((row) => row.from_class === from && row.to_class === to)?.subjects);
  const max = Math.max(
    1,
    ...rows.filter((row) => row.from_class !== row.to_class).map((row) => num(row.subjects)),
  );
  const header = CLASSES.map((to) => `<th>${to}</th>`).join('');
  const body = CLASSES.map((from) => {
    const cells = CLASSES.map((to) => {
      const count = cell(from, to);
      const strength = from === to || count === 0 ? 0 : 0.15 + 0.6 * (count / max);
      const colour = to > from ? `rgba(198,40,40,${strength})` : `rgba(46,125,50,${strength})`;
      const style = from === to ? 'background:#eef1f5' : `background:${colour}`;
      return `<td style="${style}">${figure(`migration:${from}:${to}`, count, count === 0 ? '·' : String(count))}</td>`;
    }).join('');
    return `<tr><th>${from}</th>${cells}</tr>`;
  }).join('');
  return `<table class="matrix"><thead><tr><th>from \\ to</th>${header}</tr></thead><tbody>${body}</tbody></table>`;
}

function typeColours(rows: readonly Row[]): Map<string, string> {
  const types = [...new Set(rows.map((row) => String(row.type)))].sort();
  return new Map(types.map((type, index) => [type, TYPE_PALETTE[index % TYPE_PALETTE.length] ?? '#999']));
}

function alertTypeTable(rows: readonly Row[]): string {
  const byType = new Map<string, number>();
  for (const row of rows) byType.set(String(row.type), (byType.get(String(row.type)) ?? 0) + num(row.alerts));
  if (byType.size === 0) return '<p class="empty">No alerts.</p>';
  const colours = typeColours(rows);
  const body = [...byType.entries()]
    .sort(([a, x], [b, y]) => y - x || a.localeCompare(b))
    .map(
      ([type, count]) =>
        `<tr><td><i class="dot" style="background:${colours.get(type)}"></i>${escapeHtml(type)}</td>${figure(`alerts:${type}`, count, amount(count), 'td')}</tr>`,
    )
    .join('');
  return `<table class="compact"><thead><tr><th>Type</th><th class="n">Alerts</th></tr></thead><tbody>${body}</tbody></table>`;
}

function alertsOverTime(byDay: readonly Row[], byWeek: readonly Row[]): string {
  // Long periods read better by week; a short run shows each day.
  const daily = new Set(byDay.map((row) => String(row.day))).size <= 62;
  const rows = (daily ? byDay : byWeek)
    .map((row) => ({
      bucket: String(daily ? row.day : row.week),
      type: String(row.type),
      alerts: num(row.alerts),
    }))
    .filter((row) => row.type !== 'baseline');
  const buckets = daily
    ? dayRange(byDay.map((row) => String(row.day)))
    : [...new Set(rows.map((row) => row.bucket))].sort();
  if (rows.length === 0 || buckets.length === 0)
    return '<p class="empty">No change alerts yet: only baseline checks.</p>';
  const colours = typeColours(byDay);
  const width = 1100;
  const height = 240;
  const left = 36;
  const bottom = 36;
  const plotWidth = width - left - 10;
  const plotHeight = height - bottom - 10;
  const totals = buckets.map((bucket) =>
    rows.filter((row) => row.bucket === bucket).reduce((sum, row) => sum + row.alerts, 0),
  );
  const max = Math.max(1, ...totals);
  const step = plotWidth / buckets.length;
  const barWidth = Math.max(2, step * 0.7);
  const ticks = niceTicks(max);
  const grid = ticks
    .map((tick) => {
      const y = 10 + plotHeight - (tick / max) * plotHeight;
      return `<line x1="${left}" x2="${width - 10}" y1="${y.toFixed(1)}" y2="${y.toFixed(1)}" class="grid"/><text x="${left - 6}" y="${(y + 4).toFixed(1)}" class="tick">${tick}</text>`;
    })
    .join('');
  const labelEvery = Math.ceil(buckets.length / 12);
  const bars = buckets
    .map((bucket, index) => {
      const x = left + index * step + (step - barWidth) / 2;
      let y = 10 + plotHeight;
      const stack = rows
        .filter((row) => row.bucket === bucket)
        .sort((a, b) => a.type.localeCompare(b.type))
        .map((row) => {
          const h = (row.alerts / max) * plotHeight;
          y -= h;
          return `<rect x="${x.toFixed(1)}" y="${y.toFixed(1)}" width="${barWidth.toFixed(1)}" height="${h.toFixed(1)}" fill="${colours.get(row.type)}"><title>${escapeHtml(bucket)} · ${escapeHtml(row.type)}: ${row.alerts}</title></rect>`;
        })
        .join('');
      const label =
        index % labelEvery === 0
          ? `<text x="${(x + barWidth / 2).toFixed(1)}" y="${height - bottom + 16}" class="tick mid">${escapeHtml(bucket.slice(5))}</text>`
          : '';
      return `<g data-metric="alerts-${daily ? 'day' : 'week'}:${escapeHtml(bucket)}" data-value="${totals[index]}">${stack}${label}</g>`;
    })
    .join('');
  const legend = [...colours.entries()]
    .filter(([type]) => rows.some((row) => row.type === type))
    .map(([type, colour]) => `<span><i style="background:${colour}"></i>${escapeHtml(type)}</span>`)
    .join('');
  return `<p class="note">Change alerts per ${daily ? 'day' : 'week'} and type (baseline alerts left out).</p>
<svg class="chart" viewBox="0 0 ${width} ${height}" role="img" aria-label="Alerts over time">${grid}${bars}</svg>
<div class="legend">${legend}</div>`;
}

function moversTable(rows: readonly Row[]): string {
  if (rows.length === 0) return '<p class="empty">No class changes in the period.</p>';
  const body = rows
    .map(
      (row) =>
        `<tr data-subject="${escapeHtml(row.subject_id)}"><td>${escapeHtml(row.subject_id)}${row.name ? `<div class="sub">${escapeHtml(row.name)}</div>` : ''}</td><td>${escapeHtml(row.portfolio_id)}</td><td class="nw"><span class="badge c${escapeHtml(row.from_class)}">${escapeHtml(row.from_class)}</span> → <span class="badge c${escapeHtml(row.to_class)}">${escapeHtml(row.to_class)}</span></td>${figure(`mover:${row.subject_id}:to_pd`, num(row.to_pd), `${percent(row.from_pd)} → ${percent(row.to_pd)}`, 'td')}${figure(`mover:${row.subject_id}:exposure`, num(row.exposure), amount(row.exposure), 'td')}<td>${escapeHtml(row.top_reason)}</td><td>${actionTags(row.actions)}</td></tr>`,
    )
    .join('');
  return `<table><thead><tr><th>Subject</th><th>Portfolio</th><th>Class</th><th class="n">PD</th><th class="n">Exposure</th><th>Main reason</th><th>Recommended actions</th></tr></thead><tbody>${body}</tbody></table>`;
}

function classDTable(rows: readonly Row[]): string {
  if (rows.length === 0) return '<p class="empty">No class D subject has open exposure.</p>';
  const body = rows
    .map(
      (row) =>
        `<tr data-subject="${escapeHtml(row.subject_id)}"><td>${escapeHtml(row.subject_id)}${row.name ? `<div class="sub">${escapeHtml(row.name)}</div>` : ''}</td><td>${escapeHtml(row.portfolio_id)}</td><td class="nw">${escapeHtml(row.kind)} · ${escapeHtml(row.country)}</td>${figure(`classd:${row.subject_id}:pd`, num(row.pd), percent(row.pd), 'td')}${figure(`classd:${row.subject_id}:exposure`, num(row.exposure), amount(row.exposure), 'td')}<td class="n">${row.credit_limit === null ? '' : amount(row.credit_limit)}</td><td>${escapeHtml(row.top_reason)}</td><td>${actionTags(row.actions)}</td></tr>`,
    )
    .join('');
  return `<table><thead><tr><th>Subject</th><th>Portfolio</th><th>Kind</th><th class="n">PD</th><th class="n">Exposure</th><th class="n">Credit limit</th><th>Main reason</th><th>Recommended actions</th></tr></thead><tbody>${body}</tbody></table>`;
}

function actionTags(actions: unknown): string {
  const list = String(actions ?? '')
    .split(',')
    .map((action) => action.trim())
    .filter((action) => action !== '');
  return list
    .map(
      (action) =>
        `<span class="tag${action === 'stop-deliveries' ? ' stop' : ''}">${escapeHtml(action)}</span>`,
    )
    .join(' ');
}

function dayRange(days: readonly string[]): string[] {
  const sorted = [...new Set(days)].sort();
  const first = sorted[0];
  const last = sorted.at(-1);
  if (!first || !last) return [];
  const range: string[] = [];
  for (
    let day = new Date(`${first}T00:00:00Z`);
    day <= new Date(`${last}T00:00:00Z`);
    day.setUTCDate(day.getUTCDate() + 1)
  )
    range.push(day.toISOString().slice(0, 10));
  return range;
}

function niceTicks(max: number): number[] {
  const step =
    [1, 2, 5, 10, 20, 25, 50, 100, 200, 250, 500, 1000, 2000, 5000].find((s) => max / s <= 5) ??
    Math.ceil(max / 5);
  const ticks: number[] = [];
  for (let tick = 0; tick <= max; tick += step) ticks.push(tick);
  return ticks;
}

const CSS = `
*{box-sizing:border-box}
body{margin:0;font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif;color:#1d2733;background:#f4f6f9}
header{padding:20px 32px 8px}
h1{margin:0;font-size:24px}
h2{margin:0 0 4px;font-size:16px}
.meta,.note{color:#5b6776;margin:4px 0 10px}
main{display:grid;grid-template-columns:1fr 1fr;gap:16px;padding:8px 32px 24px}
.card{background:#fff;border-radius:8px;padding:16px 18px;box-shadow:0 1px 3px rgba(0,0,0,.08);overflow-x:auto}
.wide,.kpis{grid-column:1/-1}
.kpis{display:grid;grid-template-columns:repeat(5,1fr);gap:16px}
.kpi{background:#fff;border-radius:8px;padding:14px 18px;box-shadow:0 1px 3px rgba(0,0,0,.08)}
.kpi-value{font-size:26px;font-weight:600}
.kpi-label{color:#5b6776}
table{border-collapse:collapse;width:100%;margin-top:8px}
th,td{text-align:left;padding:5px 8px;border-bottom:1px solid #e6e9ee;vertical-align:top}
th{font-weight:600;color:#3c4856;background:#fafbfc}
td[data-value],th.n,td.n{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
tfoot td{color:#5b6776;border-bottom:0}
table.matrix{width:auto}
table.matrix td,table.matrix th{text-align:center;width:56px}
table.matrix td span{display:block;text-align:center}
table.compact{width:auto;min-width:60%}
.badge{display:inline-block;min-width:20px;text-align:center;border-radius:4px;color:#fff;font-weight:600;padding:0 5px}
.cA{background:#2e7d32}.cB{background:#8bc34a}.cC{background:#f9a825}.cD{background:#c62828}
.tag{display:inline-block;background:#e8eef7;color:#24446b;border-radius:10px;padding:0 8px;margin:1px 0;font-size:12px;white-space:nowrap}
.tag.stop{background:#fbe3e3;color:#8e1b1b}
.sub{color:#5b6776;font-size:12px}
td.nw{white-space:nowrap}
.legend{display:flex;flex-wrap:wrap;gap:6px 14px;margin:6px 0;color:#3c4856;font-size:12px}
.legend i,.dot{display:inline-block;width:10px;height:10px;border-radius:2px;margin-right:5px;vertical-align:middle}
svg.chart{width:100%;height:auto;display:block}
svg text{font-size:12px;fill:#3c4856}
svg text.label{text-anchor:end}
svg text.seg{text-anchor:middle;fill:#fff;font-weight:600}
svg text.tick{text-anchor:end;font-size:11px;fill:#6b7785}
svg text.tick.mid{text-anchor:middle}
svg line.grid{stroke:#e6e9ee}
.empty{color:#5b6776;font-style:italic}
footer{padding:0 32px 24px;color:#6b7785;font-size:12px}
@media (max-width:900px){main{grid-template-columns:1fr}.kpis{grid-template-columns:repeat(2,1fr)}}
`;
