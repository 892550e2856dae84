import fc from 'fast-check';
import { readBrregFeed } from '#shared/adapters/bureaus/brreg/feed.ts';
import { parseChStreamEvent } from '#shared/adapters/bureaus/companies-house/stream.ts';
import {
  BureauConfig,
  createProviders,
  fetchSnapshot,
  type SubjectForFetch,
} from '#shared/adapters/bureaus/provider.ts';
import type { HttpRequest, HttpResponse } from '#shared/adapters/bureaus/transport.ts';
import { Snapshot } from '#shared/domain/snapshot.ts';
import {
  ConfigError,
  InputError,
  MalformedPayloadError,
  SubjectNotFoundError,
  TransientError,
} from '#shared/errors.ts';
import { business, fixture, fixtureJson, individual, PARTY_KEY } from '../adapters/bureaus/support.ts';

const ctx = { now: new Date('2026-10-05T12:00:00Z'), partyKey: PARTY_KEY };

const config = BureauConfig.parse({
  brreg: { baseUrl: 'https://data.brreg.test' },
  regnskap: { baseUrl: 'https://regnskap.brreg.test' },
  companiesHouse: { baseUrl: 'https://ch.test', apiKey: 'k' },
  creditBureau: { baseUrl: 'https://bureau.test' },
});

/** A subject and the real answers its providers get, by URL path. */
interface Case {
  subject: SubjectForFetch;
  answers: Record<string, { status: number; body: string }>;
}

const okBody = (source: string, name: string, status = 200) => ({ status, body: fixture(source, name) });
const bureauCompany = okBody('credmon-bureau', 'company_923609016.json');

const CASES: Case[] = [
  {
    subject: business('NO', '923609016'),
    answers: {
      '/enhetsregisteret/api/enheter/923609016': okBody('brreg', 'enhet_923609016_equinor_live_capture.json'),
      '/enhetsregisteret/api/enheter/923609016/roller': okBody(
        'brreg',
        'pythonbrreg_enheter-roller-person-response.json',
      ),
      '/regnskapsregisteret/regnskap/923609016': okBody('brreg', 'regnskap_923609016_equinor_2024.json'),
      '/credit-bureau/v1/companies/NO/923609016': bureauCompany,
    },
  },
  {
    subject: business('NO', '981276957'),
    answers: {
      '/enhetsregisteret/api/enheter/981276957': okBody(
        'brreg',
        'enhet_981276957_dnb_deleted_SlettetEnhet.json',
      ),
      '/enhetsregisteret/api/enheter/981276957/roller': okBody(
        'brreg',
        'pythonbrreg_enheter-roller-enhet-response.json',
      ),
      '/regnskapsregisteret/regnskap/981276957': okBody(
        'brreg',
        'regnskap_984851006_dnb_500_unsupported_plan.json',
        500,
      ),
    },
  },
  {
    subject: business('NO', '915501680'),
    answers: {
      '/enhetsregisteret/api/enheter/915501680': okBody('brreg', 'pythonbrreg_enheter-details-response.json'),
      '/regnskapsregisteret/regnskap/915501680': okBody(
        'brreg',
        'regnskap_915501680_nel_2024_negative_earnings.json',
      ),
    },
  },
  {
    subject: business('GB', '00002065'),
    answers: {
      '/company/00002065': okBody('companies-house', 'company_profile_00002065_lloyds_bank.json'),
    },
  },
  {
    subject: business('GB', '02578066'),
    answers: {
      '/company/02578066': okBody('companies-house', 'company_profile_02578066_14_lawn_road.json'),
      '/company/02578066/officers': okBody('companies-house', 'officers_02578066_synthetic.json'),
    },
  },
  {
    subject: business('GB', '11519482'),
    answers: {
      '/company/11519482': okBody('companies-house', 'company_profile_11519482_synthetic_liquidation.json'),
      '/company/11519482/insolvency': okBody('companies-house', 'insolvency_11519482_synthetic.json'),
    },
  },
  {
    subject: individual('01017012345', 'pt_fuzz'),
    answers: { '/credit-bureau/v1/persons/lookup': okBody('credmon-bureau', 'person_active.json') },
  },
  {
    subject: individual('01017012346', 'pt_fuzz2'),
    answers: {
      '/credit-bureau/v1/persons/lookup': okBody('credmon-bureau', 'person_protected_unknown_status.json'),
    },
  },
];

type Mutation =
  | { kind: 'none' }
  | { kind: 'drop'; path: number[] }
  | { kind: 'replace'; path: number[]; value: unknown }
  | { kind: 'truncate'; fraction: number }
  | { kind: 'garbage'; body: string }
  | { kind: 'status'; status: number };

/** Values of another type than the one they replace, and the numbers JSON parsers choke on. */
const strangeValue = fc.oneof(
  fc.constantFrom(null, '', 0, -1, true, [], {}, '1e999', 'NaN', '9999-99-99', 1e308, -1e308, 2 ** 53 + 1),
  fc.string({ maxLength: 12 }),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.integer(),
  fc.jsonValue({ maxDepth: 2 }),
);

