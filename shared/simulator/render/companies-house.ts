/**
 * Companies House public data API formats (`/company/{number}` and its sub-resources), modelled on
 * the real profiles and streaming-API payloads in test/fixtures/simulator/ch_*.json.
 */
import { addDays } from '../calendar.ts';
import { type Business, type Officer, ukDueDate, ukPeriodEnd } from '../model.ts';
import type { SimAnswer } from '../types.ts';

/**
 * Companies House's error body.
 *
 * @example
 * chNotFound('company-profile-not-found').body; // { errors: [{ error: 'company-profile-not-found', type: 'ch:service' }] }
 */
export function chNotFound(error: string): SimAnswer {
  return { status: 404, body: { errors: [{ error, type: 'ch:service' }] } };
}

function etag(b: Business, salt: string): string {
  // Stable for unchanged content, different when anything shown changes.
  const text = `${salt}|${b.name}|${b.status}|${b.address.lines.join()}|${b.accounts.length}|${b.board.length}|${b.formerOfficers.length}|${b.overdueSince}`;
  let h1 = 0x811c9dc5;
  let h2 = 0x01000193;
  for (let i = 0; i < text.length; i += 1) {
    h1 = Math.imul(h1 ^ text.charCodeAt(i), 0x01000193) >>> 0;
    h2 = Math.imul(h2 ^ text.charCodeAt(i), 0x5bd1e995) >>> 0;
  }
  return `${h1.toString(16).padStart(8, '0')}${h2.toString(16).padStart(8, '0')}${b.registryId.toLowerCase()}`.padEnd(
    40,
    '0',
  );
}

function companyStatus(b: Business): string {
  switch (b.status) {
    case 'administration':
      return 'administration';
    case 'bankruptcy':
    case 'liquidation':
      return 'liquidation';
    case 'dissolved':
    case 'removed':
      return 'dissolved';
    default:
      return 'active';
  }
}

function accountsBlock(b: Business, today: string): unknown {
  const last = b.accounts.at(-1);
  const nextYear = (last?.year ?? Number(today.slice(0, 4)) - 1) + 1;
  const nextEnd = ukPeriodEnd(b.referenceMonth, nextYear);
  const due = ukDueDate(b.referenceMonth, nextYear);
  const overdue = b.overdueSince !== null;
  const block: Record<string, unknown> = {
    accounting_reference_date: { day: nextEnd.slice(8, 10), month: nextEnd.slice(5, 7) },
  };
  if (last) {
    block.last_accounts = {
      made_up_to: last.periodEnd,
      period_end_on: last.periodEnd,
      period_start_on: last.periodStart,
      type: last.small ? 'total-exemption-full' : 'full',
    };
  }
  block.next_accounts = {
    due_on: due,
    overdue,
    period_end_on: nextEnd,
    period_start_on: addDays(ukPeriodEnd(b.referenceMonth, nextYear - 1), 1),
  };
  block.next_due = due;
  block.next_made_up_to = nextEnd;
  block.overdue = overdue;
  return block;
}

/**
 * `GET /company/{number}`: the company profile.
 *
 * @example
 * renderChProfile(company, '2026-07-15').body; // { company_number, company_status: 'active', accounts: {...}, ... }
 */
export function renderChProfile(b: Business, today: string): SimAnswer {
  const n = b.registryId;
  const body: Record<string, unknown> = {
    accounts: accountsBlock(b, today),
    can_file: b.status !== 'dissolved',
    company_name: b.name,
    company_number: n,
    company_status: companyStatus(b),
  };
  if (b.status === 'forced-dissolution') body.company_status_detail = 'active-proposal-to-strike-off';
  const confirmed = addDays(today, -((n.charCodeAt(n.length - 1) * 7) % 300) - 20);
  body.confirmation_statement = {
    last_made_up_to: confirmed,
    next_due: addDays(confirmed, 379),
    next_made_up_to: addDays(confirmed, 365),
    overdue: false,
  };
  body.date_of_creation = b.foundedOn;
  if (b.deletedOn) body.date_of_cessation = b.deletedOn;
  body.etag = etag(b, 'profile');
  body.has_charges = false;
  body.has_insolvency_history =
    b.administrationSince !== null || b.bankruptcySince !== null || b.liquidationSince !== null;
  body.jurisdiction = b.ukJurisdiction;
  body.links = {
    self: `/company/${n}`,
    filing_history: `/company/${n}/filing-history`,
    officers: `/company/${n}/officers`,
    ...(body.has_insolvency_history ? { insolvency: `/company/${n}/insolvency` } : {}),
  };
  if (b.previousNames.length > 0) {
    body.previous_company_names = [...b.previousNames]
      .reverse()
      .map((p) => ({ ceased_on: p.to, effective_from: p.from, name: p.name }));
  }
  body.registered_office_address = {
    address_line_1: b.address.lines[0] ?? '',
    locality: b.address.city,
    postal_code: b.address.postalCode,
  };
  body.registered_office_is_in_dispute = false;
  body.sic_codes = [b.industry.sic];
  body.type = b.legalForm;
  body.undeliverable_registered_office_address = false;
  body.has_super_secure_pscs = false;
  return { status: 200, body };
}

