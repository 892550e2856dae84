/**
 * Brønnøysundregistrene (Norway): Enhetsregisteret for the entity and its roles, Regnskapsregisteret
 * for the latest annual accounts. Normalizes into the canonical snapshot.
 *
 * Deleted entities answer 200 with `respons_klasse: "SlettetEnhet"` (⇒ `dissolved`); entities removed
 * from the open data answer 410 (⇒ `removed`): both are states to alert on, not failures.
 */
import { partyToken } from '#shared/domain/privacy.ts';
import type {
  AccountsFiling,
  Address,
  AnnualAccounts,
  Proceeding,
  Role,
  RoleType,
  Snapshot,
  Status,
} from '#shared/domain/snapshot.ts';
import type { MonitoredSubject } from '#shared/domain/subject.ts';
import { InputError, SubjectNotFoundError } from '#shared/errors.ts';
import { pathOf, type ResilientClient, unexpectedStatus } from '../http.ts';
import { earliestDate, isoDateOrNull, isoDay, parseWire, sortRoles } from '../parse.ts';
import type { BureauProvider, FetchContext, ProviderContribution, SubjectForFetch } from '../provider.ts';
import {
  type BrregAddress,
  BrregEnhet,
  BrregFjernet,
  type BrregRegnskap,
  BrregRegnskapList,
  type BrregRolle,
  BrregRoller,
} from './wire.ts';

export const BRREG = 'brreg';

export interface BrregProviderOptions {
  client: ResilientClient;
  /** Defaults to `client`; a separate client gives the accounts register its own breaker. */
  regnskapClient?: ResilientClient;
  baseUrl: string;
  regnskapBaseUrl?: string;
}

const ROLE_TYPES: Readonly<Record<string, RoleType>> = {
  DAGL: 'managing-director',
  LEDE: 'chair',
  NEST: 'deputy-chair',
  MEDL: 'board-member',
  VARA: 'deputy-board-member',
  REVI: 'auditor',
  REGN: 'accountant',
};

/**
 * The Brønnøysund provider: Norwegian businesses.
 *
 * @example
 * const brreg = createBrregProvider({ client, baseUrl: 'https://data.brreg.no' });
 * const contribution = await brreg.fetch(subject, { now: new Date(), partyKey });
 */
export function createBrregProvider(options: BrregProviderOptions): BureauProvider {
  const base = trimSlash(options.baseUrl);
  const regnskapBase = trimSlash(options.regnskapBaseUrl ?? options.baseUrl);
  const regnskapClient = options.regnskapClient ?? options.client;

  return {
    name: BRREG,
    supports: (subject: MonitoredSubject) => subject.kind === 'business' && subject.country === 'NO',
    async fetch(subject: SubjectForFetch, ctx: FetchContext): Promise<ProviderContribution> {
      const orgnr = subject.registryId?.replace(/\s/g, '');
      if (!orgnr || !/^\d{9}$/.test(orgnr)) {
        throw new InputError(`${BRREG}: subject ${subject.id} has no valid organisation number`);
      }
      const fetchedAt = ctx.now.toISOString();
      const entity = await fetchEntity(options.client, base, orgnr);
      if (entity.kind !== 'live') {
        return { provider: BRREG, fetchedAt, warnings: [], apply: (s) => applyGone(s, entity) };
      }
      const [roles, accounts] = await Promise.all([
        fetchRoles(options.client, base, orgnr, ctx.partyKey),
        fetchAccounts(regnskapClient, regnskapBase, orgnr),
      ]);
      const warnings = [...roles.warnings, ...accounts.warnings];
      const normalized = normalizeEnhet(entity.enhet, ctx.now);
      return {
        provider: BRREG,
        fetchedAt,
        warnings,
        apply: (s) => ({ ...normalized(s), roles: roles.roles, accounts: accounts.accounts }),
      };
    },
  };
}

type EntityAnswer =
  | { kind: 'live'; enhet: BrregEnhet }
  | { kind: 'dissolved'; enhet: BrregEnhet }
  | { kind: 'removed'; orgnr: string; since: string | null };

async function fetchEntity(client: ResilientClient, base: string, orgnr: string): Promise<EntityAnswer> {
  const url = `${base}/enhetsregisteret/api/enheter/${orgnr}`;
  const path = pathOf(url);
  const response = await client.getJson(url);
  if (response.status === 404)
    throw new SubjectNotFoundError(`${BRREG}: no entity ${orgnr} in Enhetsregisteret`, {
      provider: BRREG,
      status: 404,
    });
  if (response.status === 410) {
    const gone = parseWire(BrregFjernet, response.body, { provider: BRREG, path });
    return { kind: 'removed', orgnr, since: isoDateOrNull(gone.slettedato) };
  }
  if (response.status !== 200) throw unexpectedStatus(BRREG, path, response.status);
  const enhet = parseWire(BrregEnhet, response.body, { provider: BRREG, path });
  const deleted = enhet.respons_klasse === 'SlettetEnhet' || isoDateOrNull(enhet.slettedato) !== null;
  return { kind: deleted ? 'dissolved' : 'live', enhet };
}

