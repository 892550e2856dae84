import {
  isTrackedBrregPath,
  needsFetch,
  readBrregFeed,
  readBrregFeedHead,
  readBrregRolesFeed,
  readBrregRolesFeedHead,
} from '#shared/adapters/bureaus/brreg/feed.ts';
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

describe('readBrregFeedHead', () => {
  const FEED = `${BASE}/enhetsregisteret/api/oppdateringer/enheter`;
  const AT = new Date('2026-09-05T15:00:00.000Z');
  const since = `GET ${FEED}?dato=${encodeURIComponent(AT.toISOString())}&size=1`;
  const newest = `GET ${FEED}?sort=id,DESC&size=1`;
  const empty = fixture('brreg', 'oppdateringer_enheter_empty_automaflow.json');

  it('starts before the first change made at or after the time asked for', async () => {
    // Prepare
    const transport = fakeTransport({
      [since]: ok(fixture('brreg', 'oppdateringer_enheter_mixed_types_automaflow.json')),
    });
    // Act
    const head = await readBrregFeedHead(transport, BASE, AT, noWait);
    // Assess
    expect(head).toBe(25165742);
    expect(transport.requests).toHaveLength(1);
  });

  it('takes the newest change when nothing changed since, and 0 for an empty feed', async () => {
    // Prepare
    const latest = {
      _embedded: {
        oppdaterteEnheter: [
          {
            oppdateringsid: 25175396,
            dato: '2026-09-05T14:59:59.000Z',
            organisasjonsnummer: '923609016',
            endringstype: 'Endring',
          },
        ],
      },
    };
    const busy = fakeTransport({ [since]: ok(empty), [newest]: ok(JSON.stringify(latest)) });
    const quiet = fakeTransport({ [since]: ok(empty), [newest]: ok(empty) });
    // Act
    const head = await readBrregFeedHead(busy, BASE, AT, noWait);
    const none = await readBrregFeedHead(quiet, BASE, AT, noWait);
    // Assess
    expect(head).toBe(25175396);
    expect(none).toBe(0);
  });
});

describe('readBrregRolesFeed', () => {
  const FEED = `${BASE}/enhetsregisteret/api/oppdateringer/roller`;
  const roles = fixture('brreg', 'oppdateringer_roller_cloudevents.json');

  it('reads the CloudEvents after the cursor, ids as numbers', async () => {
    // Prepare
    const transport = fakeTransport({ [`GET ${FEED}?afterId=4012345&size=500`]: ok(roles) });
    // Act
    const page = await readBrregRolesFeed(transport, BASE, { afterId: 4012345, size: 500 }, noWait);
    // Assess
    expect(page).toEqual({
      changes: [
        { registryId: '923609016', updateId: 4012346, changedAt: '2026-09-05T15:00:31.809Z' },
        { registryId: '917549249', updateId: 4012351, changedAt: '2026-09-05T15:02:10.004Z' },
      ],
      lastUpdateId: 4012351,
    });
  });

  it('keeps the cursor on an empty page and rejects an event without an organisation number', async () => {
    // Prepare
    const transport = fakeTransport({
      [`GET ${FEED}?afterId=4012351&size=500`]: ok('[]'),
      [`GET ${FEED}?afterId=1&size=500`]: ok('[{"id":"2","time":"2026-09-05T15:00:00.000Z","data":{}}]'),
    });
    // Act
    const empty = await readBrregRolesFeed(transport, BASE, { afterId: 4012351, size: 500 }, noWait);
    const malformed = await readBrregRolesFeed(transport, BASE, { afterId: 1, size: 500 }, noWait).catch(
      (e: unknown) => e,
    );
    // Assess
    expect(empty).toEqual({ changes: [], lastUpdateId: null });
    expect(malformed).toBeInstanceOf(MalformedPayloadError);
  });

  it('finds the head from a time, or from the newest event of the day before when none since', async () => {
    // Prepare
    const at = new Date('2026-09-05T16:00:00.000Z');
    const dayBefore = new Date('2026-09-04T16:00:00.000Z');
    const afterTime = (date: Date, size: number) =>
      `GET ${FEED}?afterTime=${encodeURIComponent(date.toISOString())}&size=${size}`;
    const active = fakeTransport({ [afterTime(at, 1)]: ok(roles) });
    const quiet = fakeTransport({ [afterTime(at, 1)]: ok('[]'), [afterTime(dayBefore, 10_000)]: ok(roles) });
    // Act
    const head = await readBrregRolesFeedHead(active, BASE, at, noWait);
    const lookedBack = await readBrregRolesFeedHead(quiet, BASE, at, noWait);
    // Assess
    expect(head).toBe(4012345);
    expect(lookedBack).toBe(4012351);
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
