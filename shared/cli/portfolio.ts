/**
 * `credmon portfolio import|add|remove|list|show`: what a credit team manages. Locally each command
 * opens the data directory that `credmon local` fills (or talks to a `credmon local --serve` on
 * it); with `--stack NAME` it works on a deployed stack's table.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { z } from 'zod';
import { DynamoPortfolioReader } from '#shared/adapters/store/dynamo-portfolio-reader.ts';
import { composePortfolio, loadPortfolioConfig } from '#shared/adapters/store/portfolio-composition.ts';
import { RiskClass } from '#shared/domain/risk/assessment.ts';
import { Tier } from '#shared/domain/subject.ts';
import { ConfigError } from '#shared/errors.ts';
import { openDataDir } from '#shared/local/open-data-dir.ts';
import {
  addSubject,
  allSubjects,
  importPortfolio,
  PORTFOLIO_HEADER,
  type PortfolioDependencies,
  type PortfolioReader,
  removeSubject,
  type SubjectDetails,
  type SubjectHistorySource,
  type SubjectSummary,
  showSubject,
} from '#shared/use-cases/import-portfolio.ts';
import { describeFlags, type FlagSpecs, parseFlags, UsageError } from './args.ts';
import type { CliCommand, CliIO } from './command.ts';

const TARGET_FLAGS = {
  'data-dir': {
    kind: 'string',
    default: '.credmon',
    description: 'local state, as `credmon local` leaves it (or a `credmon local --serve` on it)',
  },
  stack: {
    kind: 'string',
    description: 'work on a deployed stack instead: its table etc. from the environment (see below)',
  },
} as const satisfies FlagSpecs;

const STACK_NOTE = `With --stack NAME the command talks to the deployed stack's table through the usual AWS
credentials and region (AWS_PROFILE, AWS_REGION, …). Its resource names come from the environment,
as the functions see them: TABLE_NAME, CREDMON_TOKEN_KEY and CREDMON_SEAL_KEY (the deploy guide shows
how to read them from the stack outputs and Secrets Manager), and EVENT_BUS_NAME, without which new
subjects wait for their tier's next run instead of getting their baseline check at once.`;

/** What a portfolio command works on, and how to let go of it. */
interface Target {
  readonly deps: PortfolioDependencies;
  readonly reader: PortfolioReader;
  readonly history: SubjectHistorySource;
  close(): Promise<void>;
}

async function openTarget(
  flags: { 'data-dir': string; stack: string | undefined },
  io: CliIO,
): Promise<Target> {
  if (flags.stack) {
    let config: ReturnType<typeof loadPortfolioConfig>;
    try {
      config = loadPortfolioConfig(io.env);
    } catch (error) {
      throw new ConfigError(
        `--stack ${flags.stack}: the stack's table and keys come from the environment: ${(error as Error).message}`,
      );
    }
    const { portfolio, reader, history, clients } = composePortfolio(config);
    return {
      deps: portfolio,
      reader,
      history,
      async close() {
        for (const client of Object.values(clients)) client.destroy();
      },
    };
  }
  const data = await openDataDir(resolve(io.cwd, flags['data-dir']));
  const { composition, config } = data;
  return {
    // The directory's event bus: a served stack checks the new subjects at once; a stopped one
    // keeps the requests on its fan-out queue for the next `credmon local`.
    deps: {
      store: composition.store,
      sealer: composition.sealer,
      tokenKey: config.tokenKey,
      bus: composition.bus,
    },
    reader: new DynamoPortfolioReader(composition.clients.dynamodb, config.tableName),
    history: composition.store,
    close: () => data.close(),
  };
}

async function withTarget<T>(
  flags: { 'data-dir': string; stack: string | undefined },
  io: CliIO,
  work: (target: Target) => Promise<T>,
): Promise<T> {
  const target = await openTarget(flags, io);
  try {
    return await work(target);
  } finally {
    await target.close();
  }
}

// ——— import ———

const IMPORT_FLAGS = {
  ...TARGET_FLAGS,
  json: {
    kind: 'boolean',
    default: false,
    description: 'end stdout with one JSON line {imported, unchanged, rejected: [{line, reason}]}',
  },
} as const satisfies FlagSpecs;

