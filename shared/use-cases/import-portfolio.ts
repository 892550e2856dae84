/**
 * Portfolio management, the same for the CLI, the HTTP API and the S3 drop folder: import a file
 * (validated whole before anything is written), add one subject, remove one, list, show one.
 */
import type { Sealer } from '#shared/adapters/crypto/sealer.ts';
import { CsvSyntaxError, parseCsvLine } from '#shared/cli/csv.ts';
import type { RecommendedAction } from '#shared/domain/actions.ts';
import {
  MalformedPortfolioError,
  PORTFOLIO_COLUMNS,
  type PortfolioColumn,
  type PortfolioRecord,
  type PortfolioRow,
  type RejectedRow,
  validatePortfolio,
  validateRow,
} from '#shared/domain/portfolio-import.ts';
import type { RiskAssessment, RiskClass } from '#shared/domain/risk/assessment.ts';
import type { Snapshot } from '#shared/domain/snapshot.ts';
import type { Tier } from '#shared/domain/subject.ts';
import { InputError } from '#shared/errors.ts';
import { type EnrolmentRequest, enrolSubjects } from './enrol-subjects.ts';
import type { ControlBus, SubjectStore } from './ports.ts';

/** A portfolio file that cannot be read as a whole (encoding, quoting, header): nothing was imported. */
export class PortfolioFileError extends InputError {}

/** What an import did: `imported` counts new and changed enrolments, `unchanged` the ones already there. */
export interface PortfolioImportReport {
  readonly imported: number;
  readonly unchanged: number;
  readonly rejected: RejectedRow[];
  /** Of `imported`, how many were enrolled before with other values. */
  readonly updated: number;
}

export interface PortfolioDependencies {
  readonly store: SubjectStore;
  readonly sealer: Sealer;
  readonly tokenKey: string;
  /** Tiers the deployment schedules. @default daily, weekly, monthly (+ feed for feed countries) */
  readonly tiers?: readonly Tier[];
  /** Where each new or changed subject's baseline request goes; none are sent without it. */
  readonly bus?: ControlBus | null;
}

/**
 * Decodes and validates a portfolio file. Throws {@link PortfolioFileError} when the file as a
 * whole is unreadable: invalid UTF-8, broken quoting, a missing header column.
 *
 * @example
 * const { rows, rejected } = parsePortfolioFile(readFileSync('debtors.csv'), 'debtors.csv');
 */
export function parsePortfolioFile(
  bytes: Uint8Array,
  file: string,
  options: { readonly tiers?: readonly Tier[] } = {},
): { rows: PortfolioRow[]; rejected: RejectedRow[] } {
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    const lenient = new TextDecoder('utf-8').decode(bytes);
    const at = lenient.indexOf('\uFFFD');
    const line = lenient.slice(0, Math.max(0, at)).split('\n').length;
    throw new PortfolioFileError(`${file}:${line}: not valid UTF-8; save the file as UTF-8 and import again`);
  }
  try {
    return validatePortfolio(csvRecords(text.replace(/^\uFEFF/, ''), file), {
      file,
      ...(options.tiers ? { tiers: options.tiers } : {}),
    });
  } catch (error) {
    if (error instanceof MalformedPortfolioError || error instanceof CsvSyntaxError) {
      throw new PortfolioFileError(`${error.message}; nothing was imported`, { cause: error });
    }
    throw error;
  }
}

/**
 * Imports a portfolio file: every row is validated before the first write, so a malformed file
 * writes nothing; good rows are enrolled (idempotent by subject id), bad rows reported. Each new
 * or changed subject gets its baseline check at once, through `deps.bus` (see enrolSubjects).
 *
 * @example
 * await importPortfolio(bytes, 'debtors.csv', deps); // { imported: 98, updated: 0, unchanged: 0, rejected: [{ line: 7, reason: '…' }, …] }
 */
