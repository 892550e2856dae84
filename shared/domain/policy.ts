/**
 * The company's credit policy: what to do about a customer given its risk class and what just
 * happened to it. A versioned JSON file (config/credit-policy.json is the default) validated here,
 * and a pure, deterministic function that turns a policy, an assessment and the detected events into
 * recommended actions and a monitoring tier.
 *
 * The policy only ever tightens: limits go down, terms get shorter, monitoring gets more frequent.
 * Loosening is a commercial decision for a person, so no rule can recommend it (see
 * docs/risk-policy.md).
 */
import { z } from 'zod';
import { ConfigError } from '#shared/errors.ts';
import type { RecommendedAction } from './actions.ts';
import { EventType } from './events.ts';
import type { RiskAssessment, RiskClass } from './risk/assessment.ts';
import { type MonitoredSubject, Tier } from './subject.ts';

/** One action a policy rule recommends. */
export const PolicyAction = z.discriminatedUnion('type', [
  z
    .strictObject({
      type: z.literal('set-credit-limit'),
      /** The new limit in the policy's currency. */
      amount: z.number().min(0, 'must not be negative').optional(),
      /** The new limit as a fraction of the current one. */
      factor: z
        .number()
        .min(0, 'must not be negative')
        .max(1, 'must be at most 1: the policy only lowers limits')
        .optional(),
    })
    .refine((a) => (a.amount === undefined) !== (a.factor === undefined), {
      message: 'give exactly one of amount and factor',
    }),
  z.strictObject({
    type: z.literal('set-payment-terms'),
    days: z.number().int('must be a whole number of days').min(0, 'must not be negative'),
  }),
  z.strictObject({ type: z.literal('cash-on-delivery') }),
  z.strictObject({ type: z.literal('prepayment') }),
  z.strictObject({ type: z.literal('manual-review'), reason: z.string().min(1, 'must not be empty') }),
  z.strictObject({ type: z.literal('stop-deliveries') }),
]);
export type PolicyAction = z.infer<typeof PolicyAction>;

export const POLICY_ACTION_TYPES = [
  'set-credit-limit',
  'set-payment-terms',
  'cash-on-delivery',
  'prepayment',
  'manual-review',
  'stop-deliveries',
] as const;

/** What to do in one situation: actions, and the tier the subject should be monitored at (at least). */
export const PolicyRule = z.strictObject({
  description: z.string().optional(),
  actions: z.array(PolicyAction),
  tier: Tier.optional(),
});
export type PolicyRule = z.infer<typeof PolicyRule>;

export const CreditPolicy = z.strictObject({
  /** JSON Schema reference for editors; ignored. */
  $schema: z.string().optional(),
  /** The policy's own version, e.g. the date it was approved; recorded with every recommendation. */
  version: z.string().min(1, 'must not be empty'),
  description: z.string().optional(),
  /** ISO 4217 currency of the policy's amounts. */
  currency: z
    .string()
    .regex(/^[A-Z]{3}$/, 'expected a three-letter ISO 4217 code')
    .optional(),
  /** Rules by risk class; re-applied on every assessment. */
  classes: z.strictObject({
    A: PolicyRule.optional(),
    B: PolicyRule.optional(),
    C: PolicyRule.optional(),
    D: PolicyRule.optional(),
  }),
  /** Rules by event type; applied when the event is detected. */
  events: z.record(z.string(), PolicyRule).superRefine((events, ctx) => {
    for (const key of Object.keys(events)) {
      if (!EventType.safeParse(key).success) {
        ctx.addIssue({
          code: 'custom',
          path: [key],
          message: `unknown event type '${key}' (expected one of ${EventType.options.join(', ')})`,
        });
      }
    }
  }),
});
export type CreditPolicy = z.infer<typeof CreditPolicy>;

