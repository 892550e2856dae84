import { createBrregProvider } from '#shared/adapters/bureaus/brreg/adapter.ts';
import { fetchSnapshot } from '#shared/adapters/bureaus/provider.ts';
import { partyToken } from '#shared/domain/privacy.ts';
import { MalformedPayloadError, SubjectNotFoundError } from '#shared/errors.ts';
import {
  type Answer,
  business,
  fakeTransport,
  fixture,
  fixtureJson,
  instantClient,
  ok,
  PARTY_KEY,
} from './support.ts';

const BASE = 'https://data.brreg.test';
const NOW = new Date('2026-10-05T12:00:00Z');
const ctx = { now: NOW, partyKey: PARTY_KEY };

const entityUrl = (orgnr: string) => `GET ${BASE}/enhetsregisteret/api/enheter/${orgnr}`;
const rolesUrl = (orgnr: string) => `GET ${BASE}/enhetsregisteret/api/enheter/${orgnr}/roller`;
const accountsUrl = (orgnr: string) => `GET ${BASE}/regnskapsregisteret/regnskap/${orgnr}`;

const brregFixture = (name: string) => ok(fixture('brreg', name));
const withEntity = (name: string, patch: Record<string, unknown>) =>
  ok(JSON.stringify({ ...(fixtureJson('brreg', name) as object), ...patch }));

function brregWith(routes: Record<string, Answer | Answer[]>) {
  const transport = fakeTransport(routes);
  const provider = createBrregProvider({ client: instantClient(transport, 'brreg'), baseUrl: BASE });
  return { transport, provider };
}

function equinorRoutes(entity: Answer = brregFixture('enhet_923609016_equinor_live_capture.json')) {
  return {
    [entityUrl('923609016')]: entity,
    [rolesUrl('923609016')]: brregFixture('pythonbrreg_enheter-roller-person-response.json'),
    [accountsUrl('923609016')]: brregFixture('regnskap_923609016_equinor_2024.json'),
  };
}

