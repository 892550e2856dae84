/**
 * `credmon backtest`: how well the risk model ranked and calibrated the subjects of a simulated
 * history: per class the count and observed default rate, AUC and Gini, and a calibration table.
 */
import type { RiskClass } from '#shared/domain/risk/assessment.ts';
import { ratesIncrease } from '#shared/domain/risk/backtest.ts';
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
    description: 'backtest an exported history in DIR instead of the simulator (not available yet)',
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
  seed: number;
  durationMs: number;
}

export const backtestCommand: CliCommand = {
  name: 'backtest',
  summary: "measure the risk model's AUC, Gini, class default rates and calibration on a simulated history",
  help: HELP,
  async run(argv, io) {
    const { flags, help } = parseFlags(argv, FLAGS);
    if (help) {
      io.stdout.write(`${HELP}\n`);
      return 0;
    }
    if (flags.export !== undefined) {
      throw new UsageError(
        '--export: backtests over an exported history need the export layout (shared/analytics), which is not in this build yet',
      );
    }
    const started = Date.now();
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
    const summary: BacktestSummary = {
      auc: result.auc,
      gini: result.gini,
      classes: result.classes,
      calibration: result.calibration,
      subjects: result.subjects,
      defaults: result.defaults,
      excluded: result.excluded,
      withLedger: result.withLedger,
      horizonDays: result.horizonDays,
      ratesIncrease: ratesIncrease(result.classes),
      seed: flags.seed,
      durationMs: Date.now() - started,
    };
    printReport(summary, io);
    if (flags.json) io.stdout.write(`${JSON.stringify(summary)}\n`);
    return 0;
  },
};

const pct = (value: number | null, digits = 2): string =>
  value === null ? '—' : `${(value * 100).toFixed(digits)} %`;

function printReport(s: BacktestSummary, io: CliIO): void {
  const lines = [
    `credmon backtest: ${s.subjects} subjects assessed on day 0 (${s.excluded} already bankrupt or gone left out, ${s.withLedger} with ledger experience), horizon ${s.horizonDays} days, seed ${s.seed}`,
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
