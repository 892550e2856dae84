/** Realistic snapshots (Equinor, from the Brønnøysund fixtures; a synthetic individual) and a fast-check arbitrary. */
import fc from 'fast-check';
import type { RiskAssessment } from '#shared/domain/risk/assessment.ts';
import { ProceedingKind, RoleType, type Snapshot, SubjectState } from '#shared/domain/snapshot.ts';
import type { MonitoredSubject } from '#shared/domain/subject.ts';

export { equinor, INDIVIDUAL_NAME, individual } from '#shared/domain/examples.ts';

export function subjectFor(snapshot: Snapshot, portfolioId = 'nordics'): MonitoredSubject {
  return {
    id: snapshot.subjectId,
    kind: snapshot.kind,
    country: snapshot.identity.country,
    registryId: snapshot.identity.registryId,
    personToken: snapshot.identity.personToken,
    portfolioId,
    tier: 'daily',
    creditLimit: 1_000_000,
    paymentTermsDays: 30,
    exposure: 250_000,
  };
}

export function risk(riskClass: RiskAssessment['class'], pd = 0.01): RiskAssessment {
  return {
    class: riskClass,
    pd,
    reasons: [{ code: 'ACCOUNTS_EQUITY_RATIO', text: 'Equity ratio 38 %', contribution: -0.4 }],
    model: 'credmon-risk/1',
  };
}

const date = fc.constantFrom('2020-01-01', '2021-06-30', '2023-03-15', '2024-12-31');
const nullableDate = fc.option(date, { nil: null });
const money = fc.record({ amount: fc.constantFrom(100, 2500, 1e6), currency: fc.constantFrom('NOK', 'SEK') });
const text = fc.constantFrom('Forusbeen 50', 'Postboks 8500', 'Storgata 1', 'Øvre Slottsgate 3');
const address = fc.option(
  fc.record({
    lines: fc.array(text, { maxLength: 2 }),
    postalCode: fc.option(fc.constantFrom('4035', '0155', 'SW1A 1AA'), { nil: null }),
    city: fc.option(fc.constantFrom('STAVANGER', 'Oslo', 'London'), { nil: null }),
    country: fc.option(fc.constantFrom('NO', 'GB'), { nil: null }),
    municipality: fc.option(fc.constantFrom('STAVANGER', 'OSLO'), { nil: null }),
  }),
  { nil: null },
);
const partyRef = fc.constantFrom('pp_a', 'pp_b', 'a/b', '923609016');
const role = fc.record({
  type: fc.constantFrom(...RoleType.options),
  sourceCode: fc.constantFrom('DAGL', 'LEDE', 'REVI'),
  party: fc
    .tuple(fc.constantFrom('person' as const, 'organisation' as const), partyRef)
    .map(([kind, ref]) => ({
      kind,
      ref,
      // The ref identifies a person; the name follows it (names are outside the diff, see diff.ts).
      name: kind === 'person' ? `Person ${ref}` : `Organisation ${ref} AS`,
    })),
  from: nullableDate,
  to: nullableDate,
});
const id = fc.constantFrom('r1', 'r2', 'r3');
const figure = fc.option(fc.constantFrom(-5e6, 0, 1e6, 7.25e9), { nil: null });

