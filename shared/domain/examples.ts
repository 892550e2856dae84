/**
 * Example snapshots for documentation and tests: Equinor ASA as normalized from the Brønnøysund
 * registers (enhet 923609016, accounts 2024), and a synthetic individual. One copy, so the published
 * alert examples and the tests describe the same subjects.
 */
import { emptySnapshot, type Snapshot } from './snapshot.ts';

/** Equinor ASA as normalized from the Brønnøysund registers. @example equinor().identity.name; // 'EQUINOR ASA' */
export function equinor(): Snapshot {
  const s = emptySnapshot({ subjectId: 'no-923609016', kind: 'business', country: 'NO' });
  return {
    ...s,
    identity: {
      ...s.identity,
      registryId: '923609016',
      name: 'EQUINOR ASA',
      legalForm: { code: 'ASA', description: 'Allmennaksjeselskap' },
      industryCode: '06.100',
      foundedOn: '1972-09-18',
    },
    addresses: {
      business: {
        lines: ['Forusbeen 50'],
        postalCode: '4035',
        city: 'STAVANGER',
        country: 'NO',
        municipality: 'STAVANGER',
      },
      postal: {
        lines: ['Postboks 8500'],
        postalCode: '4035',
        city: 'STAVANGER',
        country: 'NO',
        municipality: 'STAVANGER',
      },
      home: null,
    },
    roles: [
      {
        type: 'managing-director',
        sourceCode: 'DAGL',
        party: { kind: 'person', ref: 'pp_5d1c0e8e2f6a4b7c9d0e1f2a3b4c5d6e', name: 'Anders Opedal' },
        from: '2020-08-03',
        to: null,
      },
      {
        type: 'chair',
        sourceCode: 'LEDE',
        party: { kind: 'person', ref: 'pp_0a1b2c3d4e5f60718293a4b5c6d7e8f9', name: 'Jon Erik Reinhardsen' },
        from: '2017-07-01',
        to: null,
      },
      {
        type: 'auditor',
        sourceCode: 'REVI',
        party: { kind: 'organisation', ref: '976389387', name: 'ERNST & YOUNG AS' },
        from: '2019-05-15',
        to: null,
      },
    ],
    accounts: {
      periodStart: '2024-01-01',
      periodEnd: '2024-12-31',
      currency: 'USD',
      revenue: 72_543_000_000,
      previousRevenue: null,
      operatingResult: 10_347_000_000,
      resultBeforeTax: 8_168_000_000,
      netResult: 8_141_000_000,
      totalAssets: 109_150_000_000,
      currentAssets: 45_079_000_000,
      shortTermLiabilities: 42_024_000_000,
      totalLiabilities: 68_060_000_000,
      equity: 41_090_000_000,
      retainedEarnings: 40_038_000_000,
    },
    accountsFiling: { lastPeriodEnd: '2024-12-31', nextDue: '2026-07-31', overdue: false },
    credit: {
      paymentRemarks: [],
      collectionCases: [],
      debtRegister: [],
      score: 92,
      creditLimit: { amount: 50_000_000, currency: 'NOK' },
    },
    employees: 21_272,
    shareCapital: { amount: 5_976_872_600, currency: 'NOK' },
  };
}

export const INDIVIDUAL_NAME = 'Kari Nordmann';

/** A synthetic individual. @example individual().kind; // 'individual' */
export function individual(): Snapshot {
  const s = emptySnapshot({ subjectId: 'person-0042', kind: 'individual', country: 'NO' });
  return {
    ...s,
    identity: { ...s.identity, personToken: 'pt_9f8e7d6c5b4a39281706f5e4d3c2b1a0', name: INDIVIDUAL_NAME },
    addresses: {
      business: null,
      postal: null,
      home: { lines: ['Storgata 1'], postalCode: '0155', city: 'OSLO', country: 'NO', municipality: 'OSLO' },
    },
    credit: {
      paymentRemarks: [],
      collectionCases: [],
      debtRegister: [],
      score: 71,
      creditLimit: { amount: 40_000, currency: 'NOK' },
    },
  };
}
