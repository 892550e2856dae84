/**
 * `credmon ledger import FILE [--data-dir DIR] [--json] [--as-of DATE]`: reads the company's
 * accounts-receivable ledger (CSV or JSON, by extension), reports rejected rows with their line and
 * reason, computes each customer's payment experience (PAYDEX) and stores it on the monitored subject
 * in the data directory, where the next check's risk assessment reads it.
 */
import { readFile } from 'node:fs/promises';
import { extname, resolve } from 'node:path';
import {
  LEDGER_COLUMNS,
  type LedgerRejection,
  type LedgerRow,
  parseLedgerJson,
  paymentExperienceByCustomer,
  validateLedgerCsvRecords,
} from '#shared/domain/ledger.ts';
import { epochDay, type PaymentExperience } from '#shared/domain/risk/paydex.ts';
import { InputError } from '#shared/errors.ts';
import { openDataDir } from '#shared/local/open-data-dir.ts';
import { type LedgerPersistResult, persistPaymentExperience } from '#shared/use-cases/import-ledger.ts';
import { describeFlags, parseFlags, UsageError } from './args.ts';
import type { CliCommand } from './command.ts';
import { type CsvRecord, readCsv } from './csv.ts';

const FLAGS = {
  'as-of': {
    kind: 'string',
    description: 'compute the payment experience as of this date, YYYY-MM-DD (default: today, UTC)',
  },
  'data-dir': {
    kind: 'string',
    default: '.credmon',
    description: 'the local data directory whose subjects get the payment experience',
  },
  json: { kind: 'boolean', description: 'end stdout with a JSON summary line', default: false },
} as const;

export interface LedgerImport {
  rows: LedgerRow[];
  rejected: LedgerRejection[];
  experience: Map<string, PaymentExperience>;
}

/** The `--json` summary line. */
export interface LedgerImportSummary {
  imported: number;
  rejected: LedgerRejection[];
  customers: number;
  /** Customers whose experience was stored on a monitored subject. */
  stored: number;
  /** Customer ids that are not monitored subjects: their experience was not stored. */
  unknown: string[];
}

export interface LedgerImportDependencies {
  /** Stores each customer's payment experience (the subject store, in the composed app). */
  persist(
    experience: Map<string, PaymentExperience>,
    context: { readonly dataDir: string },
  ): Promise<LedgerPersistResult>;
}

/**
 * Reads and validates a ledger file (`.csv` or `.json`) and computes every customer's payment
 * experience at `asOf`. Bad rows are returned as rejected, not thrown; an unreadable file, a CSV
 * syntax error or an unknown extension throws {@link InputError} naming the file.
 *
 * @example
 * const { rows, rejected, experience } = await importLedgerFile('ar-ledger.csv', '2026-11-01');
 * experience.get('acme-no')?.paydex; // e.g. 78.5
 */
export async function importLedgerFile(path: string, asOf: string): Promise<LedgerImport> {
  if (Number.isNaN(epochDay(asOf))) {
    throw new InputError(`--as-of: not a calendar date (expected YYYY-MM-DD), got '${asOf}'`);
  }
  const extension = extname(path).toLowerCase();
  let parsed: { rows: LedgerRow[]; rejected: LedgerRejection[] };
  if (extension === '.csv') {
    const records: CsvRecord[] = [];
    try {
      for await (const record of readCsv(path)) records.push(record);
    } catch (error) {
      throw asInputError(path, error);
    }
    parsed = validateLedgerCsvRecords(records);
  } else if (extension === '.json') {
    let text: string;
    try {
      text = await readFile(path, 'utf8');
    } catch (error) {
      throw asInputError(path, error);
    }
    parsed = parseLedgerJson(text);
  } else {
    throw new InputError(`${path}: expected a .csv or .json file`);
  }
  return { ...parsed, experience: paymentExperienceByCustomer(parsed.rows, asOf) };
}

function asInputError(path: string, error: unknown): InputError {
  if (error instanceof InputError) return error;
  const message = error instanceof Error ? error.message : String(error);
  return new InputError(`${path}: cannot read: ${message}`, { cause: error });
}

