import { isTrackedBrregPath, needsFetch, readBrregFeed } from '#shared/adapters/bureaus/brreg/feed.ts';
import { MalformedPayloadError, TransientError } from '#shared/errors.ts';
import { fakeTransport, fixture, fixtureJson, ok } from './support.ts';

const BASE = 'https://data.brreg.test';
const feedUrl = (from: number, size: number) =>
  `GET ${BASE}/enhetsregisteret/api/oppdateringer/enheter?oppdateringsid=${from}&size=${size}`;
const noWait = { sleep: async () => undefined };
/** Top-level fields the snapshot reads, among the 110 paths seen in 5,991 live feed events. */
const TRACKED_OBSERVED = 40;

describe('readBrregFeed', () => {
  it('reads the page after the cursor, all change types, in ascending update order', async () => {
    // Prepare
    const transport = fakeTransport({
      [feedUrl(25165743, 1000)]: ok(fixture('brreg', 'oppdateringer_enheter_mixed_types_automaflow.json')),
    });
    // Act
    const page = await readBrregFeed(transport, BASE, { afterId: 25165742, size: 1000 }, noWait);
    // Assess
    expect(page.changes).toEqual([
      {
        registryId: '917549249',
        changeType: 'Sletting',
        updateId: 25165743,
        changedAt: '2026-09-05T15:00:31.809Z',
        paths: [],
      },
      {
        registryId: '938282382',
        changeType: 'Ny',
        updateId: 25165745,
        changedAt: '2026-09-05T15:00:31.809Z',
        paths: [],
      },
      {
        registryId: '936127088',
        changeType: 'Fjernet',
        updateId: 25166125,
        changedAt: '2026-09-05T15:00:59.257Z',
        paths: [],
      },
      {
        registryId: '923609016',
        changeType: 'Ukjent',
        updateId: 25166200,
        changedAt: '2026-09-05T15:01:12.100Z',
        paths: [],
      },
    ]);
    expect(page.lastUpdateId).toBe(25166200);
  });

  it('pages by oppdateringsid until the empty page, which has no _embedded and keeps the cursor', async () => {
    // Prepare
    const transport = fakeTransport({
      [feedUrl(1, 4)]: ok(fixture('brreg', 'oppdateringer_enheter_mixed_types_automaflow.json')),
      [feedUrl(25166201, 4)]: ok(fixture('brreg', 'oppdateringer_enheter_empty_automaflow.json')),
    });
    // Act
    const first = await readBrregFeed(transport, BASE, { afterId: 0, size: 4 }, noWait);
    const second = await readBrregFeed(
      transport,
      BASE,
      { afterId: first.lastUpdateId ?? 0, size: 4 },
      noWait,
    );
    // Assess
    expect(first.changes).toHaveLength(4);
    expect(second).toEqual({ changes: [], lastUpdateId: null });
    expect(transport.requests.map((r) => r.url)).toEqual([
      `${BASE}/enhetsregisteret/api/oppdateringer/enheter?oppdateringsid=1&size=4`,
      `${BASE}/enhetsregisteret/api/oppdateringer/enheter?oppdateringsid=25166201&size=4`,
    ]);
  });

  it('sorts a descending page and keeps the JSON-Patch paths of each change', async () => {
    // Prepare
    const transport = fakeTransport({
      [feedUrl(1, 3)]: ok(fixture('brreg', 'oppdateringer_enheter_includeChanges_automaflow.json')),
    });
    // Act
    const page = await readBrregFeed(transport, BASE, { afterId: 0, size: 3 }, noWait);
    // Assess
    expect(page.changes.map((c) => c.updateId)).toEqual([25067148, 25083754, 25107591]);
    expect(page.changes[2]).toEqual({
      registryId: '923609016',
      changeType: 'Endring',
      updateId: 25107591,
      changedAt: '2026-08-18T18:00:17.195Z',
      paths: ['/sisteInnsendteAarsregnskap'],
    });
    expect(page.lastUpdateId).toBe(25107591);
    expect(page.changes.map(needsFetch)).toEqual([true, true, true]);
  });

  it('maps a change type it does not know to Ukjent', async () => {
    // Prepare
    const body = {
      _embedded: {
        oppdaterteEnheter: [
          {
            oppdateringsid: 7,
            dato: '2026-09-05T15:00:31.809Z',
            organisasjonsnummer: '923609016',
            endringstype: 'Flyttet',
          },
        ],
      },
    };
    const transport = fakeTransport({ [feedUrl(7, 10)]: ok(JSON.stringify(body)) });
    // Act
    const page = await readBrregFeed(transport, BASE, { afterId: 6, size: 10 }, noWait);
    // Assess
    expect(page.changes[0]?.changeType).toBe('Ukjent');
  });

  it('drops entries at or before the cursor', async () => {
    // Prepare
    const transport = fakeTransport({
      [feedUrl(25165746, 1000)]: ok(fixture('brreg', 'oppdateringer_enheter_mixed_types_automaflow.json')),
    });
    // Act
    const page = await readBrregFeed(transport, BASE, { afterId: 25165745, size: 1000 }, noWait);
    // Assess
    expect(page.changes.map((c) => c.updateId)).toEqual([25166125, 25166200]);
  });

  it('classifies a malformed page and a failing feed', async () => {
    // Prepare
    const transport = fakeTransport({
      [feedUrl(1, 1)]: ok('{"_embedded":{"oppdaterteEnheter":[{"oppdateringsid":"x"}]}}'),
      [feedUrl(2, 1)]: ok('{}', 503),
    });
    // Act
    const malformed = await readBrregFeed(transport, BASE, { afterId: 0, size: 1 }, noWait).catch(
      (e: unknown) => e,
    );
    const failing = await readBrregFeed(transport, BASE, { afterId: 1, size: 1 }, noWait).catch(
      (e: unknown) => e,
    );
    // Assess
    expect(malformed).toBeInstanceOf(MalformedPayloadError);
    expect((malformed as MalformedPayloadError).details.path).toBe(
      '/enhetsregisteret/api/oppdateringer/enheter',
    );
    expect(failing).toBeInstanceOf(TransientError);
  });
});

