/**
 * Brønnøysund wire formats (Enhetsregisteret v2, roles, Regnskapsregisteret), modelled field by field
 * on the real captures in test/fixtures/simulator/brreg_*.json.
 */
import type { Business, Officer } from '../model.ts';
import type { SimAnswer } from '../types.ts';

export const BRREG_BASE = 'https://data.brreg.no';

const LEGAL_FORMS: Record<string, string> = {
  AS: 'Aksjeselskap',
  ASA: 'Allmennaksjeselskap',
  ENK: 'Enkeltpersonforetak',
};

function legalForm(code: string): unknown {
  return {
    kode: code,
    beskrivelse: LEGAL_FORMS[code] ?? code,
    _links: { self: { href: `${BRREG_BASE}/enhetsregisteret/api/organisasjonsformer/${code}` } },
  };
}

function selfLink(orgnr: string): unknown {
  return { self: { href: `${BRREG_BASE}/enhetsregisteret/api/enheter/${orgnr}` } };
}

function historicNames(b: Business): unknown[] {
  return b.previousNames.map((n) => ({
    fraDato: `${n.from} 00:00:00`,
    navn: n.name,
    tilDato: `${n.to} 09:00:00`,
  }));
}

/**
 * `GET /enhetsregisteret/api/enheter/{orgnr}`: the entity, its deleted form (`SlettetEnhet`), or
 * HTTP 410 once removed from open data.
 *
 * @example
 * renderBrregEntity(business); // { status: 200, body: { organisasjonsnummer, navn, konkurs, ... } }
 */
export function renderBrregEntity(b: Business): SimAnswer {
  if (b.status === 'removed') {
    return {
      status: 410,
      body: { organisasjonsnummer: b.registryId, slettedato: b.deletedOn, _links: selfLink(b.registryId) },
    };
  }
  if (b.status === 'dissolved') {
    const body: Record<string, unknown> = {
      organisasjonsnummer: b.registryId,
      navn: b.name,
      organisasjonsform: legalForm(b.legalForm),
    };
    if (b.previousNames.length > 0) body.historiskeNavn = historicNames(b);
    Object.assign(body, {
      slettedato: b.deletedOn,
      _links: selfLink(b.registryId),
      respons_klasse: 'SlettetEnhet',
    });
    return { status: 200, body };
  }
  const address = {
    adresse: b.address.lines,
    kommune: b.address.municipality,
    kommunenummer: b.address.municipalityNumber,
    land: 'Norge',
    landkode: 'NO',
    postnummer: b.address.postalCode,
    poststed: b.address.city,
  };
  const lastAccounts = b.accounts.at(-1);
  const body: Record<string, unknown> = {
    _links: selfLink(b.registryId),
    aktivitet: [`${b.industry.beskrivelse} og annen tilknyttet virksomhet.`],
    antallAnsatte: b.employees,
    erIKonsern: false,
    forretningsadresse: address,
    harRegistrertAntallAnsatte: b.employees > 0,
  };
  if (b.previousNames.length > 0) body.historiskeNavn = historicNames(b);
  body.institusjonellSektorkode = { beskrivelse: 'Private aksjeselskaper mv.', kode: '2100' };
  if (b.legalForm !== 'ENK') {
    body.kapital = {
      antallAksjer: Math.max(1, Math.round(b.shareCapital / 100)),
      belop: b.shareCapital,
      innfortDato: b.foundedOn,
      type: 'Aksjekapital',
      valuta: 'NOK',
    };
  }
  body.konkurs = b.bankruptcySince !== null;
  if (b.bankruptcySince) body.konkursdato = b.bankruptcySince;
  Object.assign(body, {
    maalform: 'Bokmål',
    naeringskode1: { beskrivelse: b.industry.beskrivelse, kode: b.industry.kode },
    navn: b.name,
    organisasjonsform: legalForm(b.legalForm),
    organisasjonsnummer: b.registryId,
    paategninger: [],
    postadresse: address,
    registreringsdatoEnhetsregisteret: b.foundedOn,
    registrertIForetaksregisteret: true,
    registrertIFrivillighetsregisteret: false,
    registrertIMvaregisteret: true,
    registrertIPartiregisteret: false,
    registrertIStiftelsesregisteret: false,
    respons_klasse: 'Enhet',
  });
  if (lastAccounts) body.sisteInnsendteAarsregnskap = String(lastAccounts.year);
  body.stiftelsesdato = b.foundedOn;
  if (b.forcedSince) body.tvangsopplostPgaManglendeRegnskapDato = b.forcedSince;
  body.underAvvikling = b.liquidationSince !== null;
  if (b.liquidationSince) body.underAvviklingDato = b.liquidationSince;
  body.underTvangsavviklingEllerTvangsopplosning = b.forcedSince !== null;
  body.vedtektsdato = b.foundedOn;
  return { status: 200, body };
}