const HELP = [
  'usage: credmon ledger import FILE.csv|FILE.json [--data-dir DIR] [--json] [--as-of YYYY-MM-DD]',
  '',
  `Columns (CSV header names or JSON keys): ${LEDGER_COLUMNS.join(',')}.`,
  'Dates are YYYY-MM-DD, amounts use a decimal point; an empty paidDate means the invoice is open and',
  'an empty paidAmount means paid in full. Extra columns are ignored. JSON: an array of invoice objects',
  'or {"invoices": [...]}. Re-importing an invoice (same customerId and invoiceId) updates it.',
  '',
  'Rejected rows are printed to stderr as FILE:LINE: reason; the good rows are imported. Exit code 1',
  'when nothing could be imported because of rejected rows or an unreadable file.',
  '',
  "Each customer's payment experience is stored on the monitored subject with the same id in the data",
  'directory (customers that are not monitored are listed, not created); the next check of the subject',
  'then re-assesses it, even when the bureaus report nothing new, and alerts if its risk class moves.',
  '',
  describeFlags(FLAGS),
].join('\n');

/**
 * The `ledger import` command with its persistence injected: the composed CLI passes the store.
 *
 * @example
 * const command = createLedgerImportCommand({ persist: (experience) => persistPaymentExperience(experience, store) });
 * await command.run(['ar-ledger.csv', '--json'], io);
 */
export function createLedgerImportCommand(deps: LedgerImportDependencies): CliCommand {
  const command: CliCommand = {
    name: 'ledger import',
    summary: "import the accounts-receivable ledger (CSV or JSON): customers' payment experience and PAYDEX",
    help: HELP,
    async run(argv, io) {
      let parsed: ReturnType<typeof parseFlags<typeof FLAGS>>;
      try {
        parsed = parseFlags(argv, FLAGS, { positionals: { min: 1, max: 1, names: 'FILE' } });
      } catch (error) {
        if (!(error instanceof UsageError)) throw error;
        io.stderr.write(`credmon ledger import: ${error.message}\n${HELP}\n`);
        return 2;
      }
      if (parsed.help) {
        io.stdout.write(`${HELP}\n`);
        return 0;
      }
      const file = parsed.positionals[0] ?? '';
      const asOf = parsed.flags['as-of'] ?? new Date().toISOString().slice(0, 10);
      let result: LedgerImport;
      try {
        result = await importLedgerFile(resolve(io.cwd, file), asOf);
      } catch (error) {
        if (!(error instanceof InputError)) throw error;
        io.stderr.write(`credmon ledger import: ${error.message}\n`);
        return 1;
      }
      for (const { line, reason } of result.rejected) io.stderr.write(`${file}:${line}: ${reason}\n`);
      const persisted =
        result.rows.length > 0
          ? await deps.persist(result.experience, { dataDir: resolve(io.cwd, parsed.flags['data-dir']) })
          : { stored: 0, unknown: [] };
      if (persisted.unknown.length > 0) {
        io.stderr.write(
          `not monitored (experience not stored): ${persisted.unknown.slice(0, 20).join(', ')}` +
            `${persisted.unknown.length > 20 ? ` and ${persisted.unknown.length - 20} more` : ''}\n`,
        );
      }
      io.stderr.write(
        `imported ${result.rows.length} invoices for ${result.experience.size} customers as of ${asOf}; ` +
          `stored ${persisted.stored}; rejected ${result.rejected.length} rows\n`,
      );
      if (parsed.flags.json) {
        const summary: LedgerImportSummary = {
          imported: result.rows.length,
          rejected: result.rejected,
          customers: result.experience.size,
          stored: persisted.stored,
          unknown: persisted.unknown,
        };
        io.stdout.write(`${JSON.stringify(summary)}\n`);
      }
      return result.rows.length === 0 && result.rejected.length > 0 ? 1 : 0;
    },
  };
  return command;
}

/** The command as `credmon` runs it: stores into the data directory (or the server that holds it). */
export const ledgerImportCommand: CliCommand = createLedgerImportCommand({
  async persist(experience, { dataDir }) {
    const data = await openDataDir(dataDir);
    try {
      return await persistPaymentExperience(experience, data.composition.store);
    } finally {
      await data.close();
    }
  },
});