function officerItem(b: Business, o: Officer, role: string, index: number): unknown {
  const [year, month] = o.birthDate.split('-');
  const item: Record<string, unknown> = {
    address: {
      address_line_1: b.address.lines[0] ?? '',
      locality: b.address.city,
      postal_code: b.address.postalCode,
    },
    appointed_on: o.from,
    country_of_residence: 'United Kingdom',
    date_of_birth: { month: Number(month), year: Number(year) },
    links: {
      self: `/company/${b.registryId}/appointments/${b.registryId}${index}`,
      officer: { appointments: `/officers/${b.registryId}${index}/appointments` },
    },
    name: `${o.name.last.toUpperCase()}, ${o.name.first}${o.name.middle ? ` ${o.name.middle}` : ''}`,
    nationality: 'British',
    occupation: 'Director',
    officer_role: role,
  };
  if (o.to) item.resigned_on = o.to;
  return item;
}

/**
 * `GET /company/{number}/officers`: current directors first, then resigned ones.
 *
 * @example
 * renderChOfficers(company).body; // { items: [{ name: 'SMITH, Oliver', officer_role: 'director', ... }], active_count, ... }
 */
export function renderChOfficers(b: Business): SimAnswer {
  const current = b.board.map((o, i) => officerItem(b, o, 'director', i));
  const resigned = b.formerOfficers.map((o, i) => officerItem(b, o, 'director', 100 + i));
  const items = [...current, ...resigned];
  return {
    status: 200,
    body: {
      active_count: current.length,
      etag: etag(b, 'officers'),
      inactive_count: 0,
      items,
      items_per_page: 35,
      kind: 'officer-list',
      links: { self: `/company/${b.registryId}/officers` },
      resigned_count: resigned.length,
      start_index: 0,
      total_results: items.length,
    },
  };
}

/**
 * `GET /company/{number}/insolvency`: insolvency cases; 404 when the company has none.
 *
 * @example
 * renderChInsolvency(company).status; // 404 for a company without insolvency history
 */
export function renderChInsolvency(b: Business): SimAnswer {
  const cases: unknown[] = [];
  const practitioner = (date: string) => ({
    address: { address_line_1: '4th Floor Churchgate House', locality: 'Bolton', postal_code: 'BL1 1HL' },
    appointed_on: date,
    name: 'Rikki Burton',
    role: 'practitioner',
  });
  if (b.administrationSince) {
    // Administration ends when the company is wound up or dissolved out of it.
    const ended = b.status === 'administration' ? null : (b.bankruptcySince ?? b.deletedOn);
    cases.push({
      dates: [
        { date: b.administrationSince, type: 'administration-started-on' },
        ...(ended ? [{ date: ended, type: 'administration-ended-on' }] : []),
      ],
      number: String(cases.length + 1),
      practitioners: [practitioner(b.administrationSince)],
      type: 'in-administration',
    });
  }
  if (b.liquidationSince) {
    cases.push({
      dates: [{ date: b.liquidationSince, type: 'wound-up-on' }],
      number: String(cases.length + 1),
      practitioners: [practitioner(b.liquidationSince)],
      type: 'creditors-voluntary-liquidation',
    });
  }
  if (b.bankruptcySince) {
    cases.push({
      dates: [
        { date: addDays(b.bankruptcySince, -28), type: 'petitioned-on' },
        { date: b.bankruptcySince, type: 'wound-up-on' },
      ],
      number: String(cases.length + 1),
      practitioners: [practitioner(b.bankruptcySince)],
      type: 'compulsory-liquidation',
    });
  }
  if (cases.length === 0) return chNotFound('company-insolvencies-not-found');
  const open =
    b.status === 'bankruptcy' || b.status === 'liquidation'
      ? ['liquidation']
      : b.status === 'administration'
        ? ['administration']
        : [];
  return { status: 200, body: { cases, etag: etag(b, 'insolvency'), status: open } };
}

/**
 * `GET /company/{number}/filing-history`: accounts filings, newest first.
 *
 * @example
 * renderChFilingHistory(company).body; // { items: [{ category: 'accounts', type: 'AA', ... }], total_count, ... }
 */
export function renderChFilingHistory(b: Business): SimAnswer {
  const items = [...b.filings].reverse().map((f) => ({
    barcode: f.barcode,
    category: 'accounts',
    date: f.date,
    description: 'accounts-with-accounts-type-full',
    description_values: { made_up_date: f.madeUpTo },
    links: { self: `/company/${b.registryId}/filing-history/${f.transactionId}` },
    paper_filed: false,
    transaction_id: f.transactionId,
    type: 'AA',
  }));
  return {
    status: 200,
    body: {
      filing_history_status: 'filing-history-available',
      items,
      items_per_page: 25,
      start_index: 0,
      total_count: items.length,
    },
  };
}
