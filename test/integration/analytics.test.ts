/**
 * Analytics on a real local run: the export has DynamoDB's layout, each named query answers on
 * DuckDB what the exported items say, the report's figures are the queries' answers, and the
 * report renders in headless Chromium with those figures and no console errors.
 */
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { chromium } from 'playwright-core';
import { type ExportDatabase, openExport, type QueryResult } from '#shared/analytics/duckdb.ts';
import { ManifestFileEntry, ManifestSummary, readExport, readExportItems } from '#shared/analytics/export.ts';
import { findNamedQuery, NAMED_QUERIES } from '#shared/analytics/queries.ts';
import { REPORT_QUERIES } from '#shared/analytics/report.ts';
import { exportCommand, queryCommand } from '#shared/cli/analytics.ts';
import { backtestCommand } from '#shared/cli/backtest.ts';
import type { CliIO } from '#shared/cli/command.ts';
import { main } from '#shared/cli/main.ts';
import { writeReport } from '#shared/cli/report.ts';
import { type LocalRunSummary, runLocal } from '#shared/local/run.ts';
import { createWorld } from '#shared/simulator/world.ts';

const CHROMIUM = '/usr/bin/chromium';
const START_DATE = '2026-03-02';

type Item = Record<string, AttributeValue>;

function io(cwd: string) {
  let out = '';
  let err = '';
  const cli: CliIO = {
    stdout: { write: (chunk: string) => (out += chunk) },
    stderr: { write: (chunk: string) => (err += chunk) },
    env: {},
    cwd,
  };
  return { cli, out: () => out, err: () => err };
}

function query(name: string) {
  const found = findNamedQuery(name);
  if (!found) throw new Error(`no named query ${name}`);
  return found;
}

const s = (item: Item, key: string) => item[key]?.S ?? null;
const count = (map: Map<string, number>, key: string) => map.set(key, (map.get(key) ?? 0) + 1);

