/**
 * The company's accounts-receivable ledger: its invoices to monitored customers, imported from an
 * ERP export (CSV or JSON), validated row by row, and turned into each customer's
 * {@link PaymentExperience} (PAYDEX, days beyond terms) for the risk model.
 *
 * Columns (CSV header names, JSON keys): `customerId,invoiceId,issueDate,dueDate,amount,currency,
 * paidDate,paidAmount`. `paidDate` empty means the invoice is open; `paidAmount` empty means paid in
 * full. Other columns are ignored so that raw ERP exports can be imported as they are.
 */
import { z } from 'zod';
import { epochDay, type PaymentExperience, paydexFromDaysBeyondTerms } from './risk/paydex.ts';
import { IsoDate } from './snapshot.ts';
import { SubjectId } from './subject.ts';

export const LEDGER_COLUMNS = [
  'customerId',
  'invoiceId',
  'issueDate',
  'dueDate',
  'amount',
  'currency',
  'paidDate',
  'paidAmount',
] as const;
export type LedgerColumn = (typeof LEDGER_COLUMNS)[number];

/** Columns a file must have; the payment columns may be left out of a ledger of open invoices. */
export const REQUIRED_LEDGER_COLUMNS: readonly LedgerColumn[] = [
  'customerId',
  'invoiceId',
  'issueDate',
  'dueDate',
  'amount',
  'currency',
];

export const LedgerRow = z.object({
  /** The monitored subject's id: the experience is stored on that subject. */
  customerId: SubjectId,
  invoiceId: z.string().min(1).max(128),
  issueDate: IsoDate,
  dueDate: IsoDate,
  /** Invoice amount; credit notes are not invoices and are rejected. */
  amount: z.number().positive(),
  currency: z.string().regex(/^[A-Z]{3}$/),
  /** null: open. */
  paidDate: IsoDate.nullable(),
  /** null: paid in full (when `paidDate` is set). Less than `amount`: the rest is still open. */
  paidAmount: z.number().nonnegative().nullable(),
});
export type LedgerRow = z.infer<typeof LedgerRow>;

/** One raw row and the line of the file it starts on (1-based; a CSV header is line 1). */
export interface LedgerRecord {
  readonly line: number;
  readonly values: Readonly<Record<string, unknown>>;
}

export interface LedgerRejection {
  readonly line: number;
  /** `<column>: <reason>`; several problems are joined with `; `. */
  readonly reason: string;
}

export interface LedgerParseResult {
  rows: LedgerRow[];
  rejected: LedgerRejection[];
}

/** The key that makes re-imports idempotent: one invoice per customer and invoice id. */
export function invoiceKey(row: Pick<LedgerRow, 'customerId' | 'invoiceId'>): string {
  return `${row.customerId}\u0000${row.invoiceId}`;
}

/**
 * Validates raw ledger records row by row. A bad row is rejected with its line and a reason naming
 * the column; good rows pass. A second row for the same customer and invoice id within one import is
 * rejected (it is ambiguous which one is right); across imports, {@link mergeLedgerRows} updates.
 *
 * @example
 * const { rows, rejected } = validateLedgerRecords([
 *   { line: 2, values: { customerId: 'c1', invoiceId: 'i1', issueDate: '2026-01-01', dueDate: '2026-01-31',
 *                        amount: '1000', currency: 'NOK', paidDate: '', paidAmount: '' } },
 *   { line: 3, values: { customerId: 'c1', invoiceId: 'i2', issueDate: '2026-01-01', dueDate: '2026-01-31',
 *                        amount: '-5', currency: 'NOK' } },
 * ]);
 * rows.length; // 1
 * rejected; // [{ line: 3, reason: "amount: must be a number greater than 0, got '-5'" }]
 */
export function validateLedgerRecords(records: readonly LedgerRecord[]): LedgerParseResult {
  const rows: LedgerRow[] = [];
  const rejected: LedgerRejection[] = [];
  const seen = new Map<string, number>();
  for (const record of records) {
    const problems: string[] = [];
    const row = toRow(record.values, problems);
    if (row !== null) {
      const key = invoiceKey(row);
      const first = seen.get(key);
      if (first !== undefined) {
        problems.push(`invoiceId: duplicate of line ${first} for the same customerId`);
      } else {
        seen.set(key, record.line);
      }
    }
    if (row === null || problems.length > 0) {
      rejected.push({ line: record.line, reason: problems.join('; ') });
    } else {
      rows.push(row);
    }
  }
  return { rows, rejected };
}

