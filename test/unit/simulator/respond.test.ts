import { BureauCompanyReport, BureauPersonReport } from '#shared/adapters/bureaus/credmon-bureau/wire.ts';
import { respond } from '#shared/simulator/respond.ts';
import type { SimChange, SimSubject } from '#shared/simulator/types.ts';
import { createWorld } from '#shared/simulator/world.ts';
import { fixture, get, keys, leafPaths, record } from './helpers.ts';

// A year of 1000 subjects holds every state: bankrupt, deleted, removed, UK insolvencies.
const world = createWorld({ seed: 1, subjects: 1000, startDate: '2026-01-15' });
world.advanceTo(365);
const portfolio = world.portfolio();
const changes = world.truth().changes;

function subjectWith(kind: string, country: string): SimSubject {
  const ids = new Set(changes.filter((c: SimChange) => c.kind === kind).map((c) => c.subjectId));
  const found = portfolio.find((s) => ids.has(s.id) && s.country === country);
  if (!found) throw new Error(`no ${country} subject with a ${kind} change`);
  return found;
}
const active = portfolio.find(
  (s) =>
    s.country === 'NO' &&
    s.kind === 'business' &&
    !changes.some((c) => c.subjectId === s.id && c.kind === 'dissolved'),
);
const entity = (s: SimSubject | undefined) => `/enhetsregisteret/api/enheter/${s?.registryId}`;