const path = fc.array(fc.nat(), { maxLength: 6 });

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  { weight: 2, arbitrary: fc.constant<Mutation>({ kind: 'none' }) },
  { weight: 4, arbitrary: path.map((p): Mutation => ({ kind: 'drop', path: p })) },
  {
    weight: 6,
    arbitrary: fc.record({ path, value: strangeValue }).map((r): Mutation => ({ kind: 'replace', ...r })),
  },
  {
    weight: 1,
    arbitrary: fc
      .double({ min: 0, max: 1, noNaN: true })
      .map((f): Mutation => ({ kind: 'truncate', fraction: f })),
  },
  { weight: 1, arbitrary: fc.string().map((body): Mutation => ({ kind: 'garbage', body })) },
  {
    weight: 1,
    arbitrary: fc.integer({ min: 100, max: 599 }).map((status): Mutation => ({ kind: 'status', status })),
  },
);

/** Walks `path` (indices into the entries at each level) and replaces or drops what it lands on. */
function mutateJson(
  value: unknown,
  at: readonly number[],
  replacement: { value: unknown } | 'drop',
): unknown {
  if (value === null || typeof value !== 'object')
    return replacement === 'drop' ? undefined : replacement.value;
  const entries = Array.isArray(value) ? value.map((v, i) => [String(i), v] as const) : Object.entries(value);
  if (entries.length === 0) return replacement === 'drop' ? value : replacement.value;
  const [key, child] = entries[(at[0] ?? 0) % entries.length] ?? ['', null];
  const last = at.length <= 1 || child === null || typeof child !== 'object';
  if (Array.isArray(value)) {
    const copy = [...value];
    const index = Number(key);
    if (last && replacement === 'drop') copy.splice(index, 1);
    else
      copy[index] =
        last && replacement !== 'drop' ? replacement.value : mutateJson(child, at.slice(1), replacement);
    return copy;
  }
  const copy: Record<string, unknown> = { ...value };
  if (last && replacement === 'drop') delete copy[key];
  else
    copy[key] =
      last && replacement !== 'drop' ? replacement.value : mutateJson(child, at.slice(1), replacement);
  return copy;
}

function applyMutation(answer: { status: number; body: string }, m: Mutation): HttpResponse {
  const headers = { 'content-type': 'application/json' };
  switch (m.kind) {
    case 'none':
      return { status: answer.status, headers, body: answer.body };
    case 'drop':
      return {
        status: answer.status,
        headers,
        body: JSON.stringify(mutateJson(JSON.parse(answer.body), m.path, 'drop')) ?? '',
      };
    case 'replace':
      return {
        status: answer.status,
        headers,
        body: JSON.stringify(mutateJson(JSON.parse(answer.body), m.path, { value: m.value })) ?? '',
      };
    case 'truncate':
      return {
        status: answer.status,
        headers,
        body: answer.body.slice(0, Math.floor(answer.body.length * m.fraction)),
      };
    case 'garbage':
      return { status: answer.status, headers, body: m.body };
    case 'status':
      return { status: m.status, headers, body: answer.body };
  }
}

/** Serves a case's answers, the i-th request mutated by the i-th mutation; unknown paths are 404s. */
function mutatingTransport(answers: Case['answers'], mutations: readonly Mutation[]) {
  let served = 0;
  return async (request: HttpRequest): Promise<HttpResponse> => {
    const answer = answers[new URL(request.url).pathname];
    const m = mutations[served++ % Math.max(1, mutations.length)] ?? { kind: 'none' };
    if (answer === undefined) return { status: 404, headers: {}, body: '{"status":404}' };
    return applyMutation(answer, m);
  };
}

/** A clock that sleeping moves forward: retries and rate limits cost no real time. */
function fastClock() {
  let t = 1_000_000;
  return {
    now: () => t,
    sleep: async (ms: number) => {
      t += ms;
    },
    random: () => 0.5,
  };
}

function nonFiniteNumbers(value: unknown, at = '$'): string[] {
  if (typeof value === 'number') return Number.isFinite(value) ? [] : [at];
  if (value === null || typeof value !== 'object') return [];
  return Object.entries(value).flatMap(([k, v]) => nonFiniteNumbers(v, `${at}.${k}`));
}

/** The property: a snapshot that parses and holds only finite numbers, or one of our errors. */
function expectKnownError(error: unknown): void {
  if (error instanceof MalformedPayloadError) {
    expect(error.details.provider).toMatch(/\S/);
    expect(error.details.path).toMatch(/\S/);
    expect(error.details.issues.length).toBeGreaterThan(0);
    for (const issue of error.details.issues) expect(issue).toMatch(/^\S.*: /);
    return;
  }
  const known = [TransientError, SubjectNotFoundError, ConfigError, InputError].some(
    (k) => error instanceof k,
  );
  if (!known) throw error;
}