function applyGone(snapshot: Snapshot, entity: Exclude<EntityAnswer, { kind: 'live' }>): Snapshot {
  if (entity.kind === 'removed') {
    // The registry no longer publishes anything else: keep what we knew, change the state.
    return {
      ...snapshot,
      identity: { ...snapshot.identity, registryId: entity.orgnr },
      status: { ...snapshot.status, state: 'removed', since: entity.since, proceedings: [] },
    };
  }
  const next = normalizeEnhet(entity.enhet, null)(snapshot);
  return {
    ...next,
    status: {
      ...next.status,
      state: 'dissolved',
      since: isoDateOrNull(entity.enhet.slettedato),
      proceedings: [],
    },
  };
}

/** Maps the entity; `now` null skips the filing deadline (a deleted entity files nothing). */
function normalizeEnhet(enhet: BrregEnhet, now: Date | null): (snapshot: Snapshot) => Snapshot {
  return (snapshot) => ({
    ...snapshot,
    identity: {
      ...snapshot.identity,
      registryId: enhet.organisasjonsnummer,
      name: enhet.navn ?? null,
      legalForm: enhet.organisasjonsform
        ? { code: enhet.organisasjonsform.kode, description: enhet.organisasjonsform.beskrivelse ?? null }
        : null,
      industryCode: enhet.naeringskode1?.kode ?? null,
      foundedOn: isoDateOrNull(enhet.stiftelsesdato),
    },
    status: statusOf(enhet),
    addresses: {
      ...snapshot.addresses,
      business: addressOf(enhet.forretningsadresse),
      postal: addressOf(enhet.postadresse),
    },
    accountsFiling: now ? accountsFilingOf(enhet, now) : null,
    employees: enhet.antallAnsatte ?? null,
    shareCapital:
      enhet.kapital?.belop != null && enhet.kapital.valuta
        ? { amount: enhet.kapital.belop, currency: enhet.kapital.valuta }
        : null,
  });
}

function statusOf(enhet: BrregEnhet): Status {
  const proceedings: Proceeding[] = [];
  const bankruptSince = isoDateOrNull(enhet.konkursdato);
  const liquidationSince = isoDateOrNull(enhet.underAvviklingDato);
  const forcedSince = earliestDate([
    enhet.tvangsavvikletPgaManglendeSlettingDato,
    enhet.tvangsopplostPgaManglendeDagligLederDato,
    enhet.tvangsopplostPgaManglendeRevisorDato,
    enhet.tvangsopplostPgaManglendeRegnskapDato,
    enhet.tvangsopplostPgaMangelfulltStyreDato,
  ]);
  if (enhet.konkurs) proceedings.push({ kind: 'bankruptcy', since: bankruptSince });
  if (enhet.underTvangsavviklingEllerTvangsopplosning)
    proceedings.push({ kind: 'forced-dissolution', since: forcedSince });
  if (enhet.underAvvikling) proceedings.push({ kind: 'liquidation', since: liquidationSince });
  // The most severe proceeding decides the state; the list keeps them all.
  const first = proceedings[0];
  const state: Status['state'] =
    first?.kind === 'bankruptcy' || first?.kind === 'forced-dissolution' || first?.kind === 'liquidation'
      ? first.kind
      : 'active';
  return {
    state,
    since: first?.since ?? null,
    proceedings,
    addressProtected: false,
  };
}

function addressOf(address: BrregAddress | null | undefined): Address | null {
  if (!address) return null;
  const lines = (address.adresse ?? []).filter(
    (line): line is string => typeof line === 'string' && line.trim() !== '',
  );
  return {
    lines,
    postalCode: address.postnummer ?? null,
    city: address.poststed ?? null,
    country: address.landkode ?? null,
    municipality: address.kommunenummer ?? null,
  };
}

/**
 * Annual accounts for year Y are due at the register by 31 July of Y + 1. Norwegian companies almost
 * all use the calendar year, which the entity's `sisteInnsendteAarsregnskap` (a year) assumes too.
 */
function accountsFilingOf(enhet: BrregEnhet, now: Date): AccountsFiling | null {
  if (!enhet.sisteInnsendteAarsregnskap) return null;
  const lastYear = Number(enhet.sisteInnsendteAarsregnskap);
  const nextDue = `${lastYear + 2}-07-31`;
  return { lastPeriodEnd: `${lastYear}-12-31`, nextDue, overdue: isoDay(now) > nextDue };
}