/** Snapshots drawn from small vocabularies, so that equal and nearly equal pairs are common. */
export const snapshotArb: fc.Arbitrary<Snapshot> = fc.record({
  schema: fc.constant('credmon.snapshot/v1' as const),
  subjectId: fc.constant('s-1'),
  kind: fc.constantFrom('business' as const, 'individual' as const),
  identity: fc.record({
    country: fc.constant('NO'),
    registryId: fc.option(fc.constant('923609016'), { nil: null }),
    personToken: fc.option(fc.constant('pt_1'), { nil: null }),
    name: fc.option(fc.constantFrom('EQUINOR ASA', 'Kari Nordmann'), { nil: null }),
    legalForm: fc.option(
      fc.record({ code: fc.constantFrom('ASA', 'AS'), description: fc.option(text, { nil: null }) }),
      {
        nil: null,
      },
    ),
    industryCode: fc.option(fc.constantFrom('06.100', '19.200'), { nil: null }),
    foundedOn: nullableDate,
  }),
  status: fc.record({
    state: fc.constantFrom(...SubjectState.options),
    since: nullableDate,
    proceedings: fc.array(
      fc.record({ kind: fc.constantFrom(...ProceedingKind.options), since: nullableDate }),
      {
        maxLength: 3,
      },
    ),
    addressProtected: fc.boolean(),
  }),
  addresses: fc.record({ business: address, postal: address, home: address }),
  roles: fc.array(role, { maxLength: 4 }),
  accounts: fc.option(
    fc.record({
      periodStart: nullableDate,
      periodEnd: date,
      currency: fc.option(fc.constantFrom('NOK', 'USD'), { nil: null }),
      revenue: figure,
      previousRevenue: figure,
      operatingResult: figure,
      resultBeforeTax: figure,
      netResult: figure,
      totalAssets: figure,
      currentAssets: figure,
      shortTermLiabilities: figure,
      totalLiabilities: figure,
      equity: figure,
      retainedEarnings: figure,
    }),
    { nil: null },
  ),
  accountsFiling: fc.option(
    fc.record({ lastPeriodEnd: nullableDate, nextDue: nullableDate, overdue: fc.boolean() }),
    {
      nil: null,
    },
  ),
  credit: fc.record({
    paymentRemarks: fc.array(
      fc.record({
        id,
        kind: fc.constantFrom('inkasso', 'utlegg'),
        amount: fc.option(money, { nil: null }),
        registeredOn: date,
        resolvedOn: nullableDate,
      }),
      { maxLength: 3 },
    ),
    collectionCases: fc.array(
      fc.record({ id, amount: fc.option(money, { nil: null }), openedOn: date, closedOn: nullableDate }),
      { maxLength: 3 },
    ),
    debtRegister: fc.array(
      fc.record({ id, kind: fc.constantFrom('unsecured', 'tax'), amount: money, registeredOn: nullableDate }),
      { maxLength: 3 },
    ),
    score: fc.option(fc.constantFrom(10, 12, 50, 90), { nil: null }),
    creditLimit: fc.option(money, { nil: null }),
  }),
  employees: fc.option(fc.constantFrom(0, 3, 100, 104, 120, 21_272), { nil: null }),
  shareCapital: fc.option(money, { nil: null }),
});

/**
 * The same facts as `s`, presented the way a different fetch might: lists reordered, free text
 * padded and with doubled spaces, addresses in lower case, postal codes with spaces.
 */
export function withNoise(s: Snapshot, seed: number): Snapshot {
  let state = seed >>> 0 || 1;
  const random = (): number => {
    state = (Math.imul(state, 1_103_515_245) + 12_345) >>> 0;
    return state / 2 ** 32;
  };
  const shuffle = <T>(items: T[]): T[] =>
    items
      .map((item) => ({ item, r: random() }))
      .sort((a, b) => a.r - b.r)
      .map(({ item }) => item);
  const pad = (value: string): string => `  ${value.replace(/ /g, random() < 0.5 ? '  ' : ' \t')} `;
  const noisyAddress = (a: Snapshot['addresses']['business']) =>
    a === null
      ? null
      : {
          lines: a.lines.map((line) => pad(line.toLowerCase())),
          postalCode:
            a.postalCode === null ? null : ` ${a.postalCode.split('').join(random() < 0.5 ? ' ' : '')} `,
          city: a.city === null ? null : pad(a.city.toLowerCase()),
          country: a.country === null ? null : a.country.toLowerCase(),
          municipality: a.municipality === null ? null : a.municipality.toLowerCase(),
        };
  return {
    ...s,
    identity: { ...s.identity, name: s.identity.name === null ? null : pad(s.identity.name) },
    status: { ...s.status, proceedings: shuffle(s.status.proceedings) },
    addresses: {
      business: noisyAddress(s.addresses.business),
      postal: noisyAddress(s.addresses.postal),
      home: noisyAddress(s.addresses.home),
    },
    roles: shuffle(
      s.roles.map((r) => ({
        ...r,
        party: { ...r.party, name: r.party.name === null ? null : pad(r.party.name) },
      })),
    ),
    credit: {
      ...s.credit,
      paymentRemarks: shuffle(s.credit.paymentRemarks.map((r) => ({ ...r, kind: pad(r.kind) }))),
      collectionCases: shuffle(s.credit.collectionCases),
      debtRegister: shuffle(s.credit.debtRegister),
    },
  };
}