describe('fuzz: bureau payloads through the providers', () => {
  it('the unmutated fixtures give a snapshot for every case (the seeds the fuzzer mutates are valid)', async () => {
    // Prepare / Act
    const results = await Promise.all(
      CASES.map(({ subject, answers }) =>
        fetchSnapshot(subject, createProviders(config, mutatingTransport(answers, []), fastClock()), ctx),
      ),
    );
    // Assess
    expect(results.map((r) => r.snapshot.subjectId)).toEqual(CASES.map((c) => c.subject.id));
  });

  it('real fixtures, mutated, give a valid snapshot or a known error — never a crash or NaN', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...CASES),
        fc.array(mutation, { minLength: 1, maxLength: 6 }),
        async ({ subject, answers }, mutations) => {
          const providers = createProviders(config, mutatingTransport(answers, mutations), fastClock());
          let fetched: Awaited<ReturnType<typeof fetchSnapshot>>;
          try {
            fetched = await fetchSnapshot(subject, providers, ctx);
          } catch (error) {
            expectKnownError(error);
            return;
          }
          expect(Snapshot.safeParse(fetched.snapshot).success).toBe(true);
          expect(nonFiniteNumbers(fetched.snapshot)).toEqual([]);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('random JSON from every endpoint gives a valid snapshot or a known error', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...CASES),
        fc.jsonValue({ maxDepth: 3 }),
        fc.constantFrom(200, 200, 404, 410, 500),
        async ({ subject, answers }, json, status) => {
          const body = JSON.stringify(json) ?? 'null';
          const random = Object.fromEntries(Object.keys(answers).map((p) => [p, { status, body }]));
          const providers = createProviders(config, mutatingTransport(random, []), fastClock());
          try {
            const fetched = await fetchSnapshot(subject, providers, ctx);
            expect(nonFiniteNumbers(fetched.snapshot)).toEqual([]);
          } catch (error) {
            expectKnownError(error);
          }
        },
      ),
      { numRuns: 200 },
    );
  });
});

describe('fuzz: registry change feeds', () => {
  const feeds = [
    'oppdateringer_enheter_mixed_types_automaflow.json',
    'oppdateringer_enheter_includeChanges_automaflow.json',
    'oppdateringer_enheter_empty_automaflow.json',
  ].map((name) => ({ status: 200, body: fixture('brreg', name) }));

  it('readBrregFeed answers a mutated page with ascending changes or a known error', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...feeds),
        mutation,
        fc.nat({ max: 30_000_000 }),
        async (feed, m, afterId) => {
          const clock = fastClock();
          const transport = mutatingTransport({ '/enhetsregisteret/api/oppdateringer/enheter': feed }, [m]);
          try {
            const page = await readBrregFeed(
              transport,
              'https://data.brreg.test',
              { afterId, size: 100 },
              clock,
            );
            const ids = page.changes.map((c) => c.updateId);
            for (const id of ids) expect(Number.isFinite(id) && id > afterId).toBe(true);
            expect(ids).toEqual([...ids].sort((a, b) => a - b));
            expect(page.lastUpdateId).toBe(ids.at(-1) ?? null);
            for (const change of page.changes) {
              expect(typeof change.registryId).toBe('string');
              expect(Array.isArray(change.paths)).toBe(true);
            }
          } catch (error) {
            expectKnownError(error);
          }
        },
      ),
      { numRuns: 300 },
    );
  });

  const events = [
    'stream_company-charges_05155434_satisfied.json',
    'stream_company-insolvency_11519482.json',
    'stream_company-profile_SC571653.json',
    'stream_filing-history_02154654_accounts.json',
  ].map((name) => fixtureJson('companies-house', name));

  it('parseChStreamEvent answers a mutated or cut line with a change, null or a MalformedPayloadError', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...events),
        path,
        fc.option(strangeValue, { nil: undefined }),
        fc.double({ min: 0, max: 1.01, noNaN: true }),
        (event, at, value, cut) => {
          const mutated = mutateJson(event, at, value === undefined ? 'drop' : { value });
          const text = JSON.stringify(mutated) ?? '';
          const line = cut > 1 ? text : text.slice(0, Math.floor(text.length * cut));
          try {
            const change = parseChStreamEvent(line);
            if (change === null) {
              expect(line.trim()).toBe('');
              return;
            }
            expect(change.companyNumber).toMatch(/^[A-Z0-9]+$/);
            expect(Number.isFinite(change.timepoint)).toBe(true);
            expect(Array.isArray(change.fieldsChanged)).toBe(true);
          } catch (error) {
            expect(error).toBeInstanceOf(MalformedPayloadError);
            expectKnownError(error);
          }
        },
      ),
      { numRuns: 300 },
    );
  });

  it('parseChStreamEvent answers random text with a change, null or a MalformedPayloadError', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string(),
          fc.jsonValue().map((j) => JSON.stringify(j) ?? ''),
        ),
        (line) => {
          try {
            parseChStreamEvent(line);
          } catch (error) {
            expect(error).toBeInstanceOf(MalformedPayloadError);
          }
        },
      ),
      { numRuns: 300 },
    );
  });
});
