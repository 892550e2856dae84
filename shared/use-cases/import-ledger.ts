/**
 * Imports an accounts-receivable ledger file (CSV or JSON) into the subjects it concerns: validated
 * row by row, turned into each customer's payment experience as of a date, and stored on the
 * monitored subject with the customer's id. Used by `credmon ledger import` and the S3 drop folder.
 */
import {
  type LedgerParseResult,
  type LedgerRejection,
  parseLedgerCsv,
  parseLedgerJson,
  paymentExperienceByCustomer,
} from '#shared/domain/ledger.ts';
import { epochDay, type PaymentExperience } from '#shared/domain/risk/paydex.ts';
import { InputError } from '#shared/errors.ts';
import type { SubjectStore } from './ports.ts';

/** Where payment experience goes: the subject store's one method for it. */
export type PaymentExperienceStore = Pick<SubjectStore, 'setPaymentExperience'>;

/** What persisting stored: the customers it found and those it did not. */
export interface LedgerPersistResult {
  stored: number;
  /** Customer ids that are not monitored subjects: their experience was not stored. */
  unknown: string[];
}

export interface LedgerFileResult extends LedgerPersistResult {
  imported: number;
  rejected: LedgerRejection[];
  customers: number;
}

/**
 * Stores each customer's experience on its subject; a customer that is not a monitored subject is
 * reported, not created. Storing also marks the subject for re-assessment at its next check (the
 * store clears the snapshot hash), so a changed experience moves the class without new bureau data.
 *
 * @example
 * const { stored, unknown } = await persistPaymentExperience(experience, store);
 */
export async function persistPaymentExperience(
  experience: ReadonlyMap<string, PaymentExperience>,
  store: PaymentExperienceStore,
): Promise<LedgerPersistResult> {
  let stored = 0;
  const unknown: string[] = [];
  for (const [customerId, value] of experience) {
    if (await store.setPaymentExperience(customerId, value)) stored++;
    else unknown.push(customerId);
  }
  return { stored, unknown };
}

/**
 * Parses a ledger file's bytes by its name's extension (`.csv` or `.json`) and stores every
 * customer's payment experience at `asOf`. Bad rows come back as rejected; a file that is not a
 * ledger at all (unknown extension, not UTF-8 JSON) throws {@link InputError} naming the file.
 *
 * @example
 * const result = await importLedgerBytes(bytes, 'incoming/ar-2026-11.csv', '2026-11-23', store);
 * result.stored; // customers whose experience was stored
 */
export async function importLedgerBytes(
  bytes: Uint8Array,
  fileName: string,
  asOf: string,
  store: PaymentExperienceStore,
): Promise<LedgerFileResult> {
  if (Number.isNaN(epochDay(asOf))) {
    throw new InputError(`asOf: not a calendar date (expected YYYY-MM-DD), got '${asOf}'`);
  }
  const text = new TextDecoder('utf-8').decode(bytes).replace(/^\uFEFF/, '');
  const lower = fileName.toLowerCase();
  let parsed: LedgerParseResult;
  if (lower.endsWith('.csv')) parsed = parseLedgerCsv(text);
  else if (lower.endsWith('.json')) parsed = parseLedgerJson(text);
  else throw new InputError(`${fileName}: expected a .csv or .json file`);
  const experience = paymentExperienceByCustomer(parsed.rows, asOf);
  const persisted =
    parsed.rows.length > 0 ? await persistPaymentExperience(experience, store) : { stored: 0, unknown: [] };
  return {
    imported: parsed.rows.length,
    rejected: parsed.rejected,
    customers: experience.size,
    ...persisted,
  };
}
