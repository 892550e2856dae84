/**
 * `credmon report`: the portfolio dashboard of a data directory. The table is exported on the fly
 * into a temporary directory and the report's figures are the named queries' answers on it, so the
 * report and `credmon query` always agree.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { openExport } from '#shared/analytics/duckdb.ts';
import { collectReportData, type ReportData, renderReport } from '#shared/analytics/report.ts';
import { exportDataDir } from './analytics.ts';
import { describeFlags, parseFlags, UsageError } from './args.ts';
import type { CliCommand } from './command.ts';

export interface WrittenReport {
  readonly path: string;
  readonly exportId: string;
  readonly data: ReportData;
}

/**
 * Writes the dashboard of `dataDir` to `out`.
 *
 * @example
 * await writeReport({ dataDir: '.credmon', out: '.credmon/report.html' });
 */
export async function writeReport(options: {
  readonly dataDir: string;
  readonly out: string;
  readonly now?: () => Date;
}): Promise<WrittenReport> {
  const scratch = mkdtempSync(join(tmpdir(), 'credmon-report-'));
  try {
    const exported = await exportDataDir(options.dataDir, scratch);
    const db = await openExport(exported.directory);
    let data: ReportData;
    try {
      data = await collectReportData(db);
    } finally {
      db.close();
    }
    const html = renderReport(data, {
      generatedAt: (options.now?.() ?? new Date()).toISOString(),
      exportId: exported.exportId,
      itemCount: exported.itemCount,
    });
    mkdirSync(dirname(options.out), { recursive: true });
    writeFileSync(options.out, html);
    return { path: options.out, exportId: exported.exportId, data };
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

const FLAGS = {
  out: { kind: 'string', description: 'the HTML file to write' },
  'data-dir': { kind: 'string', default: '.credmon', description: 'data directory of the local stack' },
} as const;

const HELP = `Usage: credmon report --out FILE.html [flags]

Writes a self-contained portfolio dashboard (risk distribution, class migrations, alerts over
time, top movers, class D exposure) from the data directory's table.

${describeFlags(FLAGS)}`;

export const reportCommand: CliCommand = {
  name: 'report',
  summary: 'write the portfolio dashboard as one self-contained HTML file',
  help: HELP,
  async run(argv, io) {
    const { flags, help } = parseFlags(argv, FLAGS);
    if (help) {
      io.stdout.write(`${HELP}\n`);
      return 0;
    }
    if (!flags.out) throw new UsageError('missing --out FILE.html');
    const report = await writeReport({
      dataDir: resolve(io.cwd, flags['data-dir']),
      out: resolve(io.cwd, flags.out),
    });
    io.stdout.write(`report written to ${report.path}\n`);
    return 0;
  },
};