async function fetchRoles(
  client: ResilientClient,
  base: string,
  orgnr: string,
  partyKey: string,
): Promise<{ roles: Role[]; warnings: string[] }> {
  const url = `${base}/enhetsregisteret/api/enheter/${orgnr}/roller`;
  const path = pathOf(url);
  const response = await client.getJson(url);
  if (response.status === 404) return { roles: [], warnings: [] };
  if (response.status !== 200) throw unexpectedStatus(BRREG, path, response.status);
  const roller = parseWire(BrregRoller, response.body, { provider: BRREG, path });
  const warnings: string[] = [];
  const roles: Role[] = [];
  for (const rolle of roller.rollegrupper.flatMap((gruppe) => gruppe.roller)) {
    if (rolle.fratraadt || rolle.avregistrert) continue;
    const role = roleOf(rolle, partyKey);
    if (role) roles.push(role);
    else warnings.push(`role ${rolle.type.kode} without a person or an entity skipped`);
  }
  return { roles: sortRoles(roles), warnings };
}

function roleOf(rolle: BrregRolle, partyKey: string): Role | null {
  const type = ROLE_TYPES[rolle.type.kode] ?? 'other';
  const base = { type, sourceCode: rolle.type.kode, from: null, to: null };
  if (rolle.person) {
    const { fornavn, mellomnavn, etternavn } = rolle.person.navn;
    const name = [fornavn, mellomnavn, etternavn].filter((part) => part && part.trim() !== '').join(' ');
    const birthDate = isoDateOrNull(rolle.person.fodselsdato);
    return {
      ...base,
      party: { kind: 'person', ref: partyToken({ name, birthDate }, partyKey), name: name || null },
    };
  }
  if (rolle.enhet) {
    const navn = rolle.enhet.navn;
    const name = Array.isArray(navn) ? navn.join(' ') : (navn ?? null);
    return { ...base, party: { kind: 'organisation', ref: rolle.enhet.organisasjonsnummer, name } };
  }
  return null;
}

/** Regnskapsregisteret answers a permanent 500 for accounts it cannot present (banks, insurers). */
const isUnsupportedPlan = (status: number, body: string): boolean =>
  status === 500 && /oppstillingsplan/i.test(body);

async function fetchAccounts(
  client: ResilientClient,
  base: string,
  orgnr: string,
): Promise<{ accounts: AnnualAccounts | null; warnings: string[] }> {
  const url = `${base}/regnskapsregisteret/regnskap/${orgnr}`;
  const path = pathOf(url);
  const response = await client.getJson(url, {}, { isFinal: isUnsupportedPlan });
  if (response.status === 404) return { accounts: null, warnings: [] };
  if (response.status === 500) {
    return {
      accounts: null,
      warnings: ['annual accounts not available: the register cannot present this accounts type'],
    };
  }
  if (response.status !== 200) throw unexpectedStatus(BRREG, path, response.status);
  const list = parseWire(BrregRegnskapList, response.body, { provider: BRREG, path });
  const latest = pickLatest(list);
  return { accounts: latest ? accountsOf(latest) : null, warnings: [] };
}

/** The latest period; for one period, the company's own accounts before the group's. */
function pickLatest(list: readonly BrregRegnskap[]): BrregRegnskap | undefined {
  return [...list].sort(
    (a, b) =>
      b.regnskapsperiode.tilDato.localeCompare(a.regnskapsperiode.tilDato) ||
      Number(b.regnskapstype === 'SELSKAP') - Number(a.regnskapstype === 'SELSKAP'),
  )[0];
}

function accountsOf(r: BrregRegnskap): AnnualAccounts {
  const equity = r.egenkapitalGjeld?.egenkapital;
  const debt = r.egenkapitalGjeld?.gjeldOversikt;
  const result = r.resultatregnskapResultat;
  const contributed = equity?.innskuttEgenkapital?.sumInnskuttEgenkaptial;
  const retained = equity?.opptjentEgenkapital?.sumOpptjentEgenkapital;
  const periodEnd = r.regnskapsperiode.tilDato.slice(0, 10);
  return {
    periodStart: isoDateOrNull(r.regnskapsperiode.fraDato),
    periodEnd,
    currency: r.valuta ?? null,
    revenue: result?.driftsresultat?.driftsinntekter?.sumDriftsinntekter ?? null,
    previousRevenue: null,
    operatingResult: result?.driftsresultat?.driftsresultat ?? null,
    resultBeforeTax: result?.ordinaertResultatFoerSkattekostnad ?? null,
    netResult: result?.aarsresultat ?? null,
    totalAssets: r.eiendeler?.sumEiendeler ?? null,
    currentAssets: r.eiendeler?.omloepsmidler?.sumOmloepsmidler ?? null,
    shortTermLiabilities: debt?.kortsiktigGjeld?.sumKortsiktigGjeld ?? null,
    totalLiabilities: debt?.sumGjeld ?? null,
    // Small filers sometimes report only the parts of equity.
    equity:
      equity?.sumEgenkapital ?? (contributed != null && retained != null ? contributed + retained : null),
    retainedEarnings: retained ?? null,
  };
}

function trimSlash(url: string): string {
  return url.replace(/\/+$/, '');
}
