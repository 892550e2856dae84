/**
 * Companies House (United Kingdom): company profile, officers and insolvency cases, normalized into
 * the canonical snapshot. Authentication is HTTP Basic with the API key as user name; the key is
 * put in the header only and never appears in errors (they name the URL path alone).
 */
import { partyToken } from '#shared/domain/privacy.ts';
import type {
  AccountsFiling,
  Address,
  Proceeding,
  ProceedingKind,
  Role,
  RoleType,
  Snapshot,
  Status,
  SubjectState,
} from '#shared/domain/snapshot.ts';
import type { MonitoredSubject } from '#shared/domain/subject.ts';
import { InputError, SubjectNotFoundError } from '#shared/errors.ts';
import { type ResilientClient, unexpectedStatus } from '../http.ts';
import { earliestDate, isoDateOrNull, isoDay, parseWire, sortRoles } from '../parse.ts';
import type { BureauProvider, FetchContext, ProviderContribution, SubjectForFetch } from '../provider.ts';
import { type ChAddress, ChCompanyProfile, ChInsolvency, type ChOfficer, ChOfficerList } from './wire.ts';

export const COMPANIES_HOUSE = 'companies-house';

export interface CompaniesHouseProviderOptions {
  client: ResilientClient;
  baseUrl: string;
  apiKey: string | null;
}

/** `company_status` → the state it means, and the proceeding it implies. */
const STATUS: Readonly<Record<string, { state: SubjectState; proceeding?: ProceedingKind }>> = {
  active: { state: 'active' },
  open: { state: 'active' },
  registered: { state: 'active' },
  dissolved: { state: 'dissolved' },
  closed: { state: 'dissolved' },
  'converted-closed': { state: 'dissolved' },
  removed: { state: 'removed' },
  liquidation: { state: 'liquidation', proceeding: 'liquidation' },
  receivership: { state: 'restructuring', proceeding: 'receivership' },
  administration: { state: 'restructuring', proceeding: 'administration' },
  'voluntary-arrangement': { state: 'restructuring', proceeding: 'voluntary-arrangement' },
  // Which proceeding it is comes from the insolvency resource.
  'insolvency-proceedings': { state: 'restructuring' },
};

/** Insolvency case types (the API's `insolvency_case_type` enumeration) → proceedings. */
const CASE_KIND: Readonly<Record<string, ProceedingKind>> = {
  'compulsory-liquidation': 'liquidation',
  'creditors-voluntary-liquidation': 'liquidation',
  'members-voluntary-liquidation': 'liquidation',
  'in-administration': 'administration',
  'administration-order': 'administration',
  'corporate-voluntary-arrangement': 'voluntary-arrangement',
  'corporate-voluntary-arrangement-moratorium': 'voluntary-arrangement',
  'administrative-receiver': 'receivership',
  'receiver-manager': 'receivership',
  receivership: 'receivership',
  moratorium: 'restructuring',
};

/** Case dates that say a case is over. */
const CASE_END_DATES = new Set([
  'dissolved-on',
  'case-end-on',
  'concluded-winding-up-on',
  'administration-discharged-on',
  'administration-ended-on',
  'voluntary-arrangement-ended-on',
  'moratorium-ended-on',
]);

const OFFICER_ROLE: Readonly<Record<string, RoleType>> = {
  director: 'board-member',
  'nominee-director': 'board-member',
  'corporate-director': 'board-member',
  'corporate-nominee-director': 'board-member',
  'llp-member': 'board-member',
  'llp-designated-member': 'board-member',
  'corporate-llp-member': 'board-member',
  'corporate-llp-designated-member': 'board-member',
};

const PROCEEDING_SEVERITY: readonly ProceedingKind[] = [
  'bankruptcy',
  'liquidation',
  'forced-dissolution',
  'receivership',
  'administration',
  'voluntary-arrangement',
  'restructuring',
  'unknown',
];

/**
 * The Companies House provider: businesses in GB.
 *
 * @example
 * const ch = createCompaniesHouseProvider({ client, baseUrl: 'https://api.company-information.service.gov.uk', apiKey });
 * const contribution = await ch.fetch(subject, { now: new Date(), partyKey });
 */
