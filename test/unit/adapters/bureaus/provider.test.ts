import {
  BureauConfig,
  type BureauProvider,
  createProviders,
  fetchSnapshot,
  type ProviderContribution,
} from '#shared/adapters/bureaus/provider.ts';
import { Snapshot } from '#shared/domain/snapshot.ts';
import { ConfigError, MalformedPayloadError } from '#shared/errors.ts';
import { business, fakeTransport, fixture, individual, ok, PARTY_KEY } from './support.ts';

const ctx = { now: new Date('2026-10-05T12:00:00Z'), partyKey: PARTY_KEY };

const config = BureauConfig.parse({
  brreg: { baseUrl: 'https://data.brreg.test' },
  regnskap: { baseUrl: 'https://regnskap.brreg.test' },
  companiesHouse: { baseUrl: 'https://ch.test', apiKey: 'k' },
  creditBureau: { baseUrl: 'https://bureau.test' },
});

function stub(name: string, patch: (s: Snapshot) => Snapshot, warnings: string[] = []): BureauProvider {
  return {
    name,
    supports: () => true,
    fetch: async (): Promise<ProviderContribution> => ({
      provider: name,
      fetchedAt: '2026-10-05T12:00:00.000Z',
      apply: patch,
      warnings,
    }),
  };
}

describe('BureauConfig', () => {
  it('fills the HTTP defaults and rejects a base URL that is not http(s)', () => {
    // Prepare / Act
    const bad = BureauConfig.safeParse({ ...config, brreg: { baseUrl: 'ftp://x' } });
    // Assess
    expect(config.http).toEqual({
      timeoutMs: 8000,
      maxAttempts: 3,
      baseDelayMs: 200,
      maxDelayMs: 5000,
      rateLimitPerSecond: 10,
      breaker: { failureThreshold: 5, failureRate: 0.5, windowSize: 50, resetAfterMs: 30_000 },
    });
    expect(config.companiesHouse.rateLimitPerSecond).toBe(2);
    expect(bad.success).toBe(false);
  });
});

describe('fetchSnapshot', () => {
  it('applies contributions in provider order and collects sources and prefixed warnings', async () => {
    // Prepare
    const registry = stub(
      'registry',
      (s) => ({ ...s, identity: { ...s.identity, name: 'ACME AS' }, employees: 3 }),
      ['w1'],
    );
    const bureau = stub('bureau', (s) => ({ ...s, employees: 4, credit: { ...s.credit, score: 70 } }));
    // Act
    const fetched = await fetchSnapshot(business('NO', '923609016'), [registry, bureau], ctx);
    // Assess
    expect(fetched.snapshot).toMatchObject({ subjectId: 'NO-923609016', kind: 'business', employees: 4 });
    expect(fetched.snapshot.identity).toMatchObject({
      country: 'NO',
      registryId: '923609016',
      name: 'ACME AS',
    });
    expect(fetched.snapshot.credit.score).toBe(70);
    expect(fetched.sources.map((s) => s.provider)).toEqual(['registry', 'bureau']);
    expect(fetched.warnings).toEqual(['registry: w1']);
  });

  it('rejects a merged snapshot that breaks the canonical schema', async () => {
    // Prepare
    const broken = stub('broken', (s) => ({ ...s, employees: -1 }));
    // Act
    const error = await fetchSnapshot(business('NO', '923609016'), [broken], ctx).catch((e: unknown) => e);
    // Assess
    expect(error).toBeInstanceOf(MalformedPayloadError);
    expect((error as MalformedPayloadError).details.issues[0]).toMatch(/^employees: /);
  });

  it('fails with a ConfigError when no provider supports the subject', async () => {
    // Prepare
    const providers = createProviders({ ...config, creditBureau: null }, fakeTransport({}));
    // Act / Assess
    await expect(fetchSnapshot(business('SE', '5560000000'), providers, ctx)).rejects.toBeInstanceOf(
      ConfigError,
    );
  });
});

describe('createProviders', () => {
  it('routes Norwegian and British businesses to their registries and everyone to the credit bureau', () => {
    // Prepare / Act
    const providers = createProviders(config, fakeTransport({}));
    const names = (s: Parameters<BureauProvider['supports']>[0]) =>
      providers.filter((p) => p.supports(s)).map((p) => p.name);
    // Assess
    expect(providers.map((p) => p.name)).toEqual(['brreg', 'companies-house', 'credit-bureau']);
    expect(names(business('NO', '923609016'))).toEqual(['brreg', 'credit-bureau']);
    expect(names(business('GB', '00002065'))).toEqual(['companies-house', 'credit-bureau']);
    expect(names(individual('01017012345', 'pt_x'))).toEqual(['credit-bureau']);
  });

  it('builds one snapshot from registry and bureau through the configured hosts', async () => {
    // Prepare
    const transport = fakeTransport({
      'GET https://data.brreg.test/enhetsregisteret/api/enheter/923609016': ok(
        fixture('brreg', 'enhet_923609016_equinor_live_capture.json'),
      ),
      'GET https://data.brreg.test/enhetsregisteret/api/enheter/923609016/roller': ok(
        fixture('brreg', 'pythonbrreg_enheter-roller-person-response.json'),
      ),
      'GET https://regnskap.brreg.test/regnskapsregisteret/regnskap/923609016': ok(
        fixture('brreg', 'regnskap_923609016_equinor_2024.json'),
      ),
      'GET https://bureau.test/credit-bureau/v1/companies/NO/923609016': ok(
        fixture('credmon-bureau', 'company_923609016.json'),
      ),
    });
    const providers = createProviders(config, transport, { sleep: async () => undefined });
    // Act
    const { snapshot, sources } = await fetchSnapshot(business('NO', '923609016'), providers, ctx);
    // Assess
    expect(snapshot.identity.name).toBe('EQUINOR ASA');
    expect(snapshot.accounts?.revenue).toBe(72_543_000_000);
    expect(snapshot.credit.score).toBe(92);
    expect(sources.map((s) => s.provider)).toEqual(['brreg', 'credit-bureau']);
    expect(Snapshot.parse(snapshot)).toEqual(snapshot);
  });

  it('gives the same snapshot for the same answers', async () => {
    // Prepare
    const routes = {
      'GET https://ch.test/company/02578066': ok(
        fixture('companies-house', 'company_profile_02578066_14_lawn_road.json'),
      ),
      'GET https://ch.test/company/02578066/officers?items_per_page=100&start_index=0': ok(
        fixture('companies-house', 'officers_02578066_synthetic.json'),
      ),
      'GET https://bureau.test/credit-bureau/v1/companies/GB/02578066': ok(
        '{"error":{"code":"NOT_FOUND","message":"x"}}',
        404,
      ),
    };
    // Act
    const first = await fetchSnapshot(
      business('GB', '02578066'),
      createProviders(config, fakeTransport(routes)),
      ctx,
    );
    const second = await fetchSnapshot(
      business('GB', '02578066'),
      createProviders(config, fakeTransport(routes)),
      ctx,
    );
    // Assess
    expect(JSON.stringify(second.snapshot)).toBe(JSON.stringify(first.snapshot));
    expect(first.warnings).toEqual(['credit-bureau: no credit report for this company']);
  });
});
