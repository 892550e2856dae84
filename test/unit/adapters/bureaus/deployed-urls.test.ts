/**
 * The bureau URLs a deployment requests, built from the deployed default configuration: each must
 * be the real API's documented URL. The fake transport answers only those exact URLs, so a doubled
 * or missing path segment fails the check with the URL it asked for.
 */
import { BureauConfig, createProviders, fetchSnapshot } from '#shared/adapters/bureaus/provider.ts';
import { loadDeploymentConfig } from '../../../../lib/config.ts';
import { business, fakeTransport, fixture, ok, PARTY_KEY } from './support.ts';

const deployed = loadDeploymentConfig('config/deployment.example.json').bureaus;
const defaults = loadDeploymentConfig({ value: {} }).bureaus;
const ctx = { now: new Date('2026-10-05T12:00:00Z'), partyKey: PARTY_KEY };

const bureauConfig = (bureaus: typeof deployed) =>
  BureauConfig.parse({
    brreg: { baseUrl: bureaus.brreg.baseUrl },
    regnskap: { baseUrl: bureaus.regnskap.baseUrl },
    companiesHouse: { baseUrl: bureaus.companiesHouse.baseUrl, apiKey: 'key' },
    creditBureau: null,
  });

describe.each([
  ['the built-in defaults', defaults],
  ['config/deployment.example.json', deployed],
])('bureau URLs from %s', (_label, bureaus) => {
  it('requests Enhetsregisteret and Regnskapsregisteret at their real paths', async () => {
    // Prepare
    const transport = fakeTransport({
      'GET https://data.brreg.no/enhetsregisteret/api/enheter/923609016': ok(
        fixture('brreg', 'enhet_923609016_equinor_live_capture.json'),
      ),
      'GET https://data.brreg.no/enhetsregisteret/api/enheter/923609016/roller': ok(
        fixture('brreg', 'pythonbrreg_enheter-roller-enhet-response.json'),
      ),
      'GET https://data.brreg.no/regnskapsregisteret/regnskap/923609016': ok(
        fixture('brreg', 'regnskap_923609016_equinor_2024.json'),
      ),
    });
    const providers = createProviders(bureauConfig(bureaus), transport);
    // Act
    const fetched = await fetchSnapshot(business('NO', '923609016'), providers, ctx);
    // Assess
    expect(fetched.snapshot.identity.registryId).toBe('923609016');
    expect(transport.requests.map((request) => request.url).sort()).toEqual([
      'https://data.brreg.no/enhetsregisteret/api/enheter/923609016',
      'https://data.brreg.no/enhetsregisteret/api/enheter/923609016/roller',
      'https://data.brreg.no/regnskapsregisteret/regnskap/923609016',
    ]);
  });

  it('requests Companies House at its real paths', async () => {
    // Prepare
    const origin = 'https://api.company-information.service.gov.uk';
    const transport = fakeTransport({
      [`GET ${origin}/company/02578066`]: ok(
        fixture('companies-house', 'company_profile_02578066_14_lawn_road.json'),
      ),
      [`GET ${origin}/company/02578066/officers?items_per_page=100&start_index=0`]: ok(
        fixture('companies-house', 'officers_02578066_synthetic.json'),
      ),
    });
    const providers = createProviders(bureauConfig(bureaus), transport);
    // Act
    await fetchSnapshot(business('GB', '02578066'), providers, ctx);
    // Assess
    expect(transport.requests.map((request) => request.url)).toEqual([
      `${origin}/company/02578066`,
      `${origin}/company/02578066/officers?items_per_page=100&start_index=0`,
    ]);
  });
});