describe('Brønnøysund provider', () => {
  it('normalizes Equinor: identity, business address, capital, filing and the 2024 key figures', async () => {
    // Prepare
    const { provider } = brregWith(equinorRoutes());
    // Act
    const { snapshot, sources, warnings } = await fetchSnapshot(business('NO', '923609016'), [provider], ctx);
    // Assess
    expect(snapshot.identity).toEqual({
      country: 'NO',
      registryId: '923609016',
      personToken: null,
      name: 'EQUINOR ASA',
      legalForm: { code: 'ASA', description: 'Allmennaksjeselskap' },
      industryCode: '06.100',
      foundedOn: '1972-09-18',
    });
    expect(snapshot.addresses.business).toEqual({
      lines: ['Forusbeen 50'],
      postalCode: '4035',
      city: 'STAVANGER',
      country: 'NO',
      municipality: '1103',
    });
    expect(snapshot.addresses.postal?.lines).toEqual(['Postboks 8500']);
    expect(snapshot.status).toEqual({
      state: 'active',
      since: null,
      proceedings: [],
      addressProtected: false,
    });
    expect(snapshot.employees).toBe(21272);
    expect(snapshot.shareCapital).toEqual({ amount: 5976872600, currency: 'NOK' });
    expect(snapshot.accountsFiling).toEqual({
      lastPeriodEnd: '2025-12-31',
      nextDue: '2027-07-31',
      overdue: false,
    });
    expect(snapshot.accounts).toEqual({
      periodStart: '2024-01-01',
      periodEnd: '2024-12-31',
      currency: 'USD',
      revenue: 72_543_000_000,
      previousRevenue: null,
      operatingResult: 10_347_000_000,
      resultBeforeTax: 8_168_000_000,
      netResult: 8_141_000_000,
      totalAssets: 109_150_000_000,
      currentAssets: 45_079_000_000,
      shortTermLiabilities: 42_024_000_000,
      totalLiabilities: 68_060_000_000,
      equity: 41_090_000_000,
      retainedEarnings: 40_038_000_000,
    });
    expect(sources).toEqual([{ provider: 'brreg', fetchedAt: '2026-10-05T12:00:00.000Z' }]);
    expect(warnings).toEqual([]);
  });

  it('maps a person role holder to a party token and keeps the name for the subject only', async () => {
    // Prepare
    const { provider } = brregWith(equinorRoutes());
    // Act
    const { snapshot } = await fetchSnapshot(business('NO', '923609016'), [provider], ctx);
    // Assess
    expect(snapshot.roles).toEqual([
      {
        type: 'chair',
        sourceCode: 'LEDE',
        party: {
          kind: 'person',
          ref: partyToken({ name: 'Ove Olsen', birthDate: '1981-01-01' }, PARTY_KEY),
          name: 'Ove Olsen',
        },
        from: null,
        to: null,
      },
    ]);
    expect(snapshot.roles[0]?.party.ref).toMatch(/^pp_[0-9a-f]{32}$/);
  });

  it('maps organisation role holders by organisation number and unknown role codes to other', async () => {
    // Prepare
    const { provider } = brregWith({
      ...equinorRoutes(),
      [rolesUrl('923609016')]: brregFixture('pythonbrreg_enheter-roller-enhet-response.json'),
    });
    // Act
    const { snapshot } = await fetchSnapshot(business('NO', '923609016'), [provider], ctx);
    // Assess
    expect(
      snapshot.roles.map((r) => [r.type, r.sourceCode, r.party.kind, r.party.ref, r.party.name]),
    ).toEqual([
      ['other', 'DTPR', 'organisation', '810004282', 'Sult AS'],
      ['other', 'DTPR', 'organisation', '810006242', 'Rolfsens Deltakerorganisasjon AS'],
    ]);
  });

  it('maps the well-known role codes and skips roles the holder has left', async () => {
    // Prepare
    const person = (kode: string, fornavn: string, extra: object = {}) => ({
      type: { kode },
      person: {
        fodselsdato: '1970-01-01',
        navn: { fornavn, mellomnavn: 'M', etternavn: 'Test' },
        erDoed: false,
      },
      ...extra,
    });
    const roller = {
      rollegrupper: [
        {
          type: { kode: 'STYR' },
          roller: [
            person('MEDL', 'B'),
            person('NEST', 'C'),
            person('VARA', 'D'),
            person('MEDL', 'Gone', { fratraadt: true }),
          ],
        },
        { type: { kode: 'DAGL' }, roller: [person('DAGL', 'A')] },
        {
          type: { kode: 'REVI' },
          roller: [
            { type: { kode: 'REVI' }, enhet: { organisasjonsnummer: '987654321', navn: 'REVISJON AS' } },
          ],
        },
        {
          type: { kode: 'REGN' },
          roller: [{ type: { kode: 'REGN' }, enhet: { organisasjonsnummer: '912345678' } }],
        },
      ],
    };
    const { provider } = brregWith({
      ...equinorRoutes(),
      [rolesUrl('923609016')]: ok(JSON.stringify(roller)),
    });
    // Act
    const { snapshot } = await fetchSnapshot(business('NO', '923609016'), [provider], ctx);
    // Assess
    expect(snapshot.roles.map((r) => [r.type, r.party.name])).toEqual([
      ['managing-director', 'A M Test'],
      ['deputy-chair', 'C M Test'],
      ['board-member', 'B M Test'],
      ['deputy-board-member', 'D M Test'],
      ['auditor', 'REVISJON AS'],
      ['accountant', null],
    ]);
  });

  it('parses the other entity captures: padded address lines, empty konkursdato, no filing year', async () => {
    // Prepare
    const { provider } = brregWith({
      [entityUrl('112233445')]: brregFixture('pythonbrreg_enheter-details-response.json'),
      [rolesUrl('112233445')]: ok('{"status":404}', 404),
      [accountsUrl('112233445')]: ok('[]'),
    });
    // Act
    const { snapshot } = await fetchSnapshot(business('NO', '112233445'), [provider], ctx);
    // Assess
    expect(snapshot.addresses.business?.lines).toEqual(['Tyvholmen 1']);
    expect(snapshot.addresses.postal?.lines).toEqual(['c/o reder K. Rusing', 'Postboks 1752 Vika']);
    expect(snapshot.status.state).toBe('active');
    expect(snapshot.accountsFiling).toBeNull();
    expect(snapshot.accounts).toBeNull();
    expect(snapshot.roles).toEqual([]);
    expect(snapshot.employees).toBe(50);
  });

  it('parses the tidybrreg capture of Equinor', async () => {
    // Prepare
    const { provider } = brregWith(equinorRoutes(brregFixture('enhet_923609016_tidybrreg.json')));
    // Act
    const { snapshot } = await fetchSnapshot(business('NO', '923609016'), [provider], ctx);
    // Assess
    expect(snapshot.employees).toBe(21408);
    expect(snapshot.accountsFiling).toEqual({
      lastPeriodEnd: '2024-12-31',
      nextDue: '2026-07-31',
      overdue: true,
    });
  });

  it('marks accounts overdue once 31 July after the following year has passed', async () => {
    // Prepare
    const { provider } = brregWith(equinorRoutes());
    // Act
    const { snapshot } = await fetchSnapshot(business('NO', '923609016'), [provider], {
      ...ctx,
      now: new Date('2027-08-01T00:00:00Z'),
    });
    // Assess
    expect(snapshot.accountsFiling?.overdue).toBe(true);
  });

  it('maps bankruptcy and liquidation flags to proceedings, the most severe deciding the state', async () => {
    // Prepare
    const entity = withEntity('enhet_923609016_equinor_live_capture.json', {
      konkurs: true,
      konkursdato: '2026-09-01',
      underAvvikling: true,
      underAvviklingDato: '2026-08-01',
    });
    const { provider } = brregWith(equinorRoutes(entity));
    // Act
    const { snapshot } = await fetchSnapshot(business('NO', '923609016'), [provider], ctx);
    // Assess
    expect(snapshot.status).toEqual({
      state: 'bankruptcy',
      since: '2026-09-01',
      proceedings: [
        { kind: 'bankruptcy', since: '2026-09-01' },
        { kind: 'liquidation', since: '2026-08-01' },
      ],
      addressProtected: false,
    });
  });

  it('maps forced dissolution with the earliest of its dates', async () => {
    // Prepare
    const entity = withEntity('enhet_923609016_equinor_live_capture.json', {
      underTvangsavviklingEllerTvangsopplosning: true,
      tvangsopplostPgaManglendeRevisorDato: '2026-06-10',
      tvangsopplostPgaManglendeRegnskapDato: '2026-05-02',
    });
    const { provider } = brregWith(equinorRoutes(entity));
    // Act
    const { snapshot } = await fetchSnapshot(business('NO', '923609016'), [provider], ctx);
    // Assess
    expect(snapshot.status).toMatchObject({
      state: 'forced-dissolution',
      since: '2026-05-02',
      proceedings: [{ kind: 'forced-dissolution', since: '2026-05-02' }],
    });
  });

  it('maps a deleted entity (SlettetEnhet) to dissolved without fetching roles or accounts', async () => {
    // Prepare
    const { provider, transport } = brregWith({
      [entityUrl('981276957')]: brregFixture('enhet_981276957_dnb_deleted_SlettetEnhet.json'),
    });
    // Act
    const { snapshot } = await fetchSnapshot(business('NO', '981276957'), [provider], ctx);
    // Assess
    expect(snapshot.status).toEqual({
      state: 'dissolved',
      since: '2021-07-01',
      proceedings: [],
      addressProtected: false,
    });
    expect(snapshot.identity.name).toBe('DNB ASA');
    expect(snapshot.accountsFiling).toBeNull();
    expect(transport.requests).toHaveLength(1);
  });

  it('maps a deleted entity without respons_klasse by its slettedato', async () => {
    // Prepare
    const { provider } = brregWith({
      [entityUrl('123456789')]: brregFixture('pythonbrreg_enheter-details-deleted-response.json'),
    });
    // Act
    const { snapshot } = await fetchSnapshot(business('NO', '123456789'), [provider], ctx);
    // Assess
    expect(snapshot.status).toMatchObject({ state: 'dissolved', since: '2017-10-20' });
    expect(snapshot.identity.legalForm).toEqual({
      code: 'UTBG',
      description: 'Frivillig registrert utleiebygg',
    });
  });

  it('maps HTTP 410 to the removed state, an event rather than an error', async () => {
    // Prepare
    const { provider } = brregWith({
      [entityUrl('936127088')]: ok(fixture('brreg', 'enhet_936127088_http410_removed.json'), 410),
    });
    // Act
    const { snapshot } = await fetchSnapshot(business('NO', '936127088'), [provider], ctx);
    // Assess
    expect(snapshot.status).toEqual({
      state: 'removed',
      since: '2026-09-05',
      proceedings: [],
      addressProtected: false,
    });
    expect(snapshot.identity.registryId).toBe('936127088');
  });

  it('throws SubjectNotFoundError on 404', async () => {
    // Prepare
    const { provider } = brregWith({
      [entityUrl('999999999')]: ok(fixture('brreg', 'error_404_unknown_path.json'), 404),
    });
    // Act
    const act = fetchSnapshot(business('NO', '999999999'), [provider], ctx);
    // Assess
    await expect(act).rejects.toBeInstanceOf(SubjectNotFoundError);
  });

  it('keeps the snapshot when the accounts register answers 500 for a bank, with accounts null and a warning', async () => {
    // Prepare
    const entity = withEntity('enhet_923609016_equinor_live_capture.json', {
      organisasjonsnummer: '984851006',
      navn: 'DNB BANK ASA',
    });
    const { provider, transport } = brregWith({
      [entityUrl('984851006')]: entity,
      [rolesUrl('984851006')]: brregFixture('pythonbrreg_enheter-roller-person-response.json'),
      [accountsUrl('984851006')]: ok(
        fixture('brreg', 'regnskap_984851006_dnb_500_unsupported_plan.json'),
        500,
      ),
    });
    // Act
    const { snapshot, warnings } = await fetchSnapshot(business('NO', '984851006'), [provider], ctx);
    // Assess
    expect(snapshot.accounts).toBeNull();
    expect(snapshot.identity.name).toBe('DNB BANK ASA');
    expect(warnings).toEqual([
      'brreg: annual accounts not available: the register cannot present this accounts type',
    ]);
    expect(transport.requests.filter((r) => r.url.includes('regnskap'))).toHaveLength(1);
  });

  it.each([
    [
      'regnskap_915501680_nel_2024_negative_earnings.json',
      {
        revenue: 90_624_000,
        netResult: -260_874_000,
        equity: 1_313_849_000,
        retainedEarnings: -618_588_000,
        currency: 'NOK',
      },
    ],
    [
      'regnskap_810202572_bortigard_2024_small.json',
      { revenue: 174_012, operatingResult: -8599, totalLiabilities: 102_633, shortTermLiabilities: 78_465 },
    ],
    [
      'regnskap_official_testresponse_OrgnrResponseDefault.json',
      { periodEnd: '2019-12-31', equity: 2028, retainedEarnings: 2030, currentAssets: 2026 },
    ],
  ])('maps the accounts in %s', async (name, expected) => {
    // Prepare
    const { provider } = brregWith({ ...equinorRoutes(), [accountsUrl('923609016')]: brregFixture(name) });
    // Act
    const { snapshot } = await fetchSnapshot(business('NO', '923609016'), [provider], ctx);
    // Assess
    expect(snapshot.accounts).toMatchObject(expected);
  });

  it('sums equity from its parts, including the misspelt sumInnskuttEgenkaptial, when the total is missing', async () => {
    // Prepare
    const [accounts] = fixtureJson('brreg', 'regnskap_official_testresponse_OrgnrResponseDefault.json') as [
      { egenkapitalGjeld: { egenkapital: Record<string, unknown> } },
    ];
    delete accounts.egenkapitalGjeld.egenkapital.sumEgenkapital;
    const { provider } = brregWith({
      ...equinorRoutes(),
      [accountsUrl('923609016')]: ok(JSON.stringify([accounts])),
    });
    // Act
    const { snapshot } = await fetchSnapshot(business('NO', '923609016'), [provider], ctx);
    // Assess
    expect(snapshot.accounts?.equity).toBe(2029 + 2030);
  });

  it('picks the latest period, the company accounts before the group accounts', async () => {
    // Prepare
    const [equinor] = fixtureJson('brreg', 'regnskap_923609016_equinor_2024.json') as [
      Record<string, unknown>,
    ];
    const older = {
      ...equinor,
      regnskapsperiode: { fraDato: '2023-01-01', tilDato: '2023-12-31' },
      valuta: 'EUR',
    };
    const group = { ...equinor, regnskapstype: 'KONSERN', valuta: 'NOK' };
    const { provider } = brregWith({
      ...equinorRoutes(),
      [accountsUrl('923609016')]: ok(JSON.stringify([older, group, equinor])),
    });
    // Act
    const { snapshot } = await fetchSnapshot(business('NO', '923609016'), [provider], ctx);
    // Assess
    expect(snapshot.accounts).toMatchObject({ periodEnd: '2024-12-31', currency: 'USD' });
  });

  it('rejects an entity that does not match the format, naming the path and the field', async () => {
    // Prepare
    const entity = withEntity('enhet_923609016_equinor_live_capture.json', { antallAnsatte: 'many' });
    const { provider } = brregWith(equinorRoutes(entity));
    // Act
    const error = await fetchSnapshot(business('NO', '923609016'), [provider], ctx).catch((e: unknown) => e);
    // Assess
    expect(error).toBeInstanceOf(MalformedPayloadError);
    const { details } = error as MalformedPayloadError;
    expect(details.provider).toBe('brreg');
    expect(details.path).toBe('/enhetsregisteret/api/enheter/923609016');
    expect(details.issues).toHaveLength(1);
    expect(details.issues[0]).toMatch(/^antallAnsatte: /);
  });

  it('supports Norwegian businesses only', () => {
    // Prepare
    const { provider } = brregWith({});
    // Act / Assess
    expect(provider.supports(business('NO', '923609016'))).toBe(true);
    expect(provider.supports(business('GB', '00002065'))).toBe(false);
  });
});
