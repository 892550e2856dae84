/** Maps a 12-month PD to credmon's risk classes A–D. */
import { z } from 'zod';
import type { RiskClass } from './assessment.ts';

const probability = z.number().gt(0).lt(1);

/**
 * Lower PD bounds of classes B, C and D (A is everything below `b`). Validated: strictly increasing
 * and inside (0, 1).
 */
export const RiskBands = z
  .strictObject({ b: probability, c: probability, d: probability })
  .refine((bands) => bands.b < bands.c && bands.c < bands.d, {
    message: 'band thresholds must increase: b < c < d',
  });
export type RiskBands = z.infer<typeof RiskBands>;

/** A < 0.5 %, B 0.5–2 %, C 2–8 %, D ≥ 8 % (12-month PD). */
export const DEFAULT_BANDS: RiskBands = RiskBands.parse({ b: 0.005, c: 0.02, d: 0.08 });

/**
 * The risk class of a 12-month PD; a subject in insolvency proceedings is always D. A PD that is not
 * a number is treated as the worst case rather than silently passing as A.
 *
 * @example
 * riskClassOf(0.01); // 'B'
 * riskClassOf(0.001, { insolvent: true }); // 'D'
 */
export function riskClassOf(pd: number, options: { insolvent?: boolean; bands?: RiskBands } = {}): RiskClass {
  const bands = options.bands ?? DEFAULT_BANDS;
  if (options.insolvent === true || Number.isNaN(pd) || pd >= bands.d) return 'D';
  if (pd >= bands.c) return 'C';
  if (pd >= bands.b) return 'B';
  return 'A';
}