describe('respond: Brønnøysund', () => {
  it('answers an entity with the real capture’s fields', () => {
    // Prepare
    const equinor = fixture('brreg_enhet_923609016_equinor_live_capture.json');
    const optional = [
      'konkursdato',
      'underAvviklingDato',
      'tvangsopplostPgaManglendeRegnskapDato',
      'historiskeNavn',
    ];

    // Act
    const answer = get(world, entity(active));

    // Assess
    expect(answer.status).toBe(200);
    const body = record(answer.body);
    const allowed = new Set([...keys(equinor), ...optional]);
    expect(Object.keys(body).filter((k) => !allowed.has(k))).toEqual([]);
    for (const required of [
      'organisasjonsnummer',
      'navn',
      'organisasjonsform',
      'forretningsadresse',
      'konkurs',
      'underAvvikling',
      'underTvangsavviklingEllerTvangsopplosning',
      'respons_klasse',
      'naeringskode1',
      'stiftelsesdato',
    ]) {
      expect(body).toHaveProperty(required);
    }
    expect(keys(body.forretningsadresse)).toEqual(keys(record(equinor).forretningsadresse));
    expect(leafPaths(body.organisasjonsform)).toEqual(leafPaths(record(equinor).organisasjonsform));
  });

  it('shows bankruptcy, the deleted form and HTTP 410 as the registry does', () => {
    // Prepare
    const bankrupt = subjectWith('bankruptcy', 'NO');
    const removed = subjectWith('removed', 'NO');
    const deleted = portfolio.find((s) => {
      const body = get(world, entity(s)).body as { respons_klasse?: string } | undefined;
      return s.country === 'NO' && body?.respons_klasse === 'SlettetEnhet';
    });

    // Act
    const bankruptAnswer = get(world, entity(bankrupt));
    const removedAnswer = get(world, entity(removed));
    const deletedAnswer = get(world, entity(deleted));

    // Assess
    const b = record(bankruptAnswer.body);
    expect(
      b.respons_klasse === 'SlettetEnhet' || (b.konkurs === true && typeof b.konkursdato === 'string'),
    ).toBe(true);
    expect(removedAnswer.status).toBe(410);
    expect(keys(removedAnswer.body)).toEqual(keys(fixture('brreg_enhet_936127088_http410_removed.json')));
    expect(deletedAnswer.status).toBe(200);
    const dnb = keys(fixture('brreg_enhet_981276957_dnb_deleted_SlettetEnhet.json'));
    expect(keys(deletedAnswer.body).filter((k) => !dnb.includes(k))).toEqual([]);
    expect(record(deletedAnswer.body).slettedato).toMatch(/^\d{4}-\d{2}-\d{2}$/);
  });

  it('answers roles in the roller shape and accounts in Regnskapsregisteret’s exact shape', () => {
    // Prepare
    const rollerFixture = record(fixture('brreg_pythonbrreg_enheter-roller-person-response.json'));
    const regnskap = fixture('brreg_regnskap_923609016_equinor_2024.json') as unknown[];

    // Act
    const roles = get(world, `${entity(active)}/roller`);
    const accounts = get(world, `/regnskapsregisteret/regnskap/${active?.registryId}`);

    // Assess
    expect(keys(roles.body)).toEqual(keys(rollerFixture));
    const groups = record(roles.body).rollegrupper as Record<string, unknown>[];
    const codes = groups.flatMap((g) => (g.roller as { type: { kode: string } }[]).map((r) => r.type.kode));
    expect(codes).toContain('DAGL');
    const person = (groups[0]!.roller as unknown[])[0];
    const fixtureRole = (
      (rollerFixture.rollegrupper as Record<string, unknown>[])[0]!.roller as unknown[]
    )[0];
    expect(leafPaths(record(person).person).filter((p) => p !== 'navn.mellomnavn')).toEqual(
      leafPaths(record(fixtureRole).person),
    );
    expect(keys(groups[0])).toEqual(keys((rollerFixture.rollegrupper as unknown[])[0]));
    expect(accounts.status).toBe(200);
    expect(leafPaths(accounts.body)).toEqual(leafPaths(regnskap));
  });

  it('pages the change feed like oppdateringer/enheter, resuming from an id', () => {
    // Prepare
    const mixed = record(fixture('brreg_oppdateringer_enheter_mixed_types_automaflow.json'));
    const empty = fixture('brreg_oppdateringer_enheter_empty_automaflow.json');
    const path = '/enhetsregisteret/api/oppdateringer/enheter';

    // Act
    const first = record(get(world, path, { oppdateringsid: '1', size: '50' }).body);
    const entries = (record(first._embedded).oppdaterteEnheter as { oppdateringsid: number }[]) ?? [];
    const lastId = entries.at(-1)?.oppdateringsid ?? 0;
    const next = record(get(world, path, { oppdateringsid: String(lastId + 1), size: '50' }).body);
    const none = get(world, path, { oppdateringsid: '999999999', size: '5' }).body;

    // Assess
    expect(keys(first)).toEqual(keys(mixed));
    expect(keys(entries[0])).toEqual(keys((record(mixed._embedded).oppdaterteEnheter as unknown[])[0]));
    expect(entries).toHaveLength(50);
    const ids = entries.map((e) => e.oppdateringsid);
    expect([...ids].sort((a, b) => a - b)).toEqual(ids);
    const nextIds = (record(next._embedded).oppdaterteEnheter as { oppdateringsid: number }[]).map(
      (e) => e.oppdateringsid,
    );
    expect(Math.min(...nextIds)).toBeGreaterThan(lastId);
    expect(keys(none)).toEqual(keys(empty));
    expect(leafPaths(record(none).page)).toEqual(leafPaths(record(empty).page));
    const types = new Set(world.feed().map((e) => e.endringstype));
    expect(types).toEqual(new Set(['Endring', 'Sletting', 'Fjernet']));
  });

  it('finds the entity feed’s head from a time (dato) or as its newest entry (sort=id,DESC)', () => {
    // Prepare
    const path = '/enhetsregisteret/api/oppdateringer/enheter';
    const all = world.feed();
    const middle = all[Math.floor(all.length / 2)];
    const newestEntry = all.at(-1);

    // Act
    const since = record(get(world, path, { dato: middle?.dato ?? '', size: '1' }).body);
    const newest = record(get(world, path, { sort: 'id,DESC', size: '1' }).body);

    // Assess
    const first = (
      record(since._embedded).oppdaterteEnheter as { oppdateringsid: number; dato: string }[]
    )[0];
    expect(first?.dato).toBe(middle?.dato);
    expect(
      all
        .filter((e) => e.dato < (middle?.dato ?? ''))
        .every((e) => e.oppdateringsid < (first?.oppdateringsid ?? 0)),
    ).toBe(true);
    expect(
      (record(newest._embedded).oppdaterteEnheter as { oppdateringsid: number }[])[0]?.oppdateringsid,
    ).toBe(newestEntry?.oppdateringsid);
  });

  it('serves the roles feed as CloudEvents, after an id or from a time, for every role change', () => {
    // Prepare
    const path = '/enhetsregisteret/api/oppdateringer/roller';
    const roleChanges = changes.filter(
      (c) =>
        ['managing-director', 'board', 'auditor'].includes(c.kind) &&
        portfolio.find((s) => s.id === c.subjectId)?.country === 'NO',
    );

    // Act
    const first = get(world, path, { afterId: '0', size: '10000' }).body as {
      id: string;
      time: string;
      data: { organisasjonsnummer: string };
    }[];
    const lastId = first.at(-1)?.id ?? '0';
    const after = get(world, path, { afterId: lastId, size: '10' }).body as unknown[];
    const fromTime = get(world, path, { afterTime: first[10]?.time ?? '', size: '1' }).body as {
      id: string;
    }[];

    // Assess
    expect(first).toHaveLength(roleChanges.length);
    expect(first.map((e) => Number(e.id))).toEqual([...first.map((e) => Number(e.id))].sort((a, b) => a - b));
    expect(first[0]).toMatchObject({ type: 'no.brreg.enhetsregisteret.rolle.oppdatert', data: {} });
    expect(after).toEqual([]);
    expect(Number(fromTime[0]?.id)).toBeLessThanOrEqual(Number(first[10]?.id));
  });

  it('answers unknown ids and paths with the registry’s 404 envelope', () => {
    // Prepare
    const envelope = keys(fixture('brreg_error_404_unknown_path.json'));

    // Act
    const unknownId = get(world, '/enhetsregisteret/api/enheter/000000000');
    const unknownPath = get(world, '/enhetsregisteret/api/enheterX/923609016');
    const noAccounts = get(world, '/regnskapsregisteret/regnskap/000000000');

    // Assess
    expect(unknownId.status).toBe(404);
    expect(keys(unknownId.body)).toEqual(envelope);
    expect(unknownPath.status).toBe(404);
    expect(unknownPath.body).toEqual(fixture('brreg_error_404_unknown_path.json'));
    expect(noAccounts.status).toBe(404);
    expect(keys(noAccounts.body)).toEqual(
      keys(fixture('brreg_regnskap_984851006_dnb_500_unsupported_plan.json')).filter((k) => k !== 'trace'),
    );
  });
});