export function createCompaniesHouseProvider(options: CompaniesHouseProviderOptions): BureauProvider {
  const base = options.baseUrl.replace(/\/+$/, '');
  const headers: Record<string, string> = options.apiKey
    ? { authorization: `Basic ${Buffer.from(`${options.apiKey}:`).toString('base64')}` }
    : {};
  const get = (path: string) => options.client.getJson(`${base}${path}`, headers);

  return {
    name: COMPANIES_HOUSE,
    supports: (subject: MonitoredSubject) => subject.kind === 'business' && subject.country === 'GB',
    async fetch(subject: SubjectForFetch, ctx: FetchContext): Promise<ProviderContribution> {
      const number = subject.registryId?.replace(/\s/g, '').toUpperCase();
      if (!number || !/^[A-Z0-9]{8}$/.test(number)) {
        throw new InputError(`${COMPANIES_HOUSE}: subject ${subject.id} has no valid company number`);
      }
      const profilePath = `/company/${number}`;
      const response = await get(profilePath);
      if (response.status === 404)
        throw new SubjectNotFoundError(`${COMPANIES_HOUSE}: no company ${number}`, {
          provider: COMPANIES_HOUSE,
          status: 404,
        });
      if (response.status !== 200) throw unexpectedStatus(COMPANIES_HOUSE, profilePath, response.status);
      const profile = parseWire(ChCompanyProfile, response.body, {
        provider: COMPANIES_HOUSE,
        path: profilePath,
      });

      const status = STATUS[profile.company_status];
      const wantsInsolvency =
        profile.has_insolvency_history === true || (status !== undefined && status.state !== 'active');
      const [officers, insolvency] = await Promise.all([
        fetchOfficers(get, number, ctx.partyKey),
        wantsInsolvency ? fetchInsolvency(get, number) : Promise.resolve(null),
      ]);
      const warnings = [...officers.warnings];
      const normalizedStatus = statusOf(profile, insolvency, warnings);
      const filing = accountsFilingOf(profile, ctx.now);

      return {
        provider: COMPANIES_HOUSE,
        fetchedAt: ctx.now.toISOString(),
        warnings,
        apply: (snapshot: Snapshot): Snapshot => ({
          ...snapshot,
          identity: {
            ...snapshot.identity,
            registryId: profile.company_number,
            name: profile.company_name,
            legalForm: profile.type ? { code: profile.type, description: null } : null,
            industryCode: profile.sic_codes?.[0] ?? null,
            foundedOn: isoDateOrNull(profile.date_of_creation),
          },
          status: normalizedStatus,
          addresses: { ...snapshot.addresses, business: addressOf(profile.registered_office_address) },
          roles: officers.roles,
          accountsFiling: filing,
        }),
      };
    },
  };
}

type Get = (path: string) => ReturnType<ResilientClient['getJson']>;

const OFFICER_PAGE = 100;
const OFFICER_MAX_PAGES = 10;

async function fetchOfficers(
  get: Get,
  number: string,
  partyKey: string,
): Promise<{ roles: Role[]; warnings: string[] }> {
  const officers: ChOfficer[] = [];
  for (let page = 0; page < OFFICER_MAX_PAGES; page += 1) {
    const path = `/company/${number}/officers`;
    const response = await get(`${path}?items_per_page=${OFFICER_PAGE}&start_index=${page * OFFICER_PAGE}`);
    if (response.status === 404) break;
    if (response.status !== 200) throw unexpectedStatus(COMPANIES_HOUSE, path, response.status);
    const list = parseWire(ChOfficerList, response.body, { provider: COMPANIES_HOUSE, path });
    officers.push(...list.items);
    const total = list.total_results ?? officers.length;
    if (list.items.length === 0 || officers.length >= total) break;
  }
  const roles = officers
    .filter((officer) => !isoDateOrNull(officer.resigned_on))
    .map((o) => roleOf(o, partyKey));
  return { roles: sortRoles(roles), warnings: [] };
}

function roleOf(officer: ChOfficer, partyKey: string): Role {
  const corporate = officer.officer_role.startsWith('corporate-');
  const birth = officer.date_of_birth
    ? `${officer.date_of_birth.year}-${String(officer.date_of_birth.month).padStart(2, '0')}`
    : null;
  const registration = officer.identification?.registration_number?.trim();
  const ref = corporate
    ? registration || `name:${officer.name.trim().toUpperCase()}`
    : partyToken({ name: personName(officer.name), birthDate: birth }, partyKey);
  return {
    type: OFFICER_ROLE[officer.officer_role] ?? 'other',
    sourceCode: officer.officer_role,
    party: { kind: corporate ? 'organisation' : 'person', ref, name: officer.name },
    from: isoDateOrNull(officer.appointed_on),
    to: null,
  };
}

/** Companies House writes `SURNAME, Forenames`; the token wants the same person to look the same everywhere. */
function personName(name: string): string {
  const [surname, forenames] = name.split(',', 2);
  return forenames ? `${forenames.trim()} ${surname?.trim() ?? ''}` : name;
}

