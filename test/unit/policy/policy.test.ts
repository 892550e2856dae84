import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { EventType } from '#shared/domain/events.ts';
import { applyPolicy, type CreditPolicy, loadCreditPolicy } from '#shared/domain/policy.ts';
import type { RiskAssessment, RiskClass } from '#shared/domain/risk/assessment.ts';
import type { MonitoredSubject, Tier } from '#shared/domain/subject.ts';
import { ConfigError } from '#shared/errors.ts';

const POLICY_FILE = join(__dirname, '..', '..', '..', 'config', 'credit-policy.json');
const defaultPolicy = () =>
  loadCreditPolicy(JSON.parse(readFileSync(POLICY_FILE, 'utf8')), 'config/credit-policy.json');

function subject(overrides: Partial<MonitoredSubject> = {}): MonitoredSubject {
  return {
    id: 'acme-no',
    kind: 'business',
    country: 'NO',
    registryId: '923609016',
    personToken: null,
    portfolioId: 'main',
    tier: 'monthly',
    creditLimit: 200_000,
    paymentTermsDays: 30,
    exposure: 80_000,
    ...overrides,
  };
}

function assessment(riskClass: RiskClass): RiskAssessment {
  return { class: riskClass, pd: 0.01, reasons: [], model: 'credmon-risk/1' };
}

function loadError(json: unknown): string {
  try {
    loadCreditPolicy(json, 'policy.json');
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as Error).message;
  }
  throw new Error('expected the policy to be rejected');
}

const minimal = { version: '1', classes: {}, events: {} };

