/**
 * The credit bureau in credmon's own documented format (wire.ts, docs/credit-bureau-format.md):
 * payment remarks, collection cases, debt register, score and limit for businesses and individuals,
 * and for individuals also name, status and home address.
 *
 * The national id travels only in the POST body of a person lookup. Errors name the subject id and
 * the URL path, never the national id.
 */

import type { z } from 'zod';
import type { Address, Credit, Snapshot, SubjectState } from '#shared/domain/snapshot.ts';
import type { MonitoredSubject } from '#shared/domain/subject.ts';
import { InputError, SubjectNotFoundError } from '#shared/errors.ts';
import { pathOf, type ResilientClient, unexpectedStatus } from '../http.ts';
import { isoDateOrNull, parseWire } from '../parse.ts';
import type { BureauProvider, FetchContext, ProviderContribution, SubjectForFetch } from '../provider.ts';
import {
  type BureauAddress,
  BureauCompanyReport,
  type BureauCredit,
  type BureauPersonLookup,
  BureauPersonReport,
} from './wire.ts';

export const CREDIT_BUREAU = 'credit-bureau';

export interface CredmonBureauProviderOptions {
  client: ResilientClient;
  baseUrl: string;
}

const PERSON_STATUS: Readonly<Record<string, SubjectState>> = {
  active: 'active',
  emigrated: 'emigrated',
  deceased: 'deceased',
};

/**
 * The credit-bureau provider: every business with a registry id, and every individual.
 *
 * @example
 * const bureau = createCredmonBureauProvider({ client, baseUrl: 'https://bureau.example' });
 * const contribution = await bureau.fetch({ ...subject, nationalId }, { now: new Date(), partyKey });
 */
export function createCredmonBureauProvider(options: CredmonBureauProviderOptions): BureauProvider {
  const base = options.baseUrl.replace(/\/+$/, '');
  return {
    name: CREDIT_BUREAU,
    supports: (subject: MonitoredSubject) => subject.kind === 'individual' || subject.registryId !== null,
    fetch: (subject, ctx) =>
      subject.kind === 'individual'
        ? fetchPerson(options.client, base, subject, ctx)
        : fetchCompany(options.client, base, subject, ctx),
  };
}

async function fetchCompany(
  client: ResilientClient,
  base: string,
  subject: SubjectForFetch,
  ctx: FetchContext,
): Promise<ProviderContribution> {
  const registryId = subject.registryId?.replace(/\s/g, '');
  if (!registryId) throw new InputError(`${CREDIT_BUREAU}: subject ${subject.id} has no registry id`);
  const url = `${base}/credit-bureau/v1/companies/${encodeURIComponent(subject.country)}/${encodeURIComponent(registryId)}`;
  const path = pathOf(url);
  const response = await client.getJson(url);
  const fetchedAt = ctx.now.toISOString();
  if (response.status === 404) {
    // The registry is the authority on whether a company exists; the bureau merely has no file on it.
    return {
      provider: CREDIT_BUREAU,
      fetchedAt,
      asOf: dayOf(fetchedAt),
      warnings: ['no credit report for this company'],
      apply: (s) => s,
    };
  }
  if (response.status !== 200) throw unexpectedStatus(CREDIT_BUREAU, path, response.status);
  const report = parseWire(BureauCompanyReport, response.body, { provider: CREDIT_BUREAU, path });
  const warnings =
    report.registryId !== registryId || report.country !== subject.country
      ? ['report is for a different registry id or country than requested']
      : [];
  const credit = creditOf(report.credit);
  return {
    provider: CREDIT_BUREAU,
    fetchedAt,
    asOf: dayOf(report.reportDate),
    warnings,
    apply: (s) => ({ ...s, credit }),
  };
}

async function fetchPerson(
  client: ResilientClient,
  base: string,
  subject: SubjectForFetch,
  ctx: FetchContext,
): Promise<ProviderContribution> {
  if (!subject.nationalId)
    throw new InputError(`${CREDIT_BUREAU}: individual ${subject.id} has no national id to look up`);
  const url = `${base}/credit-bureau/v1/persons/lookup`;
  const path = pathOf(url);
  const lookup: BureauPersonLookup = { country: subject.country, nationalId: subject.nationalId };
  const response = await client.postJson(url, lookup);
  if (response.status === 404)
    throw new SubjectNotFoundError(`${CREDIT_BUREAU}: no person for subject ${subject.id}`, {
      provider: CREDIT_BUREAU,
      status: 404,
    });
  if (response.status !== 200) throw unexpectedStatus(CREDIT_BUREAU, path, response.status);
  const report = parseWire(BureauPersonReport, response.body, { provider: CREDIT_BUREAU, path });

  const warnings: string[] = [];
  const state = PERSON_STATUS[report.person.status];
  if (!state) warnings.push(`unknown person status '${report.person.status}' mapped to unknown`);
  const credit = creditOf(report.credit);
  const person = report.person;
  return {
    provider: CREDIT_BUREAU,
    fetchedAt: ctx.now.toISOString(),
    asOf: dayOf(report.reportDate),
    warnings,
    apply: (s: Snapshot): Snapshot => ({
      ...s,
      // The token comes from the subject: the national id never enters the snapshot.
      identity: { ...s.identity, registryId: null, personToken: subject.personToken, name: person.name },
      status: {
        state: state ?? 'unknown',
        since: state === 'active' ? null : isoDateOrNull(person.statusDate),
        proceedings: s.status.proceedings,
        addressProtected: person.addressProtected,
      },
      // A protected address is not published: keep none even if a bureau sent one.
      addresses: { ...s.addresses, home: person.addressProtected ? null : addressOf(person.address) },
      credit,
    }),
  };
}

function addressOf(address: z.infer<typeof BureauAddress> | null): Address | null {
  if (!address) return null;
  return {
    lines: address.street.filter((line) => line.trim() !== ''),
    postalCode: address.postalCode,
    city: address.city,
    country: address.country,
    municipality: null,
  };
}

const byId = <T extends { id: string }>(items: T[]): T[] =>
  [...items].sort((a, b) => a.id.localeCompare(b.id));

function creditOf(credit: z.infer<typeof BureauCredit>): Credit {
  return {
    paymentRemarks: byId(
      credit.paymentRemarks.map((r) => ({
        id: r.id,
        kind: r.type,
        amount: r.amount,
        registeredOn: r.registeredDate,
        resolvedOn: r.settledDate,
      })),
    ),
    collectionCases: byId(
      credit.collectionCases.map((c) => ({
        id: c.id,
        amount: c.amount,
        openedOn: c.openedDate,
        closedOn: c.closedDate,
      })),
    ),
    debtRegister: byId(
      credit.debtRegister.map((d) => ({
        id: d.id,
        kind: d.type,
        amount: d.amount,
        registeredOn: d.registeredDate,
      })),
    ),
    score: credit.score,
    creditLimit: credit.creditLimit,
  };
}

/**
 * The as-of of a bureau answer: its report date, a day. Every answer of this source is compared at
 * that resolution (a missing report at its fetch day), since a millisecond fetch time against a
 * midnight report date would make every later report of the same day look older.
 */
function dayOf(isoDayOrTimestamp: string): string {
  return `${isoDayOrTimestamp.slice(0, 10)}T00:00:00.000Z`;
}