export async function importPortfolio(
  bytes: Uint8Array,
  file: string,
  deps: PortfolioDependencies,
): Promise<PortfolioImportReport> {
  const { rows, rejected } = parsePortfolioFile(bytes, file, deps.tiers ? { tiers: deps.tiers } : {});
  const result = await enrolSubjects(rows.map(toEnrolment), deps);
  return {
    imported: result.created + result.updated,
    updated: result.updated,
    unchanged: result.unchanged,
    rejected,
  };
}

/** One subject's fields as a form or flags give them: the file's column names, all strings. */
export type SubjectInput = Partial<Record<PortfolioColumn, string | number | null>>;

/**
 * Enrols one subject with the same validation as a file row, and asks for its baseline check
 * through `deps.bus`. Throws {@link InputError} with the reason (naming the field) when it is invalid.
 *
 * @example
 * await addSubject({ id: 'acme', kind: 'business', country: 'NO', registryId: '923609016', portfolio: 'core', tier: 'daily' }, deps); // 'created'
 */
export async function addSubject(
  input: SubjectInput,
  deps: PortfolioDependencies,
): Promise<'created' | 'updated' | 'unchanged'> {
  const row = validateRow(
    (column) => (input[column] === null || input[column] === undefined ? '' : String(input[column]).trim()),
    1,
    deps.tiers ? { tiers: deps.tiers } : {},
  );
  if ('reason' in row) throw new InputError(row.reason);
  const result = await enrolSubjects([toEnrolment(row)], { ...deps, concurrency: 1 });
  return result.created ? 'created' : result.updated ? 'updated' : 'unchanged';
}

function toEnrolment(row: PortfolioRow): EnrolmentRequest {
  return {
    id: row.id,
    kind: row.kind,
    country: row.country,
    registryId: row.registryId,
    nationalId: row.nationalId,
    portfolioId: row.portfolioId,
    tier: row.tier,
    creditLimit: row.creditLimit,
    paymentTermsDays: row.paymentTermsDays,
    exposure: row.exposure,
  };
}