function toRow(values: Readonly<Record<string, unknown>>, problems: string[]): LedgerRow | null {
  const customerId = text(values, 'customerId', problems);
  if (customerId !== null && !SubjectId.safeParse(customerId).success) {
    problems.push('customerId: use letters, digits and . _ : - only (at most 128)');
  }
  const invoiceId = text(values, 'invoiceId', problems);
  if (invoiceId !== null && invoiceId.length > 128) problems.push('invoiceId: longer than 128 characters');
  const issueDate = date(values, 'issueDate', true, problems);
  const dueDate = date(values, 'dueDate', true, problems);
  const amount = number(values, 'amount', true, problems);
  if (amount !== null && !(amount > 0)) {
    problems.push(`amount: must be a number greater than 0, got '${show(values.amount)}'`);
  }
  const currency = text(values, 'currency', problems);
  if (currency !== null && !/^[A-Z]{3}$/.test(currency)) {
    problems.push(`currency: expected a three-letter ISO 4217 code, got '${show(currency)}'`);
  }
  const paidDate = date(values, 'paidDate', false, problems);
  const paidAmount = number(values, 'paidAmount', false, problems);
  if (paidAmount !== null && paidAmount < 0) {
    problems.push(`paidAmount: must not be negative, got '${show(values.paidAmount)}'`);
  }
  if (paidAmount !== null && isBlank(values.paidDate)) {
    problems.push('paidDate: required when paidAmount is set');
  }
  if (issueDate !== null && dueDate !== null && epochDay(dueDate) < epochDay(issueDate)) {
    problems.push(`dueDate: ${dueDate} is before issueDate ${issueDate}`);
  }
  if (
    problems.length > 0 ||
    customerId === null ||
    invoiceId === null ||
    issueDate === null ||
    dueDate === null ||
    amount === null ||
    currency === null
  ) {
    return null;
  }
  return { customerId, invoiceId, issueDate, dueDate, amount, currency, paidDate, paidAmount };
}

function isBlank(value: unknown): boolean {
  return value === undefined || value === null || (typeof value === 'string' && value.trim() === '');
}

function show(value: unknown): string {
  const shown = typeof value === 'string' ? value : JSON.stringify(value);
  return shown.length > 40 ? `${shown.slice(0, 40)}…` : shown;
}

function text(
  values: Readonly<Record<string, unknown>>,
  column: LedgerColumn,
  problems: string[],
): string | null {
  const value = values[column];
  if (isBlank(value)) {
    problems.push(`${column}: missing`);
    return null;
  }
  if (typeof value !== 'string' && typeof value !== 'number') {
    problems.push(`${column}: expected text, got ${typeof value}`);
    return null;
  }
  return String(value).trim();
}

function date(
  values: Readonly<Record<string, unknown>>,
  column: LedgerColumn,
  required: boolean,
  problems: string[],
): string | null {
  const value = values[column];
  if (isBlank(value)) {
    if (required) problems.push(`${column}: missing`);
    return null;
  }
  const trimmed = typeof value === 'string' ? value.trim() : '';
  if (Number.isNaN(epochDay(trimmed))) {
    problems.push(`${column}: not a calendar date (expected YYYY-MM-DD), got '${show(value)}'`);
    return null;
  }
  return trimmed;
}

const DECIMAL = /^-?\d+(\.\d+)?$/;

function number(
  values: Readonly<Record<string, unknown>>,
  column: LedgerColumn,
  required: boolean,
  problems: string[],
): number | null {
  const value = values[column];
  if (isBlank(value)) {
    if (required) problems.push(`${column}: missing`);
    return null;
  }
  // Only a plain decimal point: "1,234" is a thousands separator in one locale and a decimal in another.
  const parsed =
    typeof value === 'number'
      ? value
      : typeof value === 'string' && DECIMAL.test(value.trim())
        ? Number(value)
        : NaN;
  if (!Number.isFinite(parsed)) {
    problems.push(
      `${column}: not a number (use a decimal point, no thousands separator), got '${show(value)}'`,
    );
    return null;
  }
  return parsed;
}