describe('isTrackedBrregPath', () => {
  it('classifies every change path observed in the live feed', () => {
    // Prepare
    const { paths } = fixtureJson('brreg', 'oppdateringer_observed_change_paths_automaflow.json') as {
      paths: string[];
    };
    // Act
    const tracked = paths.filter(isTrackedBrregPath);
    // Assess
    expect(paths).toHaveLength(110);
    expect(tracked).toEqual(
      expect.arrayContaining([
        '/konkurs',
        '/konkursdato',
        '/underAvvikling',
        '/underTvangsavviklingEllerTvangsopplosning',
        '/forretningsadresse/postnummer',
        '/postadresse/adresse/0',
        '/navn',
        '/kapital/belop',
        '/naeringskode1/kode',
        '/sisteInnsendteAarsregnskap',
        '/slettedato',
        '/tvangsopplostPgaManglendeRevisorDato',
      ]),
    );
    expect(
      tracked.some((p) => /^\/(aktivitet|telefon|hjemmeside|vedtektsfestetFormaal|naeringskode2)/.test(p)),
    ).toBe(false);
    expect(tracked).toHaveLength(TRACKED_OBSERVED);
  });

  it('skips fetching for a change that touches only untracked fields', () => {
    // Prepare
    const change = {
      registryId: '923609016',
      changeType: 'Endring' as const,
      updateId: 1,
      changedAt: '2026-09-05T15:00:31.809Z',
    };
    // Act / Assess
    expect(needsFetch({ ...change, paths: ['/telefon', '/aktivitet/0'] })).toBe(false);
    expect(needsFetch({ ...change, paths: ['/telefon', '/konkurs'] })).toBe(true);
    expect(needsFetch({ ...change, changeType: 'Sletting', paths: ['/telefon'] })).toBe(true);
  });
});
