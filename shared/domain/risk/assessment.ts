/** The result of a risk assessment: class, PD and the reasons behind it. */
import { z } from 'zod';

export const RiskClass = z.enum(['A', 'B', 'C', 'D']);
export type RiskClass = z.infer<typeof RiskClass>;

export const RiskReason = z.object({
  /** Stable machine code, e.g. `ACCOUNTS_LOW_EQUITY_RATIO`, `STATUS_BANKRUPTCY`, `INSUFFICIENT_DATA`. */
  code: z.string(),
  /** Plain-language explanation for a credit controller. */
  text: z.string(),
  /** Contribution to the log-odds of default (positive raises the PD). */
  contribution: z.number(),
});
export type RiskReason = z.infer<typeof RiskReason>;

export const RiskAssessment = z.object({
  class: RiskClass,
  /** 12-month probability of material default, 0..1. */
  pd: z.number().min(0).max(1),
  /** Top reasons, largest contribution first. */
  reasons: z.array(RiskReason),
  /** Model id and version, e.g. `credmon-risk/1`. */
  model: z.string(),
});
export type RiskAssessment = z.infer<typeof RiskAssessment>;