/**
 * Parses a CSV ledger (RFC 4180: comma-separated, double-quoted fields may hold commas, quotes and
 * line breaks) with a header row, then validates it with {@link validateLedgerCsvRecords}.
 *
 * @example
 * const csv = 'customerId,invoiceId,issueDate,dueDate,amount,currency,paidDate,paidAmount\n' +
 *   'c1,i1,2026-01-01,2026-01-31,1000,NOK,2026-02-10,\n';
 * parseLedgerCsv(csv).rows[0]?.paidDate; // '2026-02-10'
 */
export function parseLedgerCsv(csv: string): LedgerParseResult {
  return validateLedgerCsvRecords(tokenizeCsv(csv));
}

/**
 * Validates already split CSV records, the header first (what shared/cli/csv.ts `readCsv` yields).
 * Columns are found by header name in any order; a header without a required column rejects the file
 * as its line; a row with more fields than the header is rejected.
 *
 * @example
 * validateLedgerCsvRecords([{ line: 1, fields: ['customerId'] }]).rejected[0]?.reason;
 * // 'header: missing column invoiceId, issueDate, dueDate, amount, currency'
 */
export function validateLedgerCsvRecords(
  records: Iterable<{ readonly line: number; readonly fields: readonly string[] }>,
): LedgerParseResult {
  let names: string[] | null = null;
  let headerLine = 1;
  const rejected: LedgerRejection[] = [];
  const ledgerRecords: LedgerRecord[] = [];
  for (const record of records) {
    if (names === null) {
      names = record.fields.map((cell, i) => (i === 0 ? cell.replace(/^\uFEFF/, '') : cell).trim());
      headerLine = record.line;
      continue;
    }
    if (record.fields.length > names.length) {
      rejected.push({
        line: record.line,
        reason: `row: ${record.fields.length} fields, header has ${names.length}`,
      });
      continue;
    }
    const values: Record<string, string> = {};
    for (let i = 0; i < record.fields.length; i++) {
      const name = names[i];
      const cell = record.fields[i];
      if (name !== undefined && cell !== undefined) values[name] = cell;
    }
    ledgerRecords.push({ line: record.line, values });
  }
  if (names === null) return { rows: [], rejected: [{ line: 1, reason: 'header: the file is empty' }] };
  const header = names;
  const missing = REQUIRED_LEDGER_COLUMNS.filter((column) => !header.includes(column));
  if (missing.length > 0) {
    return {
      rows: [],
      rejected: [{ line: headerLine, reason: `header: missing column ${missing.join(', ')}` }],
    };
  }
  const result = validateLedgerRecords(ledgerRecords);
  return { rows: result.rows, rejected: [...rejected, ...result.rejected].sort((a, b) => a.line - b.line) };
}

interface CsvRecord {
  line: number;
  fields: string[];
}

function tokenizeCsv(csv: string): CsvRecord[] {
  const records: CsvRecord[] = [];
  let cells: string[] = [];
  let cell = '';
  let quoted = false;
  let line = 1;
  let recordLine = 1;
  let recordHasContent = false;
  const endRecord = () => {
    cells.push(cell);
    if (recordHasContent) records.push({ line: recordLine, fields: cells });
    cells = [];
    cell = '';
    recordHasContent = false;
  };
  for (let i = 0; i < csv.length; i++) {
    const c = csv[i];
    if (quoted) {
      if (c === '"') {
        if (csv[i + 1] === '"') {
          cell += '"';
          i++;
        } else {
          quoted = false;
        }
      } else {
        if (c === '\n') line++;
        cell += c;
      }
      continue;
    }
    if (c === '"') {
      quoted = true;
      recordHasContent = true;
    } else if (c === ',') {
      cells.push(cell);
      cell = '';
      recordHasContent = true;
    } else if (c === '\n' || c === '\r') {
      if (c === '\r' && csv[i + 1] === '\n') i++;
      endRecord();
      line++;
      recordLine = line;
    } else {
      cell += c;
      if (c !== ' ' && c !== '\t') recordHasContent = true;
    }
  }
  endRecord();
  return records;
}

/**
 * Parses a JSON ledger: an array of invoice objects with the documented keys, or `{ "invoices": [...] }`.
 * Each row's line is the line its object starts on, so rejections point into the file.
 *
 * @example
 * parseLedgerJson('[{"customerId":"c1","invoiceId":"i1","issueDate":"2026-01-01","dueDate":"2026-01-31",' +
 *   '"amount":1000,"currency":"NOK","paidDate":null}]').rows.length; // 1
 */