const ROLE_GROUPS = {
  DAGL: 'Daglig leder/ adm.direktør',
  STYR: 'Styre',
  REVI: 'Revisor',
} as const;
const ROLE_TYPES = {
  DAGL: 'Daglig leder/ adm.direktør',
  LEDE: 'Styrets leder',
  MEDL: 'Styremedlem',
  REVI: 'Revisor',
} as const;

function roleType(kode: keyof typeof ROLE_TYPES): unknown {
  return {
    kode,
    beskrivelse: ROLE_TYPES[kode],
    _links: { self: { href: `${BRREG_BASE}/enhetsregisteret/api/roller/rolletyper/${kode}` } },
  };
}

function personRole(kode: keyof typeof ROLE_TYPES, holder: Officer, order: number): unknown {
  const navn: Record<string, string> = { fornavn: holder.name.first };
  if (holder.name.middle) navn.mellomnavn = holder.name.middle;
  navn.etternavn = holder.name.last;
  return {
    type: roleType(kode),
    person: { fodselsdato: holder.birthDate, navn, erDoed: false },
    fratraadt: false,
    avregistrert: false,
    rekkefolge: order,
  };
}

function group(kode: keyof typeof ROLE_GROUPS, changed: string, roles: unknown[]): unknown {
  return {
    type: {
      kode,
      beskrivelse: ROLE_GROUPS[kode],
      _links: { self: { href: `${BRREG_BASE}/enhetsregisteret/api/roller/rollegruppetyper/${kode}` } },
    },
    sistEndret: changed,
    roller: roles,
  };
}

/**
 * `GET /enhetsregisteret/api/enheter/{orgnr}/roller`: managing director (DAGL), board (LEDE, MEDL)
 * and auditor (REVI, an organisation).
 *
 * @example
 * renderBrregRoles(business).body; // { rollegrupper: [{ type: { kode: 'DAGL' }, roller: [...] }], _links }
 */
export function renderBrregRoles(b: Business): SimAnswer {
  if (b.status === 'removed') return renderBrregEntity(b);
  const groups: unknown[] = [];
  if (b.manager) groups.push(group('DAGL', b.manager.from, [personRole('DAGL', b.manager, 0)]));
  if (b.board.length > 0) {
    const changed =
      b.board
        .map((m) => m.from)
        .sort()
        .at(-1) ?? b.foundedOn;
    groups.push(
      group(
        'STYR',
        changed,
        b.board.map((member, i) => personRole(i === 0 ? 'LEDE' : 'MEDL', member, i)),
      ),
    );
  }
  if (b.auditor) {
    groups.push(
      group('REVI', b.foundedOn, [
        {
          type: roleType('REVI'),
          enhet: {
            organisasjonsnummer: b.auditor.orgnr,
            organisasjonsform: legalForm('AS'),
            navn: [b.auditor.name],
            erSlettet: false,
            _links: selfLink(b.auditor.orgnr),
          },
          fratraadt: false,
          avregistrert: false,
          rekkefolge: 0,
        },
      ]),
    );
  }
  return {
    status: 200,
    body: {
      rollegrupper: groups,
      _links: {
        self: { href: `${BRREG_BASE}/enhetsregisteret/api/enheter/${b.registryId}/roller` },
        enhet: { href: `${BRREG_BASE}/enhetsregisteret/api/enheter/${b.registryId}` },
      },
    },
  };
}