async function fetchInsolvency(get: Get, number: string): Promise<ChInsolvency | null> {
  const path = `/company/${number}/insolvency`;
  const response = await get(path);
  if (response.status === 404) return null;
  if (response.status !== 200) throw unexpectedStatus(COMPANIES_HOUSE, path, response.status);
  return parseWire(ChInsolvency, response.body, { provider: COMPANIES_HOUSE, path });
}

/** `company_status_detail` of a company the Gazette has proposed to strike off the register. */
const STRIKE_OFF_PROPOSED = 'active-proposal-to-strike-off';

function statusOf(profile: ChCompanyProfile, insolvency: ChInsolvency | null, warnings: string[]): Status {
  const known = STATUS[profile.company_status];
  if (!known) warnings.push(`unknown company_status '${profile.company_status}' mapped to unknown`);
  const proceedings: Proceeding[] = [];
  for (const insolvencyCase of insolvency?.cases ?? []) {
    if (insolvencyCase.dates.some((d) => CASE_END_DATES.has(d.type))) continue;
    const kind = CASE_KIND[insolvencyCase.type];
    if (!kind) warnings.push(`unknown insolvency case type '${insolvencyCase.type}' mapped to unknown`);
    proceedings.push({
      kind: kind ?? 'unknown',
      since: earliestDate(insolvencyCase.dates.map((d) => d.date)),
    });
  }
  if (known?.proceeding && !proceedings.some((p) => p.kind === known.proceeding)) {
    proceedings.push({ kind: known.proceeding, since: null });
  }
  proceedings.sort(
    (a, b) =>
      PROCEEDING_SEVERITY.indexOf(a.kind) - PROCEEDING_SEVERITY.indexOf(b.kind) ||
      (a.since ?? '').localeCompare(b.since ?? ''),
  );
  let state: SubjectState = known?.state ?? 'unknown';
  // A company proposed for striking off stays `active` until the Gazette's second notice dissolves
  // it two months later: creditors must object in that window, so it is forced dissolution already
  // (whether the registrar or the directors asked for it).
  if (profile.company_status === 'active' && profile.company_status_detail === STRIKE_OFF_PROPOSED) {
    state = 'forced-dissolution';
    if (!proceedings.some((p) => p.kind === 'forced-dissolution'))
      proceedings.unshift({ kind: 'forced-dissolution', since: null });
  }
  // `insolvency-proceedings` says no more than that: the open cases tell which.
  if (profile.company_status === 'insolvency-proceedings') {
    const worst = proceedings[0]?.kind;
    state =
      worst === 'liquidation'
        ? 'liquidation'
        : worst === undefined || worst === 'unknown'
          ? 'unknown'
          : 'restructuring';
    if (state === 'unknown')
      warnings.push('insolvency-proceedings without a known open case mapped to unknown');
  }
  const since =
    state === 'dissolved' || state === 'removed'
      ? isoDateOrNull(profile.date_of_cessation)
      : (proceedings.find((p) => p.kind === known?.proceeding)?.since ?? proceedings[0]?.since ?? null);
  return { state, since: state === 'active' ? null : since, proceedings, addressProtected: false };
}

function addressOf(address: ChAddress | null | undefined): Address | null {
  if (!address) return null;
  const first = [address.premises, address.address_line_1].filter(Boolean).join(' ');
  const lines = [
    address.care_of ? `c/o ${address.care_of}` : null,
    address.po_box,
    first,
    address.address_line_2,
  ].filter((line): line is string => typeof line === 'string' && line.trim() !== '');
  return {
    lines,
    postalCode: address.postal_code ?? null,
    city: address.locality ?? null,
    // Registered offices are in the UK by law; the API's country is a nation name ("England").
    country: 'GB',
    municipality: address.region ?? null,
  };
}

/** The profile's `overdue` lags the deadline by up to a day; the clock decides too. */
function accountsFilingOf(profile: ChCompanyProfile, now: Date): AccountsFiling | null {
  const accounts = profile.accounts;
  if (!accounts) return null;
  const nextDue = isoDateOrNull(accounts.next_due ?? accounts.next_accounts?.due_on);
  const lastPeriodEnd = isoDateOrNull(
    accounts.last_accounts?.made_up_to ?? accounts.last_accounts?.period_end_on,
  );
  const overdue =
    accounts.overdue === true ||
    accounts.next_accounts?.overdue === true ||
    (nextDue !== null && isoDay(now) > nextDue);
  return { lastPeriodEnd, nextDue, overdue };
}