export function parseLedgerJson(json: string): LedgerParseResult {
  let parsed: unknown;
  try {
    parsed = JSON.parse(json);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    return { rows: [], rejected: [{ line: 1, reason: `file: not valid JSON (${message})` }] };
  }
  const list = Array.isArray(parsed)
    ? parsed
    : typeof parsed === 'object' &&
        parsed !== null &&
        Array.isArray((parsed as { invoices?: unknown }).invoices)
      ? (parsed as { invoices: unknown[] }).invoices
      : null;
  if (list === null) {
    return {
      rows: [],
      rejected: [{ line: 1, reason: 'file: expected an array of invoices or { "invoices": [...] }' }],
    };
  }
  const lines = elementLines(json, Array.isArray(parsed) ? null : 'invoices');
  const records: LedgerRecord[] = [];
  const rejected: LedgerRejection[] = [];
  list.forEach((element, index) => {
    const line = lines[index] ?? index + 1;
    if (typeof element !== 'object' || element === null || Array.isArray(element)) {
      rejected.push({ line, reason: 'row: expected an object' });
    } else {
      records.push({ line, values: element as Record<string, unknown> });
    }
  });
  const result = validateLedgerRecords(records);
  return { rows: result.rows, rejected: [...rejected, ...result.rejected].sort((a, b) => a.line - b.line) };
}

/**
 * Lines on which the invoices begin: the elements of the top-level array, or of the root object's
 * `key` array. Other arrays and objects (e.g. a `meta` block before or after) are not counted, so a
 * rejection's line points at its own object.
 */
function elementLines(json: string, key: string | null): number[] {
  const depth = key === null ? 1 : 2;
  let lines: number[] = [];
  let level = 0;
  let line = 1;
  let inString = false;
  let stringStart = 0;
  let lastString: string | null = null;
  let lastKey: string | null = null;
  let inTarget = false;
  let expectValue = false;
  for (let i = 0; i < json.length; i++) {
    const c = json[i];
    if (c === '\n') line++;
    if (inString) {
      if (c === '\\') i++;
      else if (c === '"') {
        inString = false;
        // The document already parsed, so every string literal in it is valid JSON.
        if (level === 1 && key !== null) lastString = JSON.parse(json.slice(stringStart, i + 1)) as string;
      }
      continue;
    }
    if (c === ' ' || c === '\t' || c === '\r' || c === '\n') continue;
    if (expectValue && inTarget && level === depth && c !== ']' && c !== '}') {
      lines.push(line);
    }
    expectValue = false;
    if (c === '"') {
      inString = true;
      stringStart = i;
    } else if (c === '[' || c === '{') {
      level++;
      if (c === '[' && level === depth && (key === null || lastKey === key)) {
        // A repeated key: JSON.parse keeps the last one, and so do we.
        lines = [];
        inTarget = true;
        expectValue = true;
      }
    } else if (c === ']' || c === '}') {
      if (inTarget && level === depth) inTarget = false;
      level--;
    } else if (c === ',') {
      if (inTarget && level === depth) expectValue = true;
      if (level === 1) lastKey = null;
    } else if (c === ':' && level === 1) {
      lastKey = lastString;
    }
  }
  return lines;
}

/**
 * Applies an import to the stored ledger: an invoice seen before (same customerId and invoiceId) is
 * replaced by its new version, so importing the same file twice changes nothing.
 *
 * @example
 * mergeLedgerRows([open], [sameInvoicePaid]); // [sameInvoicePaid]
 */
export function mergeLedgerRows(existing: readonly LedgerRow[], incoming: readonly LedgerRow[]): LedgerRow[] {
  const byKey = new Map<string, LedgerRow>();
  for (const row of existing) byKey.set(invoiceKey(row), row);
  for (const row of incoming) byKey.set(invoiceKey(row), row);
  return [...byKey.values()];
}

/** Experiences older than this (by payment date) no longer count: PAYDEX covers the last 12 months. */
const WINDOW_DAYS = 365;
/** The trend compares the last 90 days with the 90 days before. */
const TREND_DAYS = 90;

interface Accumulator {
  invoices: number;
  paidInvoices: number;
  openOverdue: number;
  weight: number;
  dbtSum: number;
  paydexSum: number;
  recentWeight: number;
  recentPaydex: number;
  previousWeight: number;
  previousPaydex: number;
  maxDbt: number | null;
}

