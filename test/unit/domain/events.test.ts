import { diffSnapshots } from '#shared/domain/diff.ts';
import { type DetectedEvent, detectEvents, EventType, SCORE_EVENT_THRESHOLD } from '#shared/domain/events.ts';
import type { RiskAssessment } from '#shared/domain/risk/assessment.ts';
import type { Snapshot } from '#shared/domain/snapshot.ts';
import { equinor, individual, risk } from './snapshot-builders.ts';

function eventsBetween(
  previous: Snapshot,
  next: Snapshot,
  risks: { previous: RiskAssessment | null; next: RiskAssessment } = { previous: risk('A'), next: risk('A') },
): DetectedEvent[] {
  return detectEvents({
    previous,
    next,
    changes: diffSnapshots(previous, next),
    previousRisk: risks.previous,
    nextRisk: risks.next,
  });
}

const collectionCase = {
  id: 'cc-1',
  amount: { amount: 48_000, currency: 'NOK' },
  openedOn: '2025-09-15',
  closedOn: null,
};

type Scenario = { base: () => Snapshot; change: (s: Snapshot) => void; occurredAt: string | null };

const remark = {
  id: 'pr-1',
  kind: 'inkasso',
  amount: { amount: 12_500, currency: 'NOK' },
  registeredOn: '2025-10-01',
  resolvedOn: null,
};

// A registry's 404 is not read off two snapshots: the monitor raises `subject-not-found` itself.
const SCENARIOS: Record<
  Exclude<EventType, 'baseline' | 'risk-class-changed' | 'subject-not-found'>,
  Scenario
> = {
  bankruptcy: {
    base: equinor,
    change: (s) => void Object.assign(s.status, { state: 'bankruptcy', since: '2025-03-01' }),
    occurredAt: '2025-03-01',
  },
  liquidation: {
    base: equinor,
    change: (s) => void Object.assign(s.status, { state: 'liquidation', since: '2025-04-02' }),
    occurredAt: '2025-04-02',
  },
  'forced-dissolution': {
    base: equinor,
    change: (s) => void Object.assign(s.status, { state: 'forced-dissolution', since: '2025-05-03' }),
    occurredAt: '2025-05-03',
  },
  restructuring: {
    base: equinor,
    change: (s) => s.status.proceedings.push({ kind: 'restructuring', since: '2025-06-04' }),
    occurredAt: '2025-06-04',
  },
  dissolved: {
    base: equinor,
    change: (s) => void Object.assign(s.status, { state: 'dissolved', since: '2025-07-05' }),
    occurredAt: '2025-07-05',
  },
  'removed-from-registry': {
    base: equinor,
    change: (s) => void Object.assign(s.status, { state: 'removed', since: null }),
    occurredAt: null,
  },
  deceased: {
    base: individual,
    change: (s) => void Object.assign(s.status, { state: 'deceased', since: '2025-08-06' }),
    occurredAt: '2025-08-06',
  },
  emigrated: {
    base: individual,
    change: (s) => void Object.assign(s.status, { state: 'emigrated', since: '2025-09-07' }),
    occurredAt: '2025-09-07',
  },
  'status-changed': {
    base: equinor,
    change: (s) => void Object.assign(s.status, { state: 'unknown' }),
    occurredAt: null,
  },
  'payment-remark-added': {
    base: equinor,
    change: (s) => s.credit.paymentRemarks.push(remark),
    occurredAt: '2025-10-01',
  },
  'debt-collection-opened': {
    base: equinor,
    change: (s) =>
      s.credit.collectionCases.push({ id: 'cc-1', amount: null, openedOn: '2025-10-02', closedOn: null }),
    occurredAt: '2025-10-02',
  },
  'debt-register-changed': {
    base: individual,
    change: (s) =>
      s.credit.debtRegister.push({
        id: 'd-1',
        kind: 'unsecured',
        amount: { amount: 80_000, currency: 'NOK' },
        registeredOn: '2025-10-03',
      }),
    occurredAt: '2025-10-03',
  },
  'accounts-overdue': {
    base: equinor,
    change: (s) => void Object.assign(s, { accountsFiling: { ...s.accountsFiling, overdue: true } }),
    occurredAt: '2026-07-31',
  },
  'score-changed': {
    base: equinor,
    change: (s) => void Object.assign(s.credit, { score: 92 - SCORE_EVENT_THRESHOLD }),
    occurredAt: null,
  },
  'credit-limit-changed': {
    base: equinor,
    change: (s) => void Object.assign(s.credit, { creditLimit: { amount: 25e6, currency: 'NOK' } }),
    occurredAt: null,
  },
  'management-changed': {
    base: equinor,
    change: (s) => void Object.assign(s.roles[0]!, { to: '2025-11-30' }),
    occurredAt: '2025-11-30',
  },
  'board-changed': {
    base: equinor,
    change: (s) =>
      s.roles.push({
        type: 'board-member',
        sourceCode: 'MEDL',
        party: { kind: 'person', ref: 'pp_x', name: 'Ola Nordmann' },
        from: '2025-06-01',
        to: null,
      }),
    occurredAt: '2025-06-01',
  },
  'auditor-changed': {
    base: equinor,
    change: (s) =>
      void Object.assign(s.roles[2]!, { party: { kind: 'organisation', ref: '987009713', name: 'KPMG AS' } }),
    occurredAt: '2019-05-15',
  },
  'name-changed': {
    base: equinor,
    change: (s) => void Object.assign(s.identity, { name: 'EQUINOR ENERGY ASA' }),
    occurredAt: null,
  },
  'address-changed': {
    base: equinor,
    change: (s) => void Object.assign(s.addresses, { postal: null }),
    occurredAt: null,
  },
  'accounts-published': {
    base: equinor,
    change: (s) =>
      void Object.assign(s, {
        accounts: { ...s.accounts, periodStart: '2025-01-01', periodEnd: '2025-12-31', revenue: 70e9 },
        accountsFiling: { lastPeriodEnd: '2025-12-31', nextDue: '2027-07-31', overdue: false },
      }),
    occurredAt: null,
  },
  'key-figures-changed': {
    base: equinor,
    change: (s) => void Object.assign(s.accounts!, { equity: 40e9 }),
    occurredAt: null,
  },
  'payment-remark-resolved': { base: equinor, change: () => undefined, occurredAt: '2025-12-01' },
  'debt-collection-closed': { base: equinor, change: () => undefined, occurredAt: '2025-12-03' },
  'snapshot-truncated': {
    base: equinor,
    change: (s) => void Object.assign(s, { truncated: [{ list: 'roles', kept: 400, total: 5000 }] }),
    occurredAt: null,
  },
};

