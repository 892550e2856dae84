/**
 * `credmon backtest`: how well the risk model ranked and calibrated the subjects of a simulated
 * history: per class the count and observed default rate, AUC and Gini, and a calibration table.
 */

import { resolve } from 'node:path';
import { runExportBacktest } from '#shared/analytics/history-backtest.ts';
import type { RiskClass } from '#shared/domain/risk/assessment.ts';
import { type BacktestMetrics, ratesIncrease } from '#shared/domain/risk/backtest.ts';
import { createWorld, DEFAULT_START_DATE } from '#shared/simulator/world.ts';
import { type BacktestResult, runSimulatedBacktest } from '#shared/use-cases/backtest.ts';
import { describeFlags, parseFlags, UsageError } from './args.ts';
import type { CliCommand, CliIO } from './command.ts';

const FLAGS = {
  subjects: { kind: 'integer', min: 1, default: 10_000, description: 'subjects in the generated portfolio' },
  seed: { kind: 'integer', default: 1, description: 'seed of the generated portfolio' },
  days: {
    kind: 'integer',
    min: 1,
    default: 365,
    description: 'horizon: defaults within this many days count',
  },
  'start-date': {
    kind: 'string',
    default: DEFAULT_START_DATE,
    description: 'simulated date of day 0, the assessment date (YYYY-MM-DD)',
  },
  'no-ledger': {
    kind: 'boolean',
    default: false,
    description: "assess without the simulated AR ledger's payment experience",
  },
  export: {
    kind: 'string',
    description: 'backtest the history in a DynamoDB export in DIR (credmon export) instead of the simulator',
  },
  'as-of': {
    kind: 'string',
    description: 'with --export: the observation date YYYY-MM-DD (default: the first assessment day)',
  },
  json: { kind: 'boolean', default: false, description: 'end stdout with one JSON line' },
} as const;

const HELP = `Usage: credmon backtest [flags]

Backtests the risk model over the bureau simulator's history: on day 0 every subject is fetched
through the real bureau adapters and assessed (with its payment experience from the simulated
accounts-receivable ledger); the world then runs for --days and the defaults it produces
(bankruptcies, individuals' material defaults) are compared with the PDs. Subjects already bankrupt
or gone on day 0 are left out. Prints per class the count and observed default rate, AUC and Gini,
and a calibration table (PD deciles). With --json the last line of stdout is
{"auc", "gini", "classes": {"A": {"count", "defaultRate"}, ...}, "calibration": [...]}.

With --export DIR it backtests a monitored history instead: the export of a credmon table
(\`credmon export\`, or a DynamoDB export to S3 copied locally). Each subject's latest stored
assessment on or before --as-of is the prediction; it defaulted if a bankruptcy, restructuring or
debt-collection-opened alert was detected after --as-of and within --days (cut to the days the
export covers). --subjects, --seed, --start-date and --no-ledger do not apply.

${describeFlags(FLAGS)}`;

/** The `--json` line: the documented fields first, the rest for whoever wants them. */
export interface BacktestSummary {
  auc: number | null;
  gini: number | null;
  classes: BacktestResult['classes'];
  calibration: BacktestResult['calibration'];
  subjects: number;
  defaults: number;
  excluded: number;
  withLedger: number;
  horizonDays: number;
  ratesIncrease: boolean;
  /** The simulator's seed; null for an export. */
  seed: number | null;
  /** The export directory; null for the simulator. */
  export: string | null;
  /** The observation date of an export backtest; null for the simulator (its day 0). */
  asOf: string | null;
  durationMs: number;
}

const SIMULATOR_ONLY = ['--subjects', '--seed', '--start-date', '--no-ledger'];