describe('respond: Companies House', () => {
  it('answers profile, officers, filing history and insolvency in Companies House’s shapes', () => {
    // Prepare
    const lloyds = record(fixture('ch_company_profile_00002065_lloyds_bank.json'));
    const insolvencyData = record(record(fixture('ch_stream_company-insolvency_11519482.json')).data);
    const filingData = record(record(fixture('ch_stream_filing-history_02154654_accounts.json')).data);
    const insolvent = portfolio.find(
      (s) =>
        s.country === 'GB' &&
        changes.some((c) => c.subjectId === s.id && (c.kind === 'bankruptcy' || c.kind === 'liquidation')),
    );
    const company = portfolio.find(
      (s) => s.country === 'GB' && get(world, `/company/${s.registryId}/insolvency`).status === 404,
    );

    // Act
    const profile = get(world, `/company/${company?.registryId}`);
    const officers = get(world, `/company/${company?.registryId}/officers`);
    const filings = get(world, `/company/${company?.registryId}/filing-history`);
    const insolvency = get(world, `/company/${insolvent?.registryId}/insolvency`);
    const none = get(world, `/company/${company?.registryId}/insolvency`);

    // Assess
    expect(profile.status).toBe(200);
    const extra = ['company_status_detail', 'date_of_cessation', 'previous_company_names'];
    expect(keys(profile.body).filter((k) => !keys(lloyds).includes(k) && !extra.includes(k))).toEqual([]);
    expect(leafPaths(record(profile.body).accounts)).toEqual(leafPaths(lloyds.accounts));
    expect(record(officers.body).kind).toBe('officer-list');
    expect((record(officers.body).items as unknown[]).length).toBeGreaterThan(0);
    const filing = (record(filings.body).items as unknown[])[0];
    expect(keys(filing)).toEqual(keys(filingData));
    expect(insolvency.status).toBe(200);
    expect(keys(insolvency.body)).toEqual(keys(insolvencyData));
    const fixtureCase = (insolvencyData.cases as unknown[])[0];
    expect(keys((record(insolvency.body).cases as unknown[])[0])).toEqual(keys(fixtureCase));
    expect(none.status).toBe(404);
    expect(get(world, '/company/00000000').body).toEqual({
      errors: [{ error: 'company-profile-not-found', type: 'ch:service' }],
    });
  });
});

describe('respond: credit bureau', () => {
  it('answers every subject in the wire format, for companies by path and persons by POST body', () => {
    // Prepare
    const early = createWorld({ seed: 1, subjects: 300, startDate: '2026-01-15' });
    early.advanceTo(30);

    // Act
    const answers = early.portfolio().map((s) =>
      s.kind === 'business'
        ? { kind: s.kind, answer: get(early, `/credit-bureau/v1/companies/${s.country}/${s.registryId}`) }
        : {
            kind: s.kind,
            answer: respond(early, {
              method: 'POST',
              path: '/credit-bureau/v1/persons/lookup',
              query: {},
              body: { country: s.country, nationalId: s.nationalId },
            }),
          },
    );

    // Assess
    for (const { kind, answer } of answers) {
      expect(answer.status).toBe(200);
      const schema = kind === 'business' ? BureauCompanyReport : BureauPersonReport;
      expect(schema.safeParse(answer.body).error).toBeUndefined();
    }
    const unknown = respond(early, {
      method: 'POST',
      path: '/credit-bureau/v1/persons/lookup',
      query: {},
      body: { country: 'NO', nationalId: '01010012345' },
    });
    expect(unknown).toMatchObject({ status: 404, body: { error: { code: 'NOT_FOUND' } } });
    const bad = respond(early, {
      method: 'POST',
      path: '/credit-bureau/v1/persons/lookup',
      query: {},
      body: undefined,
    });
    expect(bad.status).toBe(400);
  });
});
