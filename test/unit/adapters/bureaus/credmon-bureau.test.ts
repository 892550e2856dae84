import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createCredmonBureauProvider } from '#shared/adapters/bureaus/credmon-bureau/adapter.ts';
import { BureauCompanyReport, BureauPersonReport } from '#shared/adapters/bureaus/credmon-bureau/wire.ts';
import { fetchSnapshot } from '#shared/adapters/bureaus/provider.ts';
import { personToken } from '#shared/domain/privacy.ts';
import { InputError, MalformedPayloadError, SubjectNotFoundError } from '#shared/errors.ts';
import {
  type Answer,
  business,
  fakeTransport,
  fixture,
  individual,
  instantClient,
  ok,
  PARTY_KEY,
} from './support.ts';

const BASE = 'https://bureau.test';
const ctx = { now: new Date('2026-10-05T12:00:00Z'), partyKey: PARTY_KEY };
const NATIONAL_ID = '01017012345';
const TOKEN = personToken({ country: 'NO', nationalId: NATIONAL_ID }, 'person-key');
const LOOKUP = `POST ${BASE}/credit-bureau/v1/persons/lookup`;

function bureauWith(routes: Record<string, Answer | Answer[]>) {
  const transport = fakeTransport(routes);
  const provider = createCredmonBureauProvider({
    client: instantClient(transport, 'credit-bureau'),
    baseUrl: BASE,
  });
  return { transport, provider };
}