const IMPORT_HELP = `Usage: credmon portfolio import FILE.csv [flags]

Enrols the subjects of a CSV file (UTF-8, comma separated, header first):
  ${PORTFOLIO_HEADER}
kind is business or individual; country NO or GB (ISO 3166-1 alpha-2); businesses need registryId
(Norwegian organisation number with its check digit, or UK company number such as SC571653),
individuals nationalId (Norwegian national id, or UK National Insurance number; names of
individuals are read but never stored); tier daily, weekly or monthly (feed for Norwegian
businesses); creditLimit, paymentTermsDays and exposure optional, not negative. Portfolios are
created on first use. Good rows are enrolled, bad rows reported with line and reason; a re-run
imports nothing twice. A file with a bad encoding, broken quoting or a missing header column is
rejected whole.

${describeFlags(IMPORT_FLAGS)}

${STACK_NOTE}`;

export const portfolioImportCommand: CliCommand = {
  name: 'portfolio import',
  summary: 'enrol the subjects of a CSV file; report rejected rows',
  help: IMPORT_HELP,
  async run(argv, io) {
    const { flags, positionals, help } = parseFlags(argv, IMPORT_FLAGS, {
      positionals: { min: 1, max: 1, names: 'FILE.csv' },
    });
    if (help) return printHelp(io, IMPORT_HELP);
    const file = positionals[0] as string;
    const bytes = readFileSync(resolve(io.cwd, file));
    const report = await withTarget(flags, io, (target) => importPortfolio(bytes, file, target.deps));
    io.stdout.write(
      `${file}: ${report.imported} imported (${report.imported - report.updated} new, ${report.updated} updated), ${report.unchanged} unchanged, ${report.rejected.length} rejected\n`,
    );
    for (const { line, reason } of report.rejected) io.stdout.write(`  line ${line}: ${reason}\n`);
    if (flags.json) {
      const { imported, unchanged, rejected } = report;
      io.stdout.write(`${JSON.stringify({ imported, unchanged, rejected })}\n`);
    }
    return 0;
  },
};

// ——— add ———

const ADD_FLAGS = {
  id: { kind: 'string', description: "the company's own id of the subject (customer number)" },
  kind: { kind: 'string', default: 'business', description: 'business or individual' },
  country: { kind: 'string', description: 'NO or GB' },
  'registry-id': { kind: 'string', description: 'organisation / company number (businesses)' },
  'national-id': {
    kind: 'string',
    description: 'national id (individuals); prefer CREDMON_NATIONAL_ID in the environment',
  },
  portfolio: { kind: 'string', description: 'portfolio (created on first use)' },
  tier: { kind: 'string', default: 'weekly', description: 'daily, weekly, monthly (feed: NO businesses)' },
  'credit-limit': { kind: 'number', min: 0, description: 'current credit limit' },
  'payment-terms-days': { kind: 'integer', min: 0, description: 'current payment terms in days' },
  exposure: { kind: 'number', min: 0, description: 'current open exposure' },
  ...TARGET_FLAGS,
  json: { kind: 'boolean', default: false, description: 'end stdout with one JSON line {id, outcome}' },
} as const satisfies FlagSpecs;

const ADD_HELP = `Usage: credmon portfolio add --id ID --country CC (--registry-id N | --kind individual) --portfolio P [flags]

Enrols one subject, validated like a row of \`portfolio import\`. A national id on the command line
lands in the shell's history: put it in CREDMON_NATIONAL_ID instead.

${describeFlags(ADD_FLAGS)}

${STACK_NOTE}`;

export const portfolioAddCommand: CliCommand = {
  name: 'portfolio add',
  summary: 'enrol one subject',
  help: ADD_HELP,
  async run(argv, io) {
    const { flags, help } = parseFlags(argv, ADD_FLAGS);
    if (help) return printHelp(io, ADD_HELP);
    for (const required of ['id', 'country', 'portfolio'] as const) {
      if (flags[required] === undefined) throw new UsageError(`--${required} is required`);
    }
    const outcome = await withTarget(flags, io, (target) =>
      addSubject(
        {
          id: flags.id ?? null,
          kind: flags.kind,
          country: flags.country ?? null,
          registryId: flags['registry-id'] ?? null,
          nationalId: flags['national-id'] ?? io.env.CREDMON_NATIONAL_ID ?? null,
          portfolio: flags.portfolio ?? null,
          tier: flags.tier,
          creditLimit: flags['credit-limit'] ?? null,
          paymentTermsDays: flags['payment-terms-days'] ?? null,
          exposure: flags.exposure ?? null,
        },
        target.deps,
      ),
    );
    io.stdout.write(`${flags.id}: ${outcome}\n`);
    if (flags.json) io.stdout.write(`${JSON.stringify({ id: flags.id, outcome })}\n`);
    return 0;
  },
};