/**
 * `GET /regnskapsregisteret/regnskap/{orgnr}`: a list holding the latest annual accounts, in
 * Regnskapsregisteret's shape (including its own spellings `regnkapsprinsipper`, `sumInnskuttEgenkaptial`).
 * No accounts filed ⇒ 404 in the register's Spring error format.
 *
 * @example
 * renderBrregAccounts(business).body; // [{ regnskapsperiode: { fraDato, tilDato }, eiendeler: {...}, ... }]
 */
export function renderBrregAccounts(b: Business): SimAnswer {
  const a = b.accounts.at(-1);
  if (!a) return regnskapError(404, 'Not Found', `Fant ikke regnskap for ${b.registryId}`, b.registryId);
  const operatingResult = a.revenue - a.operatingCosts;
  const netFinance = a.financeIncome - a.financeCosts;
  const beforeTax = operatingResult + netFinance;
  const net = beforeTax > 0 ? Math.round(beforeTax * 0.78) : beforeTax;
  const totalAssets = a.currentAssets + a.fixedAssets;
  const debt = a.shortTermDebt + a.longTermDebt;
  return {
    status: 200,
    body: [
      {
        id: a.id,
        journalnr: a.journalnr,
        regnskapstype: 'SELSKAP',
        virksomhet: { organisasjonsnummer: b.registryId, organisasjonsform: b.legalForm, morselskap: true },
        regnskapsperiode: { fraDato: a.periodStart, tilDato: a.periodEnd },
        valuta: a.currency,
        avviklingsregnskap: false,
        oppstillingsplan: 'store',
        revisjon: { ikkeRevidertAarsregnskap: false, fravalgRevisjon: b.auditor === null },
        regnkapsprinsipper: { smaaForetak: a.small, regnskapsregler: 'regnskapslovenAlminneligRegler' },
        egenkapitalGjeld: {
          sumEgenkapitalGjeld: totalAssets,
          egenkapital: {
            sumEgenkapital: a.equity,
            opptjentEgenkapital: { sumOpptjentEgenkapital: a.equity - a.paidInEquity },
            innskuttEgenkapital: { sumInnskuttEgenkaptial: a.paidInEquity },
          },
          gjeldOversikt: {
            sumGjeld: debt,
            kortsiktigGjeld: { sumKortsiktigGjeld: a.shortTermDebt },
            langsiktigGjeld: { sumLangsiktigGjeld: a.longTermDebt },
          },
        },
        eiendeler: {
          sumEiendeler: totalAssets,
          omloepsmidler: { sumOmloepsmidler: a.currentAssets },
          anleggsmidler: { sumAnleggsmidler: a.fixedAssets },
        },
        resultatregnskapResultat: {
          ordinaertResultatFoerSkattekostnad: beforeTax,
          aarsresultat: net,
          finansresultat: {
            nettoFinans: netFinance,
            finansinntekt: { sumFinansinntekter: a.financeIncome },
            finanskostnad: { sumFinanskostnad: a.financeCosts },
          },
          driftsresultat: {
            driftsresultat: operatingResult,
            driftsinntekter: { sumDriftsinntekter: a.revenue },
            driftskostnad: { sumDriftskostnad: a.operatingCosts },
          },
        },
      },
    ],
  };
}

/**
 * Regnskapsregisteret's error body (Spring Boot's), as in its HTTP 500 capture.
 *
 * @example
 * regnskapError(404, 'Not Found', 'Fant ikke regnskap', '923609016').body; // { timestamp, status: '404', ... }
 */
export function regnskapError(status: number, error: string, message: string, orgnr: string): SimAnswer {
  return {
    status,
    body: {
      timestamp: '1970-01-01T00:00:00.000+0000',
      status: String(status),
      error,
      message,
      path: `/regnskapsregisteret/regnskap/${orgnr}`,
    },
  };
}

/**
 * Enhetsregisteret's problem-detail body for 404s, as in its capture for an unknown path.
 *
 * @example
 * brregNotFound('/enhetsregisteret/api/enheter/000000000').status; // 404
 */
export function brregNotFound(path: string, detail?: string): SimAnswer {
  return {
    status: 404,
    body: {
      detail: detail ?? `No static resource ${path.replace(/^\//, '')}.`,
      instance: path,
      status: 404,
      title: 'Not Found',
    },
  };
}