describe('credmon credit-bureau provider', () => {
  it('maps a company report onto the credit part of the snapshot, in a stable order', async () => {
    // Prepare
    const { provider } = bureauWith({
      [`GET ${BASE}/credit-bureau/v1/companies/NO/923609016`]: ok(
        fixture('credmon-bureau', 'company_923609016.json'),
      ),
    });
    // Act
    const { snapshot, warnings } = await fetchSnapshot(business('NO', '923609016'), [provider], ctx);
    // Assess
    expect(snapshot.credit).toEqual({
      paymentRemarks: [
        {
          id: 'pr-1',
          kind: 'unpaid-invoice',
          amount: { amount: 4200, currency: 'NOK' },
          registeredOn: '2025-11-20',
          resolvedOn: '2026-01-15',
        },
        {
          id: 'pr-2',
          kind: 'court-judgment',
          amount: { amount: 125000, currency: 'NOK' },
          registeredOn: '2026-03-02',
          resolvedOn: null,
        },
      ],
      collectionCases: [{ id: 'cc-1', amount: null, openedOn: '2026-02-01', closedOn: null }],
      debtRegister: [],
      score: 92,
      creditLimit: { amount: 50_000_000, currency: 'NOK' },
    });
    expect(warnings).toEqual([]);
  });

  it('treats a company the bureau has no file on as no credit data, with a warning', async () => {
    // Prepare
    const { provider } = bureauWith({
      [`GET ${BASE}/credit-bureau/v1/companies/NO/923609016`]: ok(
        fixture('credmon-bureau', 'error_404.json'),
        404,
      ),
    });
    // Act
    const { snapshot, warnings } = await fetchSnapshot(business('NO', '923609016'), [provider], ctx);
    // Assess
    expect(snapshot.credit.paymentRemarks).toEqual([]);
    expect(warnings).toEqual(['credit-bureau: no credit report for this company']);
  });

  it('looks up a person by national id in the POST body only, and keeps only the token in the snapshot', async () => {
    // Prepare
    const { provider, transport } = bureauWith({
      [LOOKUP]: ok(fixture('credmon-bureau', 'person_active.json')),
    });
    // Act
    const { snapshot } = await fetchSnapshot(individual(NATIONAL_ID, TOKEN), [provider], ctx);
    // Assess
    expect(transport.requests[0]?.url).toBe(`${BASE}/credit-bureau/v1/persons/lookup`);
    expect(JSON.parse(transport.requests[0]?.body ?? '')).toEqual({ country: 'NO', nationalId: NATIONAL_ID });
    expect(snapshot.identity).toMatchObject({
      personToken: TOKEN,
      registryId: null,
      name: 'Kari Testperson',
    });
    expect(snapshot.status).toEqual({
      state: 'active',
      since: null,
      proceedings: [],
      addressProtected: false,
    });
    expect(snapshot.addresses.home).toEqual({
      lines: ['Testveien 1'],
      postalCode: '0150',
      city: 'OSLO',
      country: 'NO',
      municipality: null,
    });
    expect(snapshot.credit.debtRegister).toEqual([
      { id: 'dr-1', kind: 'credit-card', amount: { amount: 30000, currency: 'NOK' }, registeredOn: null },
    ]);
    expect(snapshot.credit.score).toBe(41.5);
    expect(JSON.stringify(snapshot)).not.toContain(NATIONAL_ID);
  });

  it.each([
    ['emigrated', 'emigrated'],
    ['deceased', 'deceased'],
  ])('maps person status %s', async (status, state) => {
    // Prepare
    const report = JSON.parse(fixture('credmon-bureau', 'person_active.json'));
    report.person.status = status;
    report.person.statusDate = '2026-02-01';
    const { provider } = bureauWith({ [LOOKUP]: ok(JSON.stringify(report)) });
    // Act
    const { snapshot } = await fetchSnapshot(individual(NATIONAL_ID, TOKEN), [provider], ctx);
    // Assess
    expect(snapshot.status).toMatchObject({ state, since: '2026-02-01' });
  });

  it('maps an unknown person status to unknown with a warning, and drops a protected address', async () => {
    // Prepare
    const { provider } = bureauWith({
      [LOOKUP]: ok(fixture('credmon-bureau', 'person_protected_unknown_status.json')),
    });
    // Act
    const { snapshot, warnings } = await fetchSnapshot(individual(NATIONAL_ID, TOKEN), [provider], ctx);
    // Assess
    expect(snapshot.status).toEqual({
      state: 'unknown',
      since: '2024-05-01',
      proceedings: [],
      addressProtected: true,
    });
    expect(snapshot.addresses.home).toBeNull();
    expect(warnings).toEqual(["credit-bureau: unknown person status 'under-guardianship' mapped to unknown"]);
  });

  it('throws SubjectNotFoundError for an unknown person, naming the subject and not the national id', async () => {
    // Prepare
    const { provider } = bureauWith({ [LOOKUP]: ok(fixture('credmon-bureau', 'error_404.json'), 404) });
    // Act
    const error = await fetchSnapshot(individual(NATIONAL_ID, TOKEN), [provider], ctx).catch(
      (e: unknown) => e,
    );
    // Assess
    expect(error).toBeInstanceOf(SubjectNotFoundError);
    expect((error as Error).message).toBe('credit-bureau: no person for subject person-1');
  });

  it('keeps personal data out of a malformed-payload error', async () => {
    // Prepare
    const report = JSON.parse(fixture('credmon-bureau', 'person_active.json'));
    report.person.birthDate = '01.01.1970';
    const { provider } = bureauWith({ [LOOKUP]: ok(JSON.stringify(report)) });
    // Act
    const error = await fetchSnapshot(individual(NATIONAL_ID, TOKEN), [provider], ctx).catch(
      (e: unknown) => e,
    );
    // Assess
    expect(error).toBeInstanceOf(MalformedPayloadError);
    const { details, message } = error as MalformedPayloadError;
    expect(details.path).toBe('/credit-bureau/v1/persons/lookup');
    expect(details.issues).toHaveLength(1);
    expect(details.issues[0]).toMatch(/^person\.birthDate: /);
    expect(JSON.stringify({ message, details })).not.toMatch(/01\.01\.1970|Kari|01017012345/);
  });

  it('refuses to look up an individual without a national id', async () => {
    // Prepare
    const { provider, transport } = bureauWith({});
    // Act
    const act = fetchSnapshot({ ...individual(NATIONAL_ID, TOKEN), nationalId: null }, [provider], ctx);
    // Assess
    await expect(act).rejects.toBeInstanceOf(InputError);
    expect(transport.requests).toHaveLength(0);
  });
});

describe('docs/credit-bureau-format.md', () => {
  it('shows an example and fixtures that parse with the wire format', () => {
    // Prepare
    const doc = readFileSync(
      join(__dirname, '..', '..', '..', '..', 'docs', 'credit-bureau-format.md'),
      'utf8',
    );
    const example = /```json\n([\s\S]*?)```/.exec(doc)?.[1] ?? '';
    // Act
    const person = BureauPersonReport.safeParse(JSON.parse(example));
    const company = BureauCompanyReport.safeParse(
      JSON.parse(fixture('credmon-bureau', 'company_923609016.json')),
    );
    // Assess
    expect(person.success).toBe(true);
    expect(company.success).toBe(true);
  });
});