// ——— remove ———

const REMOVE_FLAGS = {
  ...TARGET_FLAGS,
  json: { kind: 'boolean', default: false, description: 'end stdout with one JSON line {id, removed}' },
} as const satisfies FlagSpecs;

const REMOVE_HELP = `Usage: credmon portfolio remove ID [flags]

Stops monitoring a subject. For an individual it also erases the personal data: the sealed national
id, its token, the snapshots and the alert history. A business's history is kept.

${describeFlags(REMOVE_FLAGS)}

${STACK_NOTE}`;

export const portfolioRemoveCommand: CliCommand = {
  name: 'portfolio remove',
  summary: "stop monitoring a subject (an individual's data is erased)",
  help: REMOVE_HELP,
  async run(argv, io) {
    const { flags, positionals, help } = parseFlags(argv, REMOVE_FLAGS, {
      positionals: { min: 1, max: 1, names: 'ID' },
    });
    if (help) return printHelp(io, REMOVE_HELP);
    const id = positionals[0] as string;
    const removed = await withTarget(flags, io, (target) => removeSubject(id, target.deps.store));
    io.stdout.write(removed ? `${id}: removed\n` : `${id}: no such subject\n`);
    if (flags.json) io.stdout.write(`${JSON.stringify({ id, removed })}\n`);
    return removed ? 0 : 1;
  },
};

// ——— list ———

const LIST_FLAGS = {
  class: { kind: 'string', description: 'only subjects of this risk class (A, B, C, D)' },
  tier: { kind: 'string', description: 'only subjects enrolled on this tier' },
  portfolio: { kind: 'string', description: 'only this portfolio' },
  ...TARGET_FLAGS,
  json: { kind: 'boolean', default: false, description: 'print one JSON line {count, subjects} instead' },
} as const satisfies FlagSpecs;

const LIST_HELP = `Usage: credmon portfolio list [flags]

Lists the monitored subjects by portfolio, risk class and id (class '-' until the first check).

${describeFlags(LIST_FLAGS)}

${STACK_NOTE}`;

export const portfolioListCommand: CliCommand = {
  name: 'portfolio list',
  summary: 'list monitored subjects (filter by class, tier, portfolio)',
  help: LIST_HELP,
  async run(argv, io) {
    const { flags, help } = parseFlags(argv, LIST_FLAGS);
    if (help) return printHelp(io, LIST_HELP);
    const riskClass =
      flags.class === undefined ? null : parseEnum(RiskClass, flags.class.toUpperCase(), 'class');
    const tier = flags.tier === undefined ? null : parseEnum(Tier, flags.tier.toLowerCase(), 'tier');
    const subjects = await withTarget(flags, io, async (target) => {
      const found: SubjectSummary[] = [];
      for await (const subject of allSubjects(
        { riskClass, tier, portfolioId: flags.portfolio ?? null },
        target.reader,
      )) {
        found.push(subject);
      }
      return found;
    });
    if (flags.json) {
      io.stdout.write(`${JSON.stringify({ count: subjects.length, subjects })}\n`);
      return 0;
    }
    io.stdout.write(`${formatList(subjects)}\n`);
    return 0;
  },
};

/** A fixed-width table of subjects, with a count line. */
export function formatList(subjects: readonly SubjectSummary[]): string {
  const rows = subjects.map((s) => [
    s.portfolioId,
    s.id,
    s.kind,
    s.country,
    s.registryId ?? '',
    s.tier === s.effectiveTier ? s.tier : `${s.tier}→${s.effectiveTier}`,
    s.riskClass ?? '-',
    s.pd === null ? '' : `${(s.pd * 100).toFixed(2)}%`,
    s.exposure === null ? '' : String(s.exposure),
  ]);
  const header = ['PORTFOLIO', 'ID', 'KIND', 'CC', 'REGISTRY ID', 'TIER', 'CLASS', 'PD', 'EXPOSURE'];
  const widths = header.map((title, column) =>
    Math.max(title.length, ...rows.map((row) => row[column]?.length ?? 0)),
  );
  const line = (cells: readonly string[]) =>
    cells
      .map((cell, column) => cell.padEnd(widths[column] ?? 0))
      .join('  ')
      .trimEnd();
  return [
    line(header),
    ...rows.map(line),
    `${subjects.length} subject${subjects.length === 1 ? '' : 's'}`,
  ].join('\n');
}