/**
 * Each customer's payment experience at `asOf`. An experience is a paid invoice (days beyond terms =
 * paid − due, negative when early; weight = amount paid) paid in the 12 months before `asOf`, or an
 * open or short-paid invoice past its due date (days beyond terms = asOf − due; weight = amount
 * open), which counts on `asOf` however old it is. PAYDEX is the amount-weighted mean of each
 * experience's PAYDEX, as Dun & Bradstreet weighs it. Rows are de-duplicated by customer and invoice
 * id (the last wins). Invoices issued after `asOf` are ignored.
 *
 * @example
 * const experience = paymentExperienceByCustomer(rows, '2026-06-30').get('customer-1');
 * experience?.paydex; // e.g. 80 when every invoice was paid on its due date
 */
export function paymentExperienceByCustomer(
  rows: readonly LedgerRow[],
  asOf: string,
): Map<string, PaymentExperience> {
  const asOfDay = epochDay(asOf);
  if (Number.isNaN(asOfDay))
    throw new RangeError(`asOf: not a calendar date (expected YYYY-MM-DD), got '${asOf}'`);
  const latest = new Map<string, LedgerRow>();
  for (const row of rows) latest.set(invoiceKey(row), row);
  const byCustomer = new Map<string, Accumulator>();
  for (const row of latest.values()) {
    const issueDay = epochDay(row.issueDate);
    if (issueDay > asOfDay) continue;
    let acc = byCustomer.get(row.customerId);
    if (acc === undefined) {
      acc = {
        invoices: 0,
        paidInvoices: 0,
        openOverdue: 0,
        weight: 0,
        dbtSum: 0,
        paydexSum: 0,
        recentWeight: 0,
        recentPaydex: 0,
        previousWeight: 0,
        previousPaydex: 0,
        maxDbt: null,
      };
      byCustomer.set(row.customerId, acc);
    }
    acc.invoices++;
    const dueDay = epochDay(row.dueDate);
    const paidDay = row.paidDate === null ? Number.NaN : epochDay(row.paidDate);
    const paid = paidDay <= asOfDay;
    const paidAmount = paid ? Math.min(row.paidAmount ?? row.amount, row.amount) : 0;
    if (paid) {
      acc.paidInvoices++;
      if (paidAmount > 0 && paidDay > asOfDay - WINDOW_DAYS) {
        addExperience(acc, paidDay - dueDay, paidAmount, asOfDay - paidDay);
      }
    }
    const open = row.amount - paidAmount;
    if (open > 0 && dueDay < asOfDay) {
      acc.openOverdue++;
      addExperience(acc, asOfDay - dueDay, open, 0);
    }
  }
  const result = new Map<string, PaymentExperience>();
  for (const customerId of [...byCustomer.keys()].sort()) {
    const acc = byCustomer.get(customerId);
    if (acc === undefined) continue;
    const has = acc.weight > 0;
    result.set(customerId, {
      invoices: acc.invoices,
      paidInvoices: acc.paidInvoices,
      openOverdue: acc.openOverdue,
      weightedDaysBeyondTerms: has ? round2(acc.dbtSum / acc.weight) : null,
      paydex: has ? round2(acc.paydexSum / acc.weight) : null,
      paydexTrend:
        acc.recentWeight > 0 && acc.previousWeight > 0
          ? round2(acc.recentPaydex / acc.recentWeight - acc.previousPaydex / acc.previousWeight)
          : null,
      maxDaysBeyondTerms: acc.maxDbt,
      asOf,
    });
  }
  return result;
}

function addExperience(acc: Accumulator, dbt: number, weight: number, age: number): void {
  const paydex = paydexFromDaysBeyondTerms(dbt);
  acc.weight += weight;
  acc.dbtSum += weight * dbt;
  acc.paydexSum += weight * paydex;
  acc.maxDbt = acc.maxDbt === null ? dbt : Math.max(acc.maxDbt, dbt);
  if (age < TREND_DAYS) {
    acc.recentWeight += weight;
    acc.recentPaydex += weight * paydex;
  } else if (age < 2 * TREND_DAYS) {
    acc.previousWeight += weight;
    acc.previousPaydex += weight * paydex;
  }
}

function round2(value: number): number {
  return Math.round(value * 100) / 100;
}
