import { createCompaniesHouseProvider } from '#shared/adapters/bureaus/companies-house/adapter.ts';
import {
  advanceTimepoint,
  chStreamUrl,
  parseChStreamEvent,
  resumeTimepoint,
} from '#shared/adapters/bureaus/companies-house/stream.ts';
import { fetchSnapshot } from '#shared/adapters/bureaus/provider.ts';
import { partyToken } from '#shared/domain/privacy.ts';
import { ConfigError, MalformedPayloadError, SubjectNotFoundError } from '#shared/errors.ts';
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

const BASE = 'https://ch.test';
const API_KEY = 'ch-secret-key';
const NOW = new Date('2026-10-05T12:00:00Z');
const ctx = { now: NOW, partyKey: PARTY_KEY };

const profileUrl = (n: string) => `GET ${BASE}/company/${n}`;
const officersUrl = (n: string) => `GET ${BASE}/company/${n}/officers?items_per_page=100&start_index=0`;
const insolvencyUrl = (n: string) => `GET ${BASE}/company/${n}/insolvency`;
const notFound = ok('{"errors":[{"error":"company-profile-not-found","type":"ch:service"}]}', 404);
const chFixture = (name: string) => ok(fixture('companies-house', name));
const withProfile = (name: string, patch: Record<string, unknown>) =>
  ok(JSON.stringify({ ...(fixtureJson('companies-house', name) as object), ...patch }));

function chWith(routes: Record<string, Answer | Answer[]>) {
  const transport = fakeTransport(routes);
  const provider = createCompaniesHouseProvider({
    client: instantClient(transport, 'companies-house'),
    baseUrl: BASE,
    apiKey: API_KEY,
  });
  return { transport, provider };
}