/** Splits CSV text into records as shared/cli/csv.ts readCsv does: quoted fields may span lines. */
function* csvRecords(text: string, file: string): Generator<PortfolioRecord> {
  let pending: { start: number; text: string } | null = null;
  const lines = text.split('\n');
  for (let index = 0; index < lines.length; index++) {
    const physical = lines[index] ?? '';
    const line = physical.endsWith('\r') ? physical.slice(0, -1) : physical;
    const record: { start: number; text: string } =
      pending === null
        ? { start: index + 1, text: line }
        : { start: pending.start, text: `${pending.text}\n${line}` };
    if ((record.text.match(/"/g)?.length ?? 0) % 2 === 1) {
      pending = record;
      continue;
    }
    pending = null;
    if (record.text.trim() === '') continue;
    yield { line: record.start, fields: parseCsvLine(record.text, { file, line: record.start }) };
  }
  if (pending !== null)
    throw new CsvSyntaxError(file, pending.start, 1, 'unclosed quoted field at end of file');
}

/** The columns of a portfolio file, for help texts and API documentation. */
export const PORTFOLIO_HEADER = PORTFOLIO_COLUMNS.join(',');

// ——— removal ———

/**
 * Stops monitoring a subject; for an individual also erases the personal data (sealed national id,
 * token, snapshots, alerts). Returns false for an unknown id.
 *
 * @example
 * await removeSubject('kari', store); // true
 */
export function removeSubject(subjectId: string, store: Pick<SubjectStore, 'remove'>): Promise<boolean> {
  return store.remove(subjectId);
}

// ——— listing ———

/** One line of a portfolio listing. */
export interface SubjectSummary {
  readonly id: string;
  readonly kind: 'business' | 'individual';
  readonly country: string;
  readonly registryId: string | null;
  readonly portfolioId: string;
  readonly tier: Tier;
  /** The tier it is checked on: the enrolled one or a stricter one the policy escalated to. */
  readonly effectiveTier: Tier;
  /** Null until the first check. */
  readonly riskClass: RiskClass | null;
  readonly pd: number | null;
  readonly monitored: boolean;
  readonly lastCheckedAt: string | null;
  readonly creditLimit: number | null;
  readonly paymentTermsDays: number | null;
  readonly exposure: number | null;
}

export interface PortfolioPage {
  readonly subjectIds: string[];
  /** Opaque; null when the portfolio is exhausted. */
  readonly cursor: string | null;
}

/** Read side of portfolio listings (shared/adapters/store/dynamo-portfolio-reader.ts). */
export interface PortfolioReader {
  /** Every portfolio ever used. */
  portfolios(): Promise<string[]>;
  /** Monitored subjects of a portfolio, by class then id; only one class when given. */
  pagePortfolio(
    portfolioId: string,
    riskClass: RiskClass | null,
    cursor: string | null,
    limit: number,
  ): Promise<PortfolioPage>;
  summaries(subjectIds: readonly string[]): Promise<SubjectSummary[]>;
}

export interface ListFilter {
  readonly riskClass?: RiskClass | null;
  readonly tier?: Tier | null;
  readonly portfolioId?: string | null;
}

/** A page of a listing; `cursor` continues it (null at the end). */
export interface ListPage {
  readonly subjects: SubjectSummary[];
  readonly cursor: string | null;
}

/**
 * One page of monitored subjects matching the filter, by portfolio, class and id. A listing
 * without a portfolio walks every portfolio in turn; the tier filter applies to the enrolled tier.
 *
 * @example
 * const { subjects, cursor } = await listSubjects({ riskClass: 'D' }, reader, { limit: 100 });
 */
export async function listSubjects(
  filter: ListFilter,
  reader: PortfolioReader,
  options: { readonly cursor?: string | null; readonly limit?: number } = {},
): Promise<ListPage> {
  const limit = options.limit ?? 100;
  const portfolios = filter.portfolioId ? [filter.portfolioId] : (await reader.portfolios()).sort();
  const position = decodeListCursor(options.cursor ?? null);
  let index = position ? portfolios.indexOf(position.portfolio) : 0;
  if (index < 0) throw new InputError('cursor: does not belong to this listing');
  let inner = position?.inner ?? null;
  const subjects: SubjectSummary[] = [];
  while (index < portfolios.length && subjects.length < limit) {
    const portfolio = portfolios[index] as string;
    const page = await reader.pagePortfolio(
      portfolio,
      filter.riskClass ?? null,
      inner,
      limit - subjects.length,
    );
    const summaries = await reader.summaries(page.subjectIds);
    subjects.push(...summaries.filter((s) => s.monitored && (!filter.tier || s.tier === filter.tier)));
    inner = page.cursor;
    if (inner === null) index++;
  }
  const more = index < portfolios.length;
  return {
    subjects,
    cursor: more ? encodeListCursor({ portfolio: portfolios[index] as string, inner }) : null,
  };
}

/**
 * Every monitored subject matching the filter, page by page.
 *
 * @example
 * for await (const subject of allSubjects({ portfolioId: 'core' }, reader)) console.log(subject.id);
 */
export async function* allSubjects(
  filter: ListFilter,
  reader: PortfolioReader,
): AsyncGenerator<SubjectSummary> {
  let cursor: string | null = null;
  do {
    const page: ListPage = await listSubjects(filter, reader, { cursor, limit: 500 });
    yield* page.subjects;
    cursor = page.cursor;
  } while (cursor);
}

function encodeListCursor(position: { portfolio: string; inner: string | null }): string {
  return Buffer.from(JSON.stringify(position), 'utf8').toString('base64url');
}

function decodeListCursor(cursor: string | null): { portfolio: string; inner: string | null } | null {
  if (cursor === null) return null;
  try {
    const value = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as unknown;
    if (
      typeof value === 'object' &&
      value !== null &&
      typeof (value as { portfolio?: unknown }).portfolio === 'string'
    ) {
      const { portfolio, inner } = value as { portfolio: string; inner?: unknown };
      return { portfolio, inner: typeof inner === 'string' ? inner : null };
    }
  } catch {
    // falls through to the error below
  }
  throw new InputError('cursor: not a cursor this listing returned');
}

// ——— one subject ———

/** A past check as the history keeps it. */
export interface CheckRecord {
  readonly version: number;
  readonly checkedAt: string;
  readonly riskClass: RiskClass | null;
  readonly changes: unknown[];
}

/** An alert as the history keeps it (the published message is in `alert`). */
export interface AlertRecord {
  readonly alertId: string;
  readonly type: string;
  readonly severity: string;
  readonly detectedAt: string;
  readonly riskClass: string | null;
  readonly previousRiskClass: string | null;
  readonly alert: unknown;
}

/** Everything credmon knows about one subject. */
export interface SubjectDetails {
  readonly id: string;
  readonly subject: Omit<
    SubjectSummary,
    'riskClass' | 'pd' | 'monitored' | 'lastCheckedAt' | 'effectiveTier'
  >;
  readonly monitored: boolean;
  readonly effectiveTier: Tier;
  readonly version: number;
  readonly lastCheckedAt: string | null;
  readonly risk: RiskAssessment | null;
  readonly actions: readonly RecommendedAction[];
  readonly snapshot: Snapshot | null;
  readonly checks: CheckRecord[];
  readonly alerts: AlertRecord[];
}

export interface SubjectHistorySource {
  /** History items (snapshots `V#…` and alerts `ALERT#…`), newest first. */
  history(subjectId: string, limit?: number): Promise<Record<string, unknown>[]>;
}

/**
 * The current snapshot, class, reasons, actions and history of a subject; null for an unknown id.
 *
 * @example
 * const details = await showSubject('acme', { store, history: store });
 */
export async function showSubject(
  subjectId: string,
  deps: { readonly store: Pick<SubjectStore, 'get'>; readonly history: SubjectHistorySource },
  options: { readonly historyLimit?: number } = {},
): Promise<SubjectDetails | null> {
  const state = await deps.store.get(subjectId);
  if (!state) return null;
  const items = await deps.history.history(subjectId, options.historyLimit ?? 200);
  const { subject } = state;
  return {
    id: subject.id,
    subject: {
      id: subject.id,
      kind: subject.kind,
      country: subject.country,
      registryId: subject.registryId,
      portfolioId: subject.portfolioId,
      tier: subject.tier,
      creditLimit: subject.creditLimit,
      paymentTermsDays: subject.paymentTermsDays,
      exposure: subject.exposure,
    },
    monitored: state.monitored,
    effectiveTier: state.effectiveTier,
    version: state.version,
    lastCheckedAt: state.lastCheckedAt,
    risk: state.risk,
    actions: state.actions,
    snapshot: state.snapshot,
    checks: items
      .filter((item) => String(item.sk).startsWith('V#'))
      .map((item) => ({
        version: Number(item.version),
        checkedAt: String(item.checkedAt),
        riskClass: (item.riskClass as RiskClass | undefined) ?? null,
        changes: Array.isArray(item.changes) ? item.changes : [],
      })),
    alerts: alertRecords(items),
  };
}

/**
 * A subject's alert history, newest first.
 *
 * @example
 * await subjectAlerts('acme', store); // [{ alertId, type: 'bankruptcy', … }]
 */
export async function subjectAlerts(
  subjectId: string,
  history: SubjectHistorySource,
  limit = 200,
): Promise<AlertRecord[]> {
  return alertRecords(await history.history(subjectId, limit));
}

function alertRecords(items: readonly Record<string, unknown>[]): AlertRecord[] {
  return items
    .filter((item) => String(item.sk).startsWith('ALERT#'))
    .map((item) => ({
      alertId: String(item.alertId),
      type: String(item.type),
      severity: String(item.severity),
      detectedAt: String(item.detectedAt),
      riskClass: (item.riskClass as string | null | undefined) ?? null,
      previousRiskClass: (item.previousRiskClass as string | null | undefined) ?? null,
      alert: item.alert,
    }));
}
