/** What the company's credit policy recommends doing about a customer. */
import { z } from 'zod';
import { Tier } from './subject.ts';

export const RecommendedAction = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('set-credit-limit'),
    /** New limit as an amount, or as a factor of the current limit; exactly one is set. */
    amount: z.number().nonnegative().nullable(),
    factor: z.number().nonnegative().nullable(),
  }),
  z.object({ type: z.literal('set-payment-terms'), days: z.number().int().nonnegative() }),
  z.object({ type: z.literal('cash-on-delivery') }),
  z.object({ type: z.literal('prepayment') }),
  z.object({ type: z.literal('manual-review'), reason: z.string() }),
  z.object({ type: z.literal('stop-deliveries') }),
  z.object({ type: z.literal('change-tier'), tier: Tier }),
]);
export type RecommendedAction = z.infer<typeof RecommendedAction>;