describe('Companies House provider', () => {
  it('normalizes the Lloyds Bank profile and authenticates with the key as Basic user name', async () => {
    // Prepare
    const { provider, transport } = chWith({
      [profileUrl('00002065')]: chFixture('company_profile_00002065_lloyds_bank.json'),
      [officersUrl('00002065')]: notFound,
    });
    // Act
    const { snapshot, warnings } = await fetchSnapshot(business('GB', '00002065'), [provider], ctx);
    // Assess
    expect(snapshot.identity).toEqual({
      country: 'GB',
      registryId: '00002065',
      personToken: null,
      name: 'LLOYDS BANK PLC',
      legalForm: { code: 'plc', description: null },
      industryCode: '64191',
      foundedOn: '1865-04-20',
    });
    expect(snapshot.addresses.business).toEqual({
      lines: ['25 Gresham Street'],
      postalCode: 'EC2V 7HN',
      city: 'London',
      country: 'GB',
      municipality: null,
    });
    expect(snapshot.status).toEqual({
      state: 'active',
      since: null,
      proceedings: [],
      addressProtected: false,
    });
    expect(snapshot.accountsFiling).toEqual({
      lastPeriodEnd: '2025-12-31',
      nextDue: '2027-06-30',
      overdue: false,
    });
    expect(snapshot.roles).toEqual([]);
    expect(warnings).toEqual([]);
    // No insolvency history: the insolvency resource is not requested.
    expect(transport.requests.map((r) => r.url)).toEqual([
      `${BASE}/company/00002065`,
      `${BASE}/company/00002065/officers?items_per_page=100&start_index=0`,
    ]);
    expect(transport.requests[0]?.headers.authorization).toBe(
      `Basic ${Buffer.from(`${API_KEY}:`).toString('base64')}`,
    );
  });

  it('normalizes 14 Lawn Road with its officers; resigned officers are left out', async () => {
    // Prepare
    const { provider } = chWith({
      [profileUrl('02578066')]: chFixture('company_profile_02578066_14_lawn_road.json'),
      [officersUrl('02578066')]: chFixture('officers_02578066_synthetic.json'),
    });
    // Act
    const { snapshot } = await fetchSnapshot(business('GB', '02578066'), [provider], ctx);
    // Assess
    expect(snapshot.identity).toMatchObject({
      name: '14 LAWN ROAD LIMITED',
      industryCode: '98000',
      foundedOn: '1991-01-30',
    });
    expect(snapshot.addresses.business).toEqual({
      lines: ['14 Lawn Road', '1st Floor Flat'],
      postalCode: 'NW3 2XS',
      city: 'London',
      country: 'GB',
      municipality: null,
    });
    expect(snapshot.roles).toEqual([
      {
        type: 'board-member',
        sourceCode: 'director',
        party: {
          kind: 'person',
          ref: partyToken({ name: 'Jane Alice EXAMPLE', birthDate: '1968-04' }, PARTY_KEY),
          name: 'EXAMPLE, Jane Alice',
        },
        from: '2015-03-01',
        to: null,
      },
      {
        type: 'other',
        sourceCode: 'corporate-secretary',
        party: { kind: 'organisation', ref: '01234567', name: 'SAMPLE SECRETARIES LIMITED' },
        from: '2015-03-01',
        to: null,
      },
    ]);
  });

  it('judges accounts overdue by the clock when the profile flag lags', async () => {
    // Prepare
    const routes = {
      [profileUrl('02578066')]: chFixture('company_profile_02578066_14_lawn_road.json'),
      [officersUrl('02578066')]: notFound,
    };
    // Act
    const before = await fetchSnapshot(business('GB', '02578066'), [chWith(routes).provider], {
      ...ctx,
      now: new Date('2023-06-01T00:00:00Z'),
    });
    const after = await fetchSnapshot(business('GB', '02578066'), [chWith(routes).provider], ctx);
    // Assess
    expect(before.snapshot.accountsFiling).toEqual({
      lastPeriodEnd: '2022-01-31',
      nextDue: '2023-10-31',
      overdue: false,
    });
    expect(after.snapshot.accountsFiling?.overdue).toBe(true);
  });

  it('maps liquidation with its open insolvency case, ignoring ended cases', async () => {
    // Prepare
    const { provider } = chWith({
      [profileUrl('11519482')]: chFixture('company_profile_11519482_synthetic_liquidation.json'),
      [officersUrl('11519482')]: notFound,
      [insolvencyUrl('11519482')]: chFixture('insolvency_11519482_synthetic.json'),
    });
    // Act
    const { snapshot, warnings } = await fetchSnapshot(business('GB', '11519482'), [provider], ctx);
    // Assess
    expect(snapshot.status).toEqual({
      state: 'liquidation',
      since: '2022-07-27',
      proceedings: [{ kind: 'liquidation', since: '2022-07-27' }],
      addressProtected: false,
    });
    expect(snapshot.accountsFiling).toEqual({
      lastPeriodEnd: '2020-08-31',
      nextDue: '2022-05-31',
      overdue: true,
    });
    expect(warnings).toEqual([]);
  });

  it('reads the insolvency cases of the real stream event in the documented resource shape', async () => {
    // Prepare
    const event = fixtureJson('companies-house', 'stream_company-insolvency_11519482.json') as {
      data: unknown;
    };
    const { provider } = chWith({
      [profileUrl('11519482')]: withProfile('company_profile_11519482_synthetic_liquidation.json', {
        company_status: 'insolvency-proceedings',
      }),
      [officersUrl('11519482')]: notFound,
      [insolvencyUrl('11519482')]: ok(JSON.stringify(event.data)),
    });
    // Act
    const { snapshot } = await fetchSnapshot(business('GB', '11519482'), [provider], ctx);
    // Assess
    expect(snapshot.status).toMatchObject({
      state: 'liquidation',
      proceedings: [{ kind: 'liquidation', since: '2022-07-27' }],
    });
  });

  it.each([
    ['administration', 'restructuring', 'administration'],
    ['receivership', 'restructuring', 'receivership'],
    ['voluntary-arrangement', 'restructuring', 'voluntary-arrangement'],
  ])(
    'maps company_status %s to %s with a %s proceeding when no case says more',
    async (status, state, kind) => {
      // Prepare
      const { provider } = chWith({
        [profileUrl('02578066')]: withProfile('company_profile_02578066_14_lawn_road.json', {
          company_status: status,
        }),
        [officersUrl('02578066')]: notFound,
        [insolvencyUrl('02578066')]: notFound,
      });
      // Act
      const { snapshot } = await fetchSnapshot(business('GB', '02578066'), [provider], ctx);
      // Assess
      expect(snapshot.status).toMatchObject({ state, proceedings: [{ kind, since: null }] });
    },
  );

  it.each([
    ['dissolved', 'dissolved'],
    ['converted-closed', 'dissolved'],
    ['closed', 'dissolved'],
    ['removed', 'removed'],
  ])('maps company_status %s to %s since the cessation date', async (status, state) => {
    // Prepare
    const { provider } = chWith({
      [profileUrl('02578066')]: withProfile('company_profile_02578066_14_lawn_road.json', {
        company_status: status,
        date_of_cessation: '2024-02-20',
      }),
      [officersUrl('02578066')]: notFound,
      [insolvencyUrl('02578066')]: notFound,
    });
    // Act
    const { snapshot } = await fetchSnapshot(business('GB', '02578066'), [provider], ctx);
    // Assess
    expect(snapshot.status).toMatchObject({ state, since: '2024-02-20', proceedings: [] });
  });

  it('maps an unknown company_status to unknown with a warning instead of failing', async () => {
    // Prepare
    const { provider } = chWith({
      [profileUrl('02578066')]: withProfile('company_profile_02578066_14_lawn_road.json', {
        company_status: 'in-limbo',
      }),
      [officersUrl('02578066')]: notFound,
      [insolvencyUrl('02578066')]: notFound,
    });
    // Act
    const { snapshot, warnings } = await fetchSnapshot(business('GB', '02578066'), [provider], ctx);
    // Assess
    expect(snapshot.status.state).toBe('unknown');
    expect(warnings).toEqual(["companies-house: unknown company_status 'in-limbo' mapped to unknown"]);
  });

  it('reads a proposal to strike the company off as forced dissolution, though its status is still active', async () => {
    // Prepare
    const { provider } = chWith({
      [profileUrl('02578066')]: withProfile('company_profile_02578066_14_lawn_road.json', {
        company_status: 'active',
        company_status_detail: 'active-proposal-to-strike-off',
      }),
      [officersUrl('02578066')]: notFound,
      [insolvencyUrl('02578066')]: notFound,
    });
    // Act
    const { snapshot, warnings } = await fetchSnapshot(business('GB', '02578066'), [provider], ctx);
    // Assess
    expect(snapshot.status).toEqual({
      state: 'forced-dissolution',
      since: null,
      proceedings: [{ kind: 'forced-dissolution', since: null }],
      addressProtected: false,
    });
    expect(warnings).toEqual([]);
  });

  it('throws SubjectNotFoundError for an unknown company', async () => {
    // Prepare
    const { provider } = chWith({ [profileUrl('99999999')]: notFound });
    // Act / Assess
    await expect(fetchSnapshot(business('GB', '99999999'), [provider], ctx)).rejects.toBeInstanceOf(
      SubjectNotFoundError,
    );
  });

  it('reports rejected credentials without the key', async () => {
    // Prepare
    const { provider } = chWith({ [profileUrl('00002065')]: ok('{"error":"Invalid Authorization"}', 401) });
    // Act
    const error = await fetchSnapshot(business('GB', '00002065'), [provider], ctx).catch((e: unknown) => e);
    // Assess
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as Error).message).not.toContain(API_KEY);
    expect((error as Error).message).not.toContain(Buffer.from(`${API_KEY}:`).toString('base64'));
  });

  it('rejects a profile without a company_status as malformed', async () => {
    // Prepare
    const { provider } = chWith({
      [profileUrl('00002065')]: withProfile('company_profile_00002065_lloyds_bank.json', {
        company_status: undefined,
      }),
    });
    // Act
    const error = await fetchSnapshot(business('GB', '00002065'), [provider], ctx).catch((e: unknown) => e);
    // Assess
    expect(error).toBeInstanceOf(MalformedPayloadError);
    expect((error as MalformedPayloadError).details).toMatchObject({
      provider: 'companies-house',
      path: '/company/00002065',
    });
    expect((error as MalformedPayloadError).details.issues[0]).toMatch(/^company_status: /);
  });
});

