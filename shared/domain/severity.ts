/**
 * How urgent each event type is, in one table. Deployments override entries (e.g. treat
 * `address-changed` as `medium` for a collections team) without touching the detection rules.
 */
import { z } from 'zod';
import type { EventType } from './events.ts';

export const Severity = z.enum(['info', 'low', 'medium', 'high', 'critical']);
export type Severity = z.infer<typeof Severity>;

/**
 * The default severity of each event type. The reasoning, in short:
 * - critical: the debtor most likely cannot pay at all (bankruptcy, forced dissolution, death).
 * - high: insolvency is open or close, or a payment problem was registered (liquidation,
 *   restructuring, dissolution, removal, emigration, new remark or collection case, risk class moved,
 *   a registry that does not know the subject: a wrong id or a customer that is gone).
 * - medium: signals worth a look (other status moves, management or auditor change, overdue accounts,
 *   debt register, bureau score or limit moves).
 * - low: facts that rarely change a credit decision on their own (address, name, board, revised figures,
 *   a resolved remark, a closed collection case, a registry entry too large to store whole).
 * - info: bookkeeping (baseline, newly published accounts).
 */
export const DEFAULT_SEVERITY: Record<EventType, Severity> = {
  baseline: 'info',
  bankruptcy: 'critical',
  liquidation: 'high',
  'forced-dissolution': 'critical',
  restructuring: 'high',
  dissolved: 'high',
  'removed-from-registry': 'high',
  'subject-not-found': 'high',
  'status-changed': 'medium',
  'address-changed': 'low',
  'name-changed': 'low',
  'management-changed': 'medium',
  'board-changed': 'low',
  'auditor-changed': 'medium',
  'accounts-published': 'info',
  'accounts-overdue': 'medium',
  'key-figures-changed': 'low',
  'payment-remark-added': 'high',
  'payment-remark-resolved': 'low',
  'debt-collection-opened': 'high',
  'debt-collection-closed': 'low',
  'debt-register-changed': 'medium',
  emigrated: 'high',
  deceased: 'critical',
  'score-changed': 'medium',
  'credit-limit-changed': 'medium',
  'risk-class-changed': 'high',
  'snapshot-truncated': 'low',
};

/**
 * The severity of an event type: the deployment's override where it has one, else the default.
 *
 * @example
 * resolveSeverity('address-changed'); // 'low'
 * resolveSeverity('address-changed', { 'address-changed': 'medium' }); // 'medium'
 */
export function resolveSeverity(type: EventType, overrides?: Partial<Record<EventType, Severity>>): Severity {
  return overrides?.[type] ?? DEFAULT_SEVERITY[type];
}

/**
 * A risk class that got better is good news, not an emergency: it is reported at this severity
 * whatever the table says for `risk-class-changed`, which applies to deteriorations.
 */
export const RISK_CLASS_IMPROVED_SEVERITY: Severity = 'low';
