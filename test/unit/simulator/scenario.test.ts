import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { BureauCompanyReport } from '#shared/adapters/bureaus/credmon-bureau/wire.ts';
import { respond } from '#shared/simulator/respond.ts';
import { loadScenario } from '#shared/simulator/scenario.ts';
import { get, keys, record } from './helpers.ts';

const examplePath = join(__dirname, '../../../examples/scenarios/equinor-bankruptcy.json');
const example = JSON.parse(readFileSync(examplePath, 'utf8'));
const ENTITY = '/enhetsregisteret/api/enheter/923609016';
const FEED = '/enhetsregisteret/api/oppdateringer/enheter';

describe('scenario worlds', () => {
  it('answers each path with the latest timeline entry at or before the day', () => {
    // Prepare
    const world = loadScenario(example, 'equinor-bankruptcy.json');

    // Act
    const byDay = [0, 2, 3, 5, 6, 9, 40].map((day) => {
      world.advanceTo(day);
      return get(world, ENTITY);
    });

    // Assess
    const [d0, d2, d3, d5, d6, d9, d40] = byDay;
    expect(record(d0?.body).konkurs).toBe(false);
    expect(d2?.body).toEqual(d0?.body);
    expect(record(d3?.body)).toMatchObject({ konkurs: true, konkursdato: '2026-10-08' });
    expect(d5?.body).toEqual(d3?.body);
    expect(record(d6?.body)).toMatchObject({ respons_klasse: 'SlettetEnhet', slettedato: '2026-10-11' });
    expect(d9?.status).toBe(410);
    expect(d40?.status).toBe(410);
    expect(world.today()).toBe('2026-11-14');
  });

  it('answers 404 in the registry’s format for paths the scenario never names', () => {
    // Prepare
    const world = loadScenario(example, 'equinor-bankruptcy.json');

    // Act
    const unknownEntity = get(world, '/enhetsregisteret/api/enheter/981276957');
    const unknownCompany = get(world, '/company/00002065');
    const unknownBureau = get(world, '/credit-bureau/v1/companies/NO/981276957');

    // Assess
    expect(unknownEntity.status).toBe(404);
    expect(keys(unknownEntity.body)).toEqual(['detail', 'instance', 'status', 'title']);
    expect(unknownCompany.body).toEqual({
      errors: [{ error: 'company-profile-not-found', type: 'ch:service' }],
    });
    expect(unknownBureau).toMatchObject({ status: 404, body: { error: { code: 'NOT_FOUND' } } });
  });

  it('derives the change feed and the truth from consecutive answers', () => {
    // Prepare
    const world = loadScenario(example, 'equinor-bankruptcy.json');

    // Act
    world.advanceTo(4);
    const early = record(get(world, FEED, { oppdateringsid: '1' }).body);
    world.advanceTo(10);
    const late = record(get(world, FEED, { oppdateringsid: '1' }).body);

    // Assess
    const entries = (page: Record<string, unknown>) =>
      (
        record(page._embedded).oppdaterteEnheter as {
          endringstype: string;
          dato: string;
          organisasjonsnummer: string;
        }[]
      ).map((e) => [e.dato.slice(0, 10), e.organisasjonsnummer, e.endringstype]);
    expect(entries(early)).toEqual([['2026-10-08', '923609016', 'Endring']]);
    expect(entries(late)).toEqual([
      ['2026-10-08', '923609016', 'Endring'],
      ['2026-10-11', '923609016', 'Sletting'],
      ['2026-10-14', '923609016', 'Fjernet'],
    ]);
    const truth = world.truth();
    expect(truth.changes.map((c) => [c.day, c.kind])).toEqual([
      [2, 'response-changed'],
      [3, 'bankruptcy'],
      [3, 'response-changed'],
      [6, 'dissolved'],
      [9, 'removed'],
    ]);
    expect(truth.defaults).toEqual([{ subjectId: 'equinor', day: 3 }]);
  });

  it('serves the example’s bureau answers in the wire format and its portfolio as enrolment expects', () => {
    // Prepare
    const world = loadScenario(example, 'equinor-bankruptcy.json');

    // Act
    const answers = [0, 2, 3].map((day) => {
      world.advanceTo(day);
      return get(world, '/credit-bureau/v1/companies/NO/923609016').body;
    });

    // Assess
    for (const body of answers) expect(BureauCompanyReport.safeParse(body).error).toBeUndefined();
    expect(world.portfolio()).toEqual([
      {
        id: 'equinor',
        kind: 'business',
        country: 'NO',
        registryId: '923609016',
        nationalId: null,
        portfolioId: 'nordics',
        tier: 'daily',
        creditLimit: 5000000,
        paymentTermsDays: 30,
        exposure: 1200000,
      },
    ]);
  });

  it('finds individuals’ bureau answers by the national id in the POST body', () => {
    // Prepare
    const body = { schema: 'credmon.bureau/v1', kind: 'person' };
    const world = loadScenario(
      {
        startDate: '2026-01-01',
        subjects: [
          {
            id: 'p1',
            kind: 'individual',
            country: 'NO',
            nationalId: '01017012345',
            tier: 'weekly',
            portfolio: 'consumers',
            timeline: [{ day: 0, responses: { '/credit-bureau/v1/persons/lookup': { status: 200, body } } }],
          },
        ],
      },
      'people.json',
    );

    // Act
    const found = respond(world, {
      method: 'POST',
      path: '/credit-bureau/v1/persons/lookup',
      query: {},
      body: { country: 'NO', nationalId: '01017012345' },
    });
    const other = respond(world, {
      method: 'POST',
      path: '/credit-bureau/v1/persons/lookup',
      query: {},
      body: { country: 'NO', nationalId: '02017012345' },
    });

    // Assess
    expect(found).toMatchObject({ status: 200, body });
    expect(other.status).toBe(404);
  });

  it('rejects a bad file with errors that name the file and the field path', () => {
    // Prepare
    const bad = {
      startDate: '2026-13-01',
      subjects: [
        {
          id: 'x',
          kind: 'business',
          country: 'NO',
          tier: 'hourly',
          portfolio: 'p',
          timeline: [{ day: -1, responses: {} }],
        },
      ],
    };

    // Act
    const load = () => loadScenario(bad, 'bad.json');

    // Assess
    expect(load).toThrow(/bad\.json: subjects\[0\]\.tier: /);
    expect(load).toThrow(/bad\.json: subjects\[0\]\.timeline\[0\]\.day: /);
    const noRegistryId = {
      startDate: '2026-01-01',
      subjects: [{ ...bad.subjects[0], tier: 'daily', timeline: [] }],
    };
    expect(() => loadScenario(noRegistryId, 'b.json')).toThrow(
      /b\.json: subjects\[0\]\.registryId: a business needs/,
    );
    expect(() => loadScenario({ ...example, startDate: '2026-02-30' }, 'dates.json')).toThrow(
      /dates\.json: startDate/,
    );
  });
});