/** Events that need an open item in the previous snapshot: tested on their own below. */
const CLOSING_EVENTS = new Set(['payment-remark-resolved', 'debt-collection-closed']);

describe('detectEvents', () => {
  it('reports a first snapshot as exactly one baseline event without changes', () => {
    // Act
    const events = detectEvents({
      previous: null,
      next: equinor(),
      changes: [],
      previousRisk: null,
      nextRisk: risk('A'),
    });
    // Assess
    expect(events).toEqual([{ type: 'baseline', severity: 'info', changes: [], occurredAt: null }]);
  });

  it.each(Object.entries(SCENARIOS).filter(([type]) => !CLOSING_EVENTS.has(type)))(
    'detects %s',
    (type, scenario) => {
      // Prepare
      const previous = scenario.base();
      const next = scenario.base();
      scenario.change(next);
      // Act
      const events = eventsBetween(previous, next);
      // Assess
      expect(events.map((e) => e.type)).toEqual([type]);
      expect(events[0]?.occurredAt).toBe(scenario.occurredAt);
      expect(events[0]?.changes.length).toBeGreaterThan(0);
    },
  );

  it('raises nothing when a closed collection case is amended', () => {
    // Prepare
    const closed = { ...collectionCase, closedOn: '2025-12-03' };
    const previous = equinor();
    previous.credit.collectionCases = [closed];
    const next = equinor();
    next.credit.collectionCases = [{ ...closed, amount: { amount: 9_000, currency: 'NOK' } }];
    // Act
    const events = eventsBetween(previous, next);
    // Assess
    expect(events).toEqual([]);
  });

  it.each([
    ['a remark resolved', 'paymentRemarks', remark, { ...remark, resolvedOn: '2025-12-01' }, '2025-12-01'],
    ['a remark deleted', 'paymentRemarks', remark, null, null],
    [
      'a case closed',
      'collectionCases',
      collectionCase,
      { ...collectionCase, closedOn: '2025-12-03' },
      '2025-12-03',
    ],
    ['a case deleted', 'collectionCases', collectionCase, null, null],
  ] as const)('detects the closing of %s', (_how, list, before, after, occurredAt) => {
    // Prepare
    const previous = equinor();
    const next = equinor();
    Object.assign(previous.credit, { [list]: [before] });
    Object.assign(next.credit, { [list]: after === null ? [] : [after] });
    // Act
    const events = eventsBetween(previous, next);
    // Assess
    expect(events).toEqual([
      {
        type: list === 'paymentRemarks' ? 'payment-remark-resolved' : 'debt-collection-closed',
        severity: 'low',
        occurredAt,
        changes: [{ path: `/credit/${list}/${before.id}`, old: before, new: after }],
      },
    ]);
  });

  it('detects risk-class-changed with a /risk/class change', () => {
    // Act
    const events = eventsBetween(equinor(), equinor(), { previous: risk('B'), next: risk('D', 0.3) });
    // Assess
    expect(events).toEqual([
      {
        type: 'risk-class-changed',
        severity: 'high',
        occurredAt: null,
        changes: [{ path: '/risk/class', old: 'B', new: 'D' }],
      },
    ]);
  });

  it('reports an improved risk class at low severity, whatever the table says for deteriorations', () => {
    // Act
    const improved = eventsBetween(equinor(), equinor(), { previous: risk('D', 0.3), next: risk('B') });
    const overridden = detectEvents({
      previous: equinor(),
      next: equinor(),
      changes: [],
      previousRisk: risk('C', 0.05),
      nextRisk: risk('A', 0.001),
      severityOverrides: { 'risk-class-changed': 'critical' },
    });
    // Assess
    expect(improved.map((e) => [e.type, e.severity])).toEqual([['risk-class-changed', 'low']]);
    expect(overridden.map((e) => [e.type, e.severity])).toEqual([['risk-class-changed', 'low']]);
  });

  it('reports a later period end without figures (a Companies House filing) as accounts-published', () => {
    // Prepare: a UK company's profile gives filing dates only, no figures.
    const previous: Snapshot = {
      ...equinor(),
      identity: { ...equinor().identity, country: 'GB' },
      accounts: null,
      accountsFiling: { lastPeriodEnd: '2024-11-30', nextDue: '2026-08-31', overdue: false },
    };
    const next: Snapshot = {
      ...previous,
      accountsFiling: { lastPeriodEnd: '2025-11-30', nextDue: '2027-08-31', overdue: false },
    };
    const dueDateOnly: Snapshot = {
      ...previous,
      accountsFiling: { ...previous.accountsFiling!, nextDue: '2026-09-30' },
    };
    // Act
    const filed = eventsBetween(previous, next);
    const moved = eventsBetween(previous, dueDateOnly);
    // Assess
    expect(filed).toEqual([
      {
        type: 'accounts-published',
        severity: 'info',
        occurredAt: null,
        changes: [
          { path: '/accountsFiling/lastPeriodEnd', old: '2024-11-30', new: '2025-11-30' },
          { path: '/accountsFiling/nextDue', old: '2026-08-31', new: '2027-08-31' },
        ],
      },
    ]);
    expect(moved).toEqual([]);
  });

  it('raises no risk event when there was no previous assessment', () => {
    expect(eventsBetween(equinor(), equinor(), { previous: null, next: risk('C') })).toEqual([]);
  });

  it('merges a bankruptcy state and a new bankruptcy proceeding into one event', () => {
    // Prepare
    const next = equinor();
    next.status = {
      ...next.status,
      state: 'bankruptcy',
      since: '2025-03-01',
      proceedings: [{ kind: 'bankruptcy', since: '2025-02-27' }],
    };
    // Act
    const events = eventsBetween(equinor(), next);
    // Assess
    expect(events.map((e) => [e.type, e.changes.map((c) => c.path), e.occurredAt])).toEqual([
      ['bankruptcy', ['/status/proceedings/bankruptcy', '/status/since', '/status/state'], '2025-03-01'],
    ]);
  });

  it('reports a new bankruptcy proceeding even when the state did not move', () => {
    // Prepare
    const next = equinor();
    next.status.proceedings = [{ kind: 'bankruptcy', since: '2025-02-27' }];
    // Act
    const events = eventsBetween(equinor(), next);
    // Assess
    expect(events.map((e) => [e.type, e.occurredAt])).toEqual([['bankruptcy', '2025-02-27']]);
  });

  it(`stores but does not report a score move under ${SCORE_EVENT_THRESHOLD} points`, () => {
    // Prepare
    const next = equinor();
    next.credit.score = 92 - (SCORE_EVENT_THRESHOLD - 1);
    // Act
    const changes = diffSnapshots(equinor(), next);
    const events = eventsBetween(equinor(), next);
    // Assess
    expect(changes.map((c) => c.path)).toEqual(['/credit/score']);
    expect(events).toEqual([]);
  });

  it('orders several events by EventType and applies severity overrides', () => {
    // Prepare
    const previous = equinor();
    const next = equinor();
    next.addresses.postal = null;
    next.status = { ...next.status, state: 'bankruptcy', since: '2025-03-01' };
    next.credit.paymentRemarks.push(remark);
    // Act
    const events = detectEvents({
      previous,
      next,
      changes: diffSnapshots(previous, next),
      previousRisk: risk('A'),
      nextRisk: risk('D', 0.6),
      severityOverrides: { 'address-changed': 'medium' },
    });
    // Assess
    expect(events.map((e) => [e.type, e.severity])).toEqual([
      ['bankruptcy', 'critical'],
      ['risk-class-changed', 'high'],
      ['payment-remark-added', 'high'],
      ['address-changed', 'medium'],
    ]);
  });

  it('attaches filing dates to newly published accounts and nowhere else', () => {
    // Prepare
    const next = equinor();
    next.accountsFiling = { lastPeriodEnd: '2024-12-31', nextDue: '2026-08-31', overdue: false };
    // Act / Assess
    expect(eventsBetween(equinor(), next)).toEqual([]);
  });

  it('has a scenario for every event type', () => {
    const covered = new Set([
      ...Object.keys(SCENARIOS),
      'baseline',
      'risk-class-changed',
      'subject-not-found',
    ]);
    expect(EventType.options.filter((type) => !covered.has(type))).toEqual([]);
  });
});