describe('analytics on a local run', () => {
  let work: string;
  let dataDir: string;
  let exportDir: string;
  let summary: LocalRunSummary;
  let items: Item[];
  let db: ExportDatabase;

  beforeAll(async () => {
    work = mkdtempSync(join(tmpdir(), 'credmon-analytics-'));
    dataDir = join(work, 'data');
    exportDir = join(work, 'export');
    summary = await runLocal({
      world: createWorld({ seed: 7, subjects: 60, startDate: START_DATE }),
      days: 10,
      dataDir,
    });
    const exported = io(work);
    const code = await exportCommand.run(['--out', exportDir, '--data-dir', dataDir, '--json'], exported.cli);
    if (code !== 0) throw new Error(`credmon export failed: ${exported.err()}`);
    items = readExportItems(exportDir);
    db = await openExport(exportDir);
  }, 120_000);

  afterAll(() => {
    db?.close();
    if (work) rmSync(work, { recursive: true, force: true });
  });

  const entity = (name: string) => items.filter((item) => s(item, 'entity') === name);

  it('writes the DynamoDB export layout: manifests, checksums, gzipped DynamoDB-JSON lines', () => {
    // Prepare
    const base = join(exportDir, 'AWSDynamoDB');
    const [exportId] = readdirSync(base);
    const directory = join(base, exportId ?? '');
    // Act
    const exportSummary = ManifestSummary.parse(
      JSON.parse(readFileSync(join(directory, 'manifest-summary.json'), 'utf8')),
    );
    const entries = readFileSync(join(directory, 'manifest-files.json'), 'utf8')
      .trim()
      .split('\n')
      .map((line) => ManifestFileEntry.parse(JSON.parse(line)));
    const lines = entries.flatMap((entry) =>
      gunzipSync(readFileSync(join(exportDir, entry.dataFileS3Key)))
        .toString('utf8')
        .split('\n')
        .filter((line) => line !== ''),
    );
    // Assess
    expect(exportId).toMatch(/^\d{14}-[0-9a-f]{8}$/);
    expect(existsSync(join(directory, '_started'))).toBe(true);
    expect(existsSync(join(directory, 'manifest-summary.checksum'))).toBe(true);
    expect(exportSummary).toMatchObject({ outputFormat: 'DYNAMODB_JSON', exportType: 'FULL_EXPORT' });
    expect(exportSummary.manifestFilesS3Key).toBe(`AWSDynamoDB/${exportId}/manifest-files.json`);
    expect(entries.reduce((sum, entry) => sum + entry.itemCount, 0)).toBe(exportSummary.itemCount);
    expect(lines).toHaveLength(exportSummary.itemCount);
    for (const line of lines) {
      const parsed = JSON.parse(line) as { Item: Item };
      expect(Object.keys(parsed)).toEqual(['Item']);
      expect(parsed.Item.pk).toEqual({ S: expect.stringMatching(/^[A-Z]+(#|$)/) });
      for (const value of Object.values(parsed.Item)) {
        expect(Object.keys(value)).toHaveLength(1);
        expect(['S', 'N', 'BOOL', 'NULL', 'M', 'L', 'SS', 'NS', 'B', 'BS']).toContain(Object.keys(value)[0]);
      }
    }
    expect(entity('subject')).toHaveLength(summary.subjects);
    expect(entity('alert')).toHaveLength(summary.alertsPublished);
  });

  it('risk-distribution counts monitored subjects per portfolio and class', async () => {
    // Prepare
    const expected = new Map<string, number>();
    for (const item of entity('subject')) {
      if (item.monitored?.BOOL && s(item, 'riskClass'))
        count(expected, `${item.subject?.M?.portfolioId?.S}:${s(item, 'riskClass')}`);
    }
    // Act
    const { rows } = await db.named(query('risk-distribution'));
    // Assess
    expect(new Map(rows.map((row) => [`${row.portfolio_id}:${row.risk_class}`, row.subjects]))).toEqual(
      expected,
    );
    const total = rows.reduce((sum, row) => sum + Number(row.subjects), 0);
    expect(total).toBe(Object.values(summary.riskClasses).reduce((a, b) => a + b, 0));
  });

  it('class-migrations compares each subject’s first and last snapshot; a period ending on day 0 moves nobody', async () => {
    // Prepare
    const bySubject = new Map<string, Item[]>();
    for (const item of entity('snapshot')) {
      const id = s(item, 'subjectId') ?? '';
      bySubject.set(id, [...(bySubject.get(id) ?? []), item]);
    }
    const expected = new Map<string, number>();
    for (const snapshots of bySubject.values()) {
      snapshots.sort((a, b) => Number(a.version?.N) - Number(b.version?.N));
      count(expected, `${s(snapshots[0] ?? {}, 'riskClass')}>${s(snapshots.at(-1) ?? {}, 'riskClass')}`);
    }
    // Act
    const whole = await db.named(query('class-migrations'));
    const dayZero = await db.named(query('class-migrations'), { to: START_DATE });
    // Assess
    expect(new Map(whole.rows.map((row) => [`${row.from_class}>${row.to_class}`, row.subjects]))).toEqual(
      expected,
    );
    expect(dayZero.rows.length).toBeGreaterThan(0);
    for (const row of dayZero.rows) expect(row.to_class).toBe(row.from_class);
  });

  it('alerts-by-type-and-day and -week count the alert history; top-movers lists the changed classes', async () => {
    // Prepare
    const expected = new Map<string, number>();
    for (const item of entity('alert'))
      count(expected, `${s(item, 'detectedAt')?.slice(0, 10)}:${s(item, 'type')}`);
    // Act
    const byDay = await db.named(query('alerts-by-type-and-day'));
    const byWeek = await db.named(query('alerts-by-type-and-week'));
    const movers = await db.named(query('top-movers'));
    const migrations = await db.named(query('class-migrations'));
    // Assess
    expect(new Map(byDay.rows.map((row) => [`${row.day}:${row.type}`, row.alerts]))).toEqual(expected);
    const sum = (result: QueryResult) => result.rows.reduce((total, row) => total + Number(row.alerts), 0);
    expect(sum(byWeek)).toBe(sum(byDay));
    for (const row of byWeek.rows) expect(new Date(`${row.week}T00:00:00Z`).getUTCDay()).toBe(1);
    const changed = migrations.rows
      .filter((row) => row.from_class !== row.to_class)
      .reduce((total, row) => total + Number(row.subjects), 0);
    expect(movers.rows).toHaveLength(Math.min(changed, 20));
    for (const row of movers.rows) expect(row.to_class).not.toBe(row.from_class);
  });

  it('class-d-open-exposure lists monitored class D subjects with exposure, largest first', async () => {
    // Prepare
    const expected = entity('subject')
      .filter((item) => item.monitored?.BOOL && s(item, 'riskClass') === 'D')
      .map((item) => ({ id: s(item, 'subjectId'), exposure: Number(item.subject?.M?.exposure?.N ?? 0) }))
      .filter((row) => row.exposure > 0)
      .sort((a, b) => b.exposure - a.exposure || String(a.id).localeCompare(String(b.id)));
    // Act
    const { rows } = await db.named(query('class-d-open-exposure'));
    // Assess
    expect(rows.map((row) => ({ id: row.subject_id, exposure: row.exposure }))).toEqual(expected);
    for (const row of rows) expect(String(row.actions)).not.toBe('');
  });

  it('credmon query prints a named query as JSON lines and runs raw SQL over the views', async () => {
    // Prepare
    const named = io(work);
    const raw = io(work);
    // Act
    const namedCode = await queryCommand.run(
      ['risk-distribution', '--export', exportDir, '--json'],
      named.cli,
    );
    const rawCode = await queryCommand.run(
      ['SELECT COUNT(*) AS n FROM alerts', '--export', exportDir],
      raw.cli,
    );
    // Assess
    expect(namedCode).toBe(0);
    const lines = named
      .out()
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line));
    expect(lines).toEqual((await db.named(query('risk-distribution'))).rows);
    expect(rawCode).toBe(0);
    expect(raw.out()).toContain(String(entity('alert').length));
  });

  it('the report holds the named queries’ answers and renders in headless Chromium without console errors', async () => {
    // Prepare
    if (!existsSync(CHROMIUM)) {
      throw new Error(
        `${CHROMIUM} is missing: install Debian's chromium (apt-get install chromium) to run the report test`,
      );
    }
    const out = join(work, 'report.html');
    // Act
    const report = await writeReport({ dataDir, out });
    const browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    });
    const errors: string[] = [];
    const requests: string[] = [];
    let shown: Record<string, number>;
    let chartSizes: number[];
    try {
      const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
      page.on('console', (message) => {
        if (message.type() === 'error') errors.push(message.text());
      });
      page.on('pageerror', (error) => errors.push(String(error)));
      page.on('request', (request) => requests.push(request.url()));
      await page.goto(`file://${out}`);
      shown = await page.$$eval('[data-metric]', (elements) =>
        Object.fromEntries(
          elements.map((element) => [
            element.getAttribute('data-metric'),
            Number(element.getAttribute('data-value')),
          ]),
        ),
      );
      chartSizes = await page.$$eval('svg.chart', (svgs) =>
        svgs.map((svg) => svg.getBoundingClientRect().height),
      );
      await page.screenshot({ path: join(work, 'report.png'), fullPage: true });
    } finally {
      await browser.close();
    }
    // Assess: the report's data are the queries' answers …
    for (const [key, name] of Object.entries(REPORT_QUERIES)) {
      expect(report.data[key as keyof typeof report.data]).toEqual((await db.named(query(name))).rows);
    }
    // … and the page shows them
    const distribution = (await db.named(query('risk-distribution'))).rows;
    for (const row of distribution) {
      expect(shown[`dist:${row.portfolio_id}:${row.risk_class}:subjects`]).toBe(row.subjects);
      expect(shown[`dist:${row.portfolio_id}:${row.risk_class}:exposure`]).toBe(row.exposure);
    }
    expect(shown['kpi:subjects']).toBe(distribution.reduce((sum, row) => sum + Number(row.subjects), 0));
    for (const row of (await db.named(query('class-migrations'))).rows) {
      expect(shown[`migration:${row.from_class}:${row.to_class}`]).toBe(row.subjects);
    }
    const byType = new Map<string, number>();
    for (const row of (await db.named(query('alerts-by-type-and-day'))).rows)
      byType.set(String(row.type), (byType.get(String(row.type)) ?? 0) + Number(row.alerts));
    for (const [type, alerts] of byType) expect(shown[`alerts:${type}`]).toBe(alerts);
    for (const row of (await db.named(query('class-d-open-exposure'))).rows) {
      expect(shown[`classd:${row.subject_id}:exposure`]).toBe(row.exposure);
    }
    expect(errors).toEqual([]);
    expect(requests).toEqual([`file://${out}`]);
    expect(chartSizes.length).toBeGreaterThanOrEqual(1);
    for (const height of chartSizes) expect(height).toBeGreaterThan(20);
  });

  it('credmon backtest --export judges the stored PDs against the default alerts the same export recorded later', async () => {
    // Prepare: the expectation read straight from the items: day-0 assessments, later default alerts.
    const day0 = START_DATE;
    const defaultTypes = new Set(['bankruptcy', 'restructuring', 'debt-collection-opened']);
    const defaulted = new Set(
      entity('alert')
        .filter(
          (item) =>
            defaultTypes.has(s(item, 'type') ?? '') &&
            (s(item, 'detectedAt') ?? '') > `${day0}T23:59:59.999Z`,
        )
        .map((item) => s(item, 'subjectId')),
    );
    const baselines = entity('snapshot').filter((item) => (s(item, 'checkedAt') ?? '').startsWith(day0));
    const gone = new Set(['bankruptcy', 'dissolved', 'removed', 'deceased', 'emigrated']);
    const population = baselines.filter((item) => !gone.has(item.snapshot?.M?.status?.M?.state?.S ?? ''));
    const run = io(work);
    // Act
    const code = await backtestCommand.run(['--export', 'export', '--json'], run.cli);
    // Assess
    expect(run.err()).toBe('');
    expect(code).toBe(0);
    const result = JSON.parse(run.out().trim().split('\n').at(-1) ?? 'null');
    expect(result.asOf).toBe(day0);
    const lastDay = [
      ...entity('snapshot').map((item) => s(item, 'checkedAt')),
      ...entity('subject').map((item) => s(item, 'lastCheckedAt')),
    ]
      .map((at) => (at ?? '').slice(0, 10))
      .sort()
      .at(-1);
    expect(lastDay).not.toBe(day0);
    expect(result.horizonDays).toBe((Date.parse(lastDay ?? '') - Date.parse(day0)) / 86_400_000);
    expect(result.subjects).toBe(population.length);
    expect(result.excluded).toBe(baselines.length - population.length);
    expect(result.defaults).toBe(population.filter((item) => defaulted.has(s(item, 'subjectId'))).length);
    const perClass = Object.values(result.classes as Record<string, { count: number }>).map((c) => c.count);
    expect(perClass.reduce((a, b) => a + b, 0)).toBe(population.length);
    expect(run.out()).toContain(`as assessed on ${day0}`);
  });

  it('credmon backtest --export names the data file, line and field of a malformed item and prints nothing else', async () => {
    // Prepare: a copy of the export with one assessment's PD removed.
    const broken = join(work, 'broken-export');
    cpSync(exportDir, broken, { recursive: true });
    const { dataFiles } = readExport(broken);
    const file = dataFiles.find((path) =>
      gunzipSync(readFileSync(path)).toString('utf8').includes('"entity":{"S":"snapshot"}'),
    );
    if (!file) throw new Error('no data file with a snapshot item');
    const lines = gunzipSync(readFileSync(file)).toString('utf8').split('\n');
    const index = lines.findIndex((line) => line.includes('"entity":{"S":"snapshot"}'));
    const parsed = JSON.parse(lines[index] ?? '') as { Item: Item };
    delete parsed.Item.risk?.M?.pd;
    lines[index] = JSON.stringify(parsed);
    writeFileSync(file, gzipSync(lines.join('\n')));
    const run = io(work);
    // Act
    const code = await main(['backtest', '--export', broken], run.cli);
    // Assess
    expect(code).not.toBe(0);
    expect(run.err()).toContain(`${file}:${index + 1}: risk.pd:`);
    expect(run.out()).toBe('');
  });

  it('every named query has a description and runs', async () => {
    for (const named of NAMED_QUERIES) {
      expect(named.description.length).toBeGreaterThan(10);
      await expect(db.named(named)).resolves.toHaveProperty('columns');
    }
  });
});