/**
 * Validates a parsed policy document. Every problem is reported as `<source>: <field path>: <reason>`,
 * one per line, in a {@link ConfigError}.
 *
 * @example
 * const policy = loadCreditPolicy(JSON.parse(readFileSync('config/credit-policy.json', 'utf8')), 'config/credit-policy.json');
 * policy.version; // '2026-11-01'
 * loadCreditPolicy({ version: '1', classes: { E: { actions: [] } }, events: {} }, 'p.json');
 * // throws ConfigError: "p.json: classes.E: unknown risk class 'E' (expected A, B, C or D)"
 */
export function loadCreditPolicy(json: unknown, source: string): CreditPolicy {
  const result = CreditPolicy.safeParse(json);
  if (result.success) return result.data;
  const lines = result.error.issues.map((issue) => `${source}: ${describeIssue(issue, json)}`);
  throw new ConfigError(lines.join('\n'));
}

function describeIssue(issue: z.core.$ZodIssue, input: unknown): string {
  const path = formatPath(issue.path);
  if (issue.code === 'unrecognized_keys') {
    const parent = issue.path.length === 1 && issue.path[0] === 'classes';
    return issue.keys
      .map((key) => {
        const where = path === '' ? key : `${path}.${key}`;
        return parent
          ? `${where}: unknown risk class '${key}' (expected A, B, C or D)`
          : `${where}: unknown field`;
      })
      .join(`\n`);
  }
  if (issue.code === 'invalid_union' && issue.path[issue.path.length - 1] === 'type') {
    const value = valueAt(input, issue.path);
    const shown = typeof value === 'string' ? `'${value}'` : (JSON.stringify(value) ?? 'nothing');
    return `${path}: unknown action ${shown} (expected one of ${POLICY_ACTION_TYPES.join(', ')})`;
  }
  if (issue.code === 'invalid_type' && valueAt(input, issue.path) === undefined) {
    return `${path || '(root)'}: missing`;
  }
  return `${path || '(root)'}: ${issue.message}`;
}

function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const part of path) {
    if (typeof part === 'number') out += `[${part}]`;
    else out += out === '' ? String(part) : `.${String(part)}`;
  }
  return out;
}

function valueAt(input: unknown, path: readonly PropertyKey[]): unknown {
  let value = input;
  for (const part of path) {
    if (typeof value !== 'object' || value === null) return undefined;
    value = (value as Record<PropertyKey, unknown>)[part];
  }
  return value;
}

export interface ApplyPolicyInput {
  readonly subject: MonitoredSubject;
  readonly assessment: RiskAssessment;
  /** The class before this assessment; null on the first one. A change applies `risk-class-changed`. */
  readonly previousClass: RiskClass | null;
  /** Event types detected in this run (see shared/domain/events.ts); unknown ones are ignored. */
  readonly eventTypes: readonly string[];
}

export interface PolicyOutcome {
  actions: RecommendedAction[];
  /** The tier to monitor the subject at: never less frequent than its enrolled tier. */
  tier: Tier;
}

/** Most frequent first; a subject on the change feed is already watched more often than daily. */
const TIER_ORDER: readonly Tier[] = ['feed', 'daily', 'weekly', 'monthly'];

/**
 * Applies the policy: the rule of the assessed class plus the rule of every detected event (and of
 * `risk-class-changed` when the class moved). Where rules disagree the strictest wins: the smallest
 * credit limit, the shortest payment terms, the most frequent tier; manual-review reasons are merged.
 * The output is the same for the same input whatever the order of `eventTypes`.
 *
 * Limits and terms only tighten: a computed limit at or above the subject's current limit, or terms
 * at or above its current terms, are no action. The tier only escalates: it never falls below the
 * subject's enrolled tier; moving back is a person's decision.
 *
 * @example
 * applyPolicy(policy, { subject, assessment: { class: 'D', pd: 0.4, reasons: [], model: 'credmon-risk/1' },
 *   previousClass: 'B', eventTypes: ['payment-remark-added'] });
 * // { actions: [{ type: 'stop-deliveries' }, { type: 'prepayment' }, …, { type: 'change-tier', tier: 'daily' }], tier: 'daily' }
 */