describe('Companies House streaming events', () => {
  it.each([
    ['stream_company-profile_SC571653.json', 'SC571653', 'company-profile', 47695461],
    ['stream_company-insolvency_11519482.json', '11519482', 'company-insolvency', 1293709],
    ['stream_company-charges_05155434_satisfied.json', '05155434', 'company-charges', 1487036],
    ['stream_filing-history_02154654_accounts.json', '02154654', 'filing-history', 99061051],
  ])('parses %s', (name, companyNumber, resourceKind, timepoint) => {
    // Prepare
    const line = JSON.stringify(fixtureJson('companies-house', name));
    // Act
    const event = parseChStreamEvent(line);
    // Assess
    expect(event).toEqual({
      companyNumber,
      resourceKind,
      timepoint,
      eventType: 'changed',
      fieldsChanged: [],
    });
  });

  it('keeps fields_changed and treats blank heartbeat lines as no event', () => {
    // Prepare
    const raw = fixtureJson('companies-house', 'stream_company-profile_SC571653.json') as { event: object };
    const line = JSON.stringify({ ...raw, event: { ...raw.event, fields_changed: ['company_status'] } });
    // Act / Assess
    expect(parseChStreamEvent(line)?.fieldsChanged).toEqual(['company_status']);
    expect(parseChStreamEvent('  \r')).toBeNull();
  });

  it('rejects lines that are not events', () => {
    // Prepare / Act / Assess
    expect(() => parseChStreamEvent('{"resource_kind":')).toThrow(MalformedPayloadError);
    expect(() => parseChStreamEvent('{"resource_kind":"company-profile"}')).toThrow(MalformedPayloadError);
  });

  it('resumes after the last processed timepoint', () => {
    // Prepare
    const events = [
      'stream_company-charges_05155434_satisfied.json',
      'stream_company-insolvency_11519482.json',
    ].map((name) => parseChStreamEvent(JSON.stringify(fixtureJson('companies-house', name)))!);
    // Act
    const cursor = advanceTimepoint(1293000, events);
    // Assess
    expect(cursor).toBe(1487036);
    expect(advanceTimepoint(2_000_000, events)).toBe(2_000_000);
    expect(resumeTimepoint(cursor)).toBe(1487037);
    expect(resumeTimepoint(null)).toBeNull();
    expect(chStreamUrl('https://stream.ch.test/', 'companies', cursor)).toBe(
      'https://stream.ch.test/companies?timepoint=1487037',
    );
    expect(chStreamUrl('https://stream.ch.test', 'companies', null)).toBe('https://stream.ch.test/companies');
  });
});
