/**
 * Ready-made SNS subscription filter policies for the alerts topic, as data. Each one filters on the
 * message attributes that `alertMessageAttributes` (alert.ts) sets (FilterPolicyScope `MessageAttributes`),
 * so subscribers route without parsing bodies. Combine keys in one policy for AND; values in one key
 * are OR.
 */
export type FilterRecipe = { description: string; filterPolicy: Record<string, unknown[]> };

export const FILTER_RECIPES: Record<string, FilterRecipe> = {
  'critical-only': {
    description: 'Only critical alerts: bankruptcy, forced dissolution, death (with default severities).',
    filterPolicy: { severity: ['critical'] },
  },
  'high-or-critical': {
    description: 'Alerts of severity high or critical: what a credit controller acts on the same day.',
    filterPolicy: { severity: ['high', 'critical'] },
  },
  'moved-into-c-or-d': {
    description: 'Risk class changes whose new class is C or D.',
    filterPolicy: { type: ['risk-class-changed'], riskClass: ['C', 'D'] },
  },
  'single-portfolio': {
    description: 'Every alert of one portfolio; replace the example id with your own portfolio id.',
    filterPolicy: { portfolioId: ['example-portfolio'] },
  },
  'individuals-only': {
    description: 'Alerts about private individuals only (consumer credit, collections).',
    filterPolicy: { subjectKind: ['individual'] },
  },
  'insolvency-only': {
    description: 'Bankruptcy-type events only: bankruptcy, liquidation, forced dissolution, restructuring.',
    filterPolicy: { type: ['bankruptcy', 'liquidation', 'forced-dissolution', 'restructuring'] },
  },
};

/**
 * The `single-portfolio` recipe for a given portfolio.
 *
 * @example
 * portfolioFilterPolicy('nordics'); // { portfolioId: ['nordics'] }
 */
export function portfolioFilterPolicy(portfolioId: string): Record<string, unknown[]> {
  return { portfolioId: [portfolioId] };
}