export function applyPolicy(policy: CreditPolicy, input: ApplyPolicyInput): PolicyOutcome {
  const { subject, assessment, previousClass } = input;
  const rules: PolicyRule[] = [];
  const classRule = policy.classes[assessment.class];
  if (classRule !== undefined) rules.push(classRule);
  const events = new Set(input.eventTypes);
  if (previousClass !== null && previousClass !== assessment.class) events.add('risk-class-changed');
  // Event rules in the canonical event order, so that merged review reasons do not depend on input order.
  for (const type of EventType.options) {
    const rule = events.has(type) ? policy.events[type] : undefined;
    if (rule !== undefined) rules.push(rule);
  }

  let stop = false;
  let prepayment = false;
  let cashOnDelivery = false;
  let minAmount = Number.POSITIVE_INFINITY;
  let minFactor = Number.POSITIVE_INFINITY;
  let minDays = Number.POSITIVE_INFINITY;
  const reviews: string[] = [];
  let tierRank = TIER_ORDER.indexOf(subject.tier);
  for (const rule of rules) {
    if (rule.tier !== undefined) tierRank = Math.min(tierRank, TIER_ORDER.indexOf(rule.tier));
    for (const action of rule.actions) {
      switch (action.type) {
        case 'stop-deliveries':
          stop = true;
          break;
        case 'prepayment':
          prepayment = true;
          break;
        case 'cash-on-delivery':
          cashOnDelivery = true;
          break;
        case 'set-credit-limit':
          if (action.amount !== undefined) minAmount = Math.min(minAmount, action.amount);
          if (action.factor !== undefined) minFactor = Math.min(minFactor, action.factor);
          break;
        case 'set-payment-terms':
          minDays = Math.min(minDays, action.days);
          break;
        case 'manual-review':
          if (!reviews.includes(action.reason)) reviews.push(action.reason);
          break;
      }
    }
  }

  const actions: RecommendedAction[] = [];
  if (stop) actions.push({ type: 'stop-deliveries' });
  if (prepayment) actions.push({ type: 'prepayment' });
  if (cashOnDelivery) actions.push({ type: 'cash-on-delivery' });
  const limit = creditLimitAction(subject.creditLimit, minAmount, minFactor);
  if (limit !== null) actions.push(limit);
  if (Number.isFinite(minDays) && (subject.paymentTermsDays === null || minDays < subject.paymentTermsDays)) {
    actions.push({ type: 'set-payment-terms', days: minDays });
  }
  if (reviews.length > 0) actions.push({ type: 'manual-review', reason: reviews.join('; ') });
  const tier = TIER_ORDER[tierRank] ?? subject.tier;
  if (tier !== subject.tier) actions.push({ type: 'change-tier', tier });
  return { actions, tier };
}

/**
 * The strictest limit. With a known current limit, factors become amounts and the smallest wins.
 * Without one, a factor of 0 still means no credit, an amount is concrete and wins over a factor
 * (which cannot be compared with it), and a factor alone is passed on for the ERP to apply.
 */
function creditLimitAction(
  current: number | null,
  minAmount: number,
  minFactor: number,
): RecommendedAction | null {
  const hasAmount = Number.isFinite(minAmount);
  const hasFactor = Number.isFinite(minFactor);
  if (!hasAmount && !hasFactor) return null;
  if (current !== null) {
    const fromFactor = hasFactor ? Math.round(current * minFactor) : Number.POSITIVE_INFINITY;
    const amount = Math.min(minAmount, fromFactor);
    return amount < current ? { type: 'set-credit-limit', amount, factor: null } : null;
  }
  if (minFactor === 0) return { type: 'set-credit-limit', amount: 0, factor: null };
  if (hasAmount) return { type: 'set-credit-limit', amount: minAmount, factor: null };
  return minFactor < 1 ? { type: 'set-credit-limit', amount: null, factor: minFactor } : null;
}