// ——— show ———

const SHOW_FLAGS = {
  ...TARGET_FLAGS,
  json: { kind: 'boolean', default: false, description: 'print one JSON line with everything instead' },
} as const satisfies FlagSpecs;

const SHOW_HELP = `Usage: credmon portfolio show ID [flags]

Shows a subject: enrolment, current snapshot, risk class with reasons, recommended actions, and its
history of checks and alerts.

${describeFlags(SHOW_FLAGS)}

${STACK_NOTE}`;

export const portfolioShowCommand: CliCommand = {
  name: 'portfolio show',
  summary: 'show a subject: snapshot, class, reasons, actions, history',
  help: SHOW_HELP,
  async run(argv, io) {
    const { flags, positionals, help } = parseFlags(argv, SHOW_FLAGS, {
      positionals: { min: 1, max: 1, names: 'ID' },
    });
    if (help) return printHelp(io, SHOW_HELP);
    const id = positionals[0] as string;
    const details = await withTarget(flags, io, (target) =>
      showSubject(id, { store: target.deps.store, history: target.history }),
    );
    if (!details) {
      io.stderr.write(`credmon portfolio show: no subject ${id}\n`);
      return 1;
    }
    io.stdout.write(flags.json ? `${JSON.stringify(details)}\n` : `${formatDetails(details)}\n`);
    return 0;
  },
};

/** The human-readable `portfolio show`. */
export function formatDetails(d: SubjectDetails): string {
  const s = d.subject;
  const snapshot = d.snapshot;
  const lines = [
    `${s.id} · ${s.kind} ${s.country}${s.registryId ? ` ${s.registryId}` : ''} · portfolio ${s.portfolioId}`,
    `  monitored ${d.monitored ? 'yes' : 'no'} · tier ${s.tier}${d.effectiveTier === s.tier ? '' : ` (checked ${d.effectiveTier})`} · version ${d.version} · last checked ${d.lastCheckedAt ?? 'never'}`,
    `  terms: credit limit ${s.creditLimit ?? '-'}, payment terms ${s.paymentTermsDays ?? '-'} days, exposure ${s.exposure ?? '-'}`,
  ];
  if (snapshot) {
    lines.push(
      `  snapshot: ${snapshot.identity.name ?? '(no name)'} · ${snapshot.status.state}${snapshot.status.since ? ` since ${snapshot.status.since}` : ''}`,
    );
  }
  if (d.risk) {
    lines.push(`  risk class ${d.risk.class} · PD ${(d.risk.pd * 100).toFixed(2)}% (${d.risk.model})`);
    for (const reason of d.risk.reasons) lines.push(`    ${reason.code}: ${reason.text}`);
  } else {
    lines.push('  risk: not assessed yet');
  }
  lines.push(
    `  actions: ${d.actions.length > 0 ? d.actions.map((a) => ('reason' in a ? `${a.type} (${a.reason})` : a.type)).join(', ') : 'none'}`,
  );
  lines.push(`  checks with changes: ${d.checks.length}`);
  for (const check of d.checks.slice(0, 10)) {
    lines.push(
      `    v${check.version} ${check.checkedAt} class ${check.riskClass ?? '-'} · ${check.changes.length} change(s)`,
    );
  }
  lines.push(`  alerts: ${d.alerts.length}`);
  for (const alert of d.alerts.slice(0, 20)) {
    const move =
      alert.previousRiskClass && alert.previousRiskClass !== alert.riskClass
        ? `${alert.previousRiskClass}→${alert.riskClass}`
        : (alert.riskClass ?? '-');
    lines.push(
      `    ${alert.detectedAt.slice(0, 10)} ${alert.severity.padEnd(8)} ${alert.type} class ${move}`,
    );
  }
  return lines.join('\n');
}

export const PORTFOLIO_COMMANDS: readonly CliCommand[] = [
  portfolioImportCommand,
  portfolioAddCommand,
  portfolioRemoveCommand,
  portfolioListCommand,
  portfolioShowCommand,
];

function printHelp(io: CliIO, help: string): number {
  io.stdout.write(`${help}\n`);
  return 0;
}

function parseEnum<T extends string>(schema: z.ZodEnum<Record<T, T>>, value: string, flag: string): T {
  const parsed = schema.safeParse(value);
  if (!parsed.success)
    throw new UsageError(`--${flag} must be one of ${schema.options.join(', ')}, got '${value}'`);
  return parsed.data;
}