describe('loadCreditPolicy', () => {
  it('loads the default policy file', () => {
    // Prepare / Act
    const policy = defaultPolicy();
    // Assess
    expect(policy.version).toBe('2026-11-01');
    expect(Object.keys(policy.classes)).toEqual(['A', 'B', 'C', 'D']);
    for (const type of Object.keys(policy.events)) expect(EventType.options).toContain(type);
  });

  it('rejects an unknown risk class naming the field', () => {
    // Prepare / Act
    const message = loadError({ ...minimal, classes: { E: { actions: [] } } });
    // Assess
    expect(message).toBe("policy.json: classes.E: unknown risk class 'E' (expected A, B, C or D)");
  });

  it('rejects a negative credit limit naming the field', () => {
    // Prepare / Act
    const message = loadError({
      ...minimal,
      classes: { C: { actions: [{ type: 'prepayment' }, { type: 'set-credit-limit', amount: -1 }] } },
    });
    // Assess
    expect(message).toBe('policy.json: classes.C.actions[1].amount: must not be negative');
  });

  it('rejects an unknown action naming the field and the value', () => {
    // Prepare / Act
    const message = loadError({ ...minimal, events: { bankruptcy: { actions: [{ type: 'sue' }] } } });
    // Assess
    expect(message).toMatch(
      /^policy\.json: events\.bankruptcy\.actions\[0\]\.type: unknown action 'sue' \(expected one of set-credit-limit, /,
    );
  });

  it('rejects an unknown event type', () => {
    // Prepare / Act
    const message = loadError({ ...minimal, events: { 'won-the-lottery': { actions: [] } } });
    // Assess
    expect(message).toMatch(/^policy\.json: events\.won-the-lottery: unknown event type 'won-the-lottery'/);
  });

  it('reports every problem on its own line: missing version, both amount and factor, factor above 1, bad tier', () => {
    // Prepare / Act
    const message = loadError({
      classes: {
        A: { actions: [{ type: 'set-credit-limit', amount: 5, factor: 0.5 }], tier: 'hourly' },
        B: { actions: [{ type: 'set-credit-limit', factor: 1.5 }] },
      },
      events: {},
    });
    // Assess
    expect(message.split('\n')).toEqual([
      'policy.json: version: missing',
      expect.stringMatching(
        /^policy\.json: classes\.A\.actions\[0\]: give exactly one of amount and factor$/,
      ),
      expect.stringMatching(/^policy\.json: classes\.A\.tier: /),
      'policy.json: classes.B.actions[0].factor: must be at most 1: the policy only lowers limits',
    ]);
  });
});

describe('applyPolicy', () => {
  it('leaves an A customer on standard terms alone', () => {
    // Prepare
    const policy = defaultPolicy();
    // Act
    const outcome = applyPolicy(policy, {
      subject: subject(),
      assessment: assessment('A'),
      previousClass: 'A',
      eventTypes: [],
    });
    // Assess
    expect(outcome).toEqual({ actions: [], tier: 'monthly' });
  });

  it('takes the strictest of class and event rules: smallest limit, shortest terms, merged reviews', () => {
    // Prepare
    const policy = defaultPolicy();
    // Act
    const outcome = applyPolicy(policy, {
      subject: subject(),
      assessment: assessment('C'),
      previousClass: 'B',
      eventTypes: ['debt-collection-opened', 'payment-remark-added', 'debt-collection-opened'],
    });
    // Assess: class C caps at 50,000, the events halve 200,000 to 100,000; C and the case say 14 days.
    expect(outcome).toEqual({
      actions: [
        { type: 'set-credit-limit', amount: 50_000, factor: null },
        { type: 'set-payment-terms', days: 14 },
        {
          type: 'manual-review',
          reason: 'Risk class changed; New payment remark; New debt collection case',
        },
        { type: 'change-tier', tier: 'daily' },
      ],
      tier: 'daily',
    });
  });

  it('stops deliveries and zeroes the limit on bankruptcy', () => {
    // Prepare
    const policy = defaultPolicy();
    // Act
    const outcome = applyPolicy(policy, {
      subject: subject({ tier: 'weekly' }),
      assessment: assessment('D'),
      previousClass: 'D',
      eventTypes: ['bankruptcy'],
    });
    // Assess
    expect(outcome.actions).toEqual([
      { type: 'stop-deliveries' },
      { type: 'prepayment' },
      { type: 'set-credit-limit', amount: 0, factor: null },
      {
        type: 'manual-review',
        reason:
          'Risk class D: review open invoices and deliveries; Bankruptcy: file the claim with the estate',
      },
      { type: 'change-tier', tier: 'daily' },
    ]);
  });

  it('passes a factor on when the current limit is unknown, and never loosens known terms', () => {
    // Prepare
    const policy: CreditPolicy = loadCreditPolicy(
      {
        version: 't',
        classes: { B: { actions: [{ type: 'set-payment-terms', days: 45 }] } },
        events: { 'payment-remark-added': { actions: [{ type: 'set-credit-limit', factor: 0.5 }] } },
      },
      'inline',
    );
    // Act
    const unknownLimit = applyPolicy(policy, {
      subject: subject({ creditLimit: null, paymentTermsDays: null }),
      assessment: assessment('B'),
      previousClass: null,
      eventTypes: ['payment-remark-added'],
    });
    const known = applyPolicy(policy, {
      subject: subject({ creditLimit: 0, paymentTermsDays: 30 }),
      assessment: assessment('B'),
      previousClass: null,
      eventTypes: ['payment-remark-added'],
    });
    // Assess
    expect(unknownLimit.actions).toEqual([
      { type: 'set-credit-limit', amount: null, factor: 0.5 },
      { type: 'set-payment-terms', days: 45 },
    ]);
    expect(known.actions).toEqual([]);
  });

  it('never de-escalates below the enrolled tier', () => {
    // Prepare
    const policy = defaultPolicy();
    // Act
    const outcome = applyPolicy(policy, {
      subject: subject({ tier: 'daily' }),
      assessment: assessment('A'),
      previousClass: 'C',
      eventTypes: ['management-changed'],
    });
    // Assess
    expect(outcome.tier).toBe('daily');
    expect(outcome.actions).toEqual([{ type: 'manual-review', reason: 'Risk class changed' }]);
  });

  it('is deterministic, order-independent and never less strict than the class rule alone', () => {
    const policy = defaultPolicy();
    const tiers: Tier[] = ['feed', 'daily', 'weekly', 'monthly'];
    fc.assert(
      fc.property(
        fc.constantFrom<RiskClass>('A', 'B', 'C', 'D'),
        fc.option(fc.constantFrom<RiskClass>('A', 'B', 'C', 'D'), { nil: null }),
        fc.subarray([...EventType.options]),
        fc.constantFrom(...tiers),
        fc.option(fc.integer({ min: 0, max: 1_000_000 }), { nil: null }),
        (riskClass, previousClass, events, tier, creditLimit) => {
          // Prepare
          const input = {
            subject: subject({ tier, creditLimit }),
            assessment: assessment(riskClass),
            previousClass,
          };
          // Act
          const forward = applyPolicy(policy, { ...input, eventTypes: events });
          const backward = applyPolicy(policy, { ...input, eventTypes: [...events].reverse() });
          const classOnly = applyPolicy(policy, { ...input, previousClass: riskClass, eventTypes: [] });
          // Assess
          expect(backward).toEqual(forward);
          expect(tiers.indexOf(forward.tier)).toBeLessThanOrEqual(tiers.indexOf(tier));
          expect(tiers.indexOf(forward.tier)).toBeLessThanOrEqual(tiers.indexOf(classOnly.tier));
          const limitOf = (o: typeof forward) => {
            const a = o.actions.find((x) => x.type === 'set-credit-limit');
            return a?.type === 'set-credit-limit' && a.amount !== null ? a.amount : Number.POSITIVE_INFINITY;
          };
          if (creditLimit !== null) expect(limitOf(forward)).toBeLessThanOrEqual(limitOf(classOnly));
          const types = forward.actions.map((a) => a.type);
          expect(new Set(types).size).toBe(types.length);
        },
      ),
    );
  });
});