export const backtestCommand: CliCommand = {
  name: 'backtest',
  summary:
    "measure the risk model's AUC, Gini, class default rates and calibration on a simulated or exported history",
  help: HELP,
  async run(argv, io) {
    const { flags, help } = parseFlags(argv, FLAGS);
    if (help) {
      io.stdout.write(`${HELP}\n`);
      return 0;
    }
    const started = Date.now();
    if (flags.export !== undefined) {
      const given = argv.find((arg) => SIMULATOR_ONLY.includes(arg.split('=')[0] ?? ''));
      if (given !== undefined) throw new UsageError(`${given.split('=')[0]}: does not apply with --export`);
      const asOf = flags['as-of'];
      if (asOf !== undefined && !/^\d{4}-\d{2}-\d{2}$/.test(asOf)) {
        throw new UsageError(`--as-of: expected a date YYYY-MM-DD, got '${asOf}'`);
      }
      const result = runExportBacktest({
        dir: resolve(io.cwd, flags.export),
        days: flags.days,
        ...(asOf === undefined ? {} : { asOf }),
      });
      const summary = summarize(result, {
        withLedger: 0,
        seed: null,
        export: flags.export,
        asOf: result.asOf,
        durationMs: Date.now() - started,
      });
      printReport(summary, io, result.notYetAssessed);
      if (flags.json) io.stdout.write(`${JSON.stringify(summary)}\n`);
      return 0;
    }
    if (flags['as-of'] !== undefined) throw new UsageError('--as-of: only with --export');
    const progress = io.stderr.isTTY === true && !flags.json;
    const result = await runSimulatedBacktest({
      world: createWorld({ seed: flags.seed, subjects: flags.subjects, startDate: flags['start-date'] }),
      days: flags.days,
      useLedger: !flags['no-ledger'],
      onProgress(phase, done, total) {
        if (progress) io.stderr.write(`\r\x1b[K${phase} ${done}/${total}`);
      },
    });
    if (progress) io.stderr.write('\r\x1b[K');
    const summary = summarize(result, {
      withLedger: result.withLedger,
      seed: flags.seed,
      export: null,
      asOf: null,
      durationMs: Date.now() - started,
    });
    printReport(summary, io);
    if (flags.json) io.stdout.write(`${JSON.stringify(summary)}\n`);
    return 0;
  },
};

/** The `--json` line of either kind of backtest: its metrics, then what tells the two apart. */
function summarize(
  result: BacktestMetrics & { excluded: number; horizonDays: number },
  source: Pick<BacktestSummary, 'withLedger' | 'seed' | 'export' | 'asOf' | 'durationMs'>,
): BacktestSummary {
  return {
    auc: result.auc,
    gini: result.gini,
    classes: result.classes,
    calibration: result.calibration,
    subjects: result.subjects,
    defaults: result.defaults,
    excluded: result.excluded,
    horizonDays: result.horizonDays,
    ratesIncrease: ratesIncrease(result.classes),
    ...source,
  };
}

const pct = (value: number | null, digits = 2): string =>
  value === null ? '—' : `${(value * 100).toFixed(digits)} %`;

function printReport(s: BacktestSummary, io: CliIO, notYetAssessed = 0): void {
  const header =
    s.export === null
      ? `credmon backtest: ${s.subjects} subjects assessed on day 0 (${s.excluded} already bankrupt or gone left out, ${s.withLedger} with ledger experience), horizon ${s.horizonDays} days, seed ${s.seed}`
      : `credmon backtest: ${s.subjects} subjects of the export ${s.export} as assessed on ${s.asOf} (${s.excluded} already bankrupt or gone left out, ${notYetAssessed} not yet assessed then), horizon ${s.horizonDays} days`;
  const lines = [
    header,
    `  defaults ${s.defaults} (${pct(s.subjects === 0 ? null : s.defaults / s.subjects)})`,
    `  AUC ${s.auc === null ? '—' : s.auc.toFixed(3)}, Gini ${s.gini === null ? '—' : s.gini.toFixed(3)}`,
    '',
    '  class  subjects  defaults  observed rate  mean PD',
  ];
  for (const risk of ['A', 'B', 'C', 'D'] as RiskClass[]) {
    const c = s.classes[risk];
    lines.push(
      `  ${risk.padEnd(5)}  ${String(c.count).padStart(8)}  ${String(c.defaults).padStart(8)}  ${pct(c.defaultRate).padStart(13)}  ${pct(c.meanPd).padStart(7)}`,
    );
  }
  lines.push(`  observed rates ${s.ratesIncrease ? 'increase' : 'do NOT increase'} from A to D`, '');
  lines.push('  PD decile  subjects  PD range             mean PD  observed rate');
  for (const row of s.calibration) {
    const range = `${pct(row.minPd)} – ${pct(row.maxPd)}`;
    lines.push(
      `  ${String(row.decile).padStart(9)}  ${String(row.count).padStart(8)}  ${range.padEnd(19)}  ${pct(row.meanPd).padStart(7)}  ${pct(row.observedRate).padStart(13)}`,
    );
  }
  io.stdout.write(`${lines.join('\n')}\n\n`);
}
