/**
 * A monitored subject as enrolled by the company: who it is, which portfolio it belongs to and how
 * often it is checked. Individuals are identified by a keyed-hash token only.
 */
import { z } from 'zod';
import { CountryCode, SubjectKind } from './snapshot.ts';

/** Monitoring tiers; the default set. Deployments may configure their own schedule per tier. */
export const Tier = z.enum(['feed', 'daily', 'weekly', 'monthly']);
export type Tier = z.infer<typeof Tier>;

export const SubjectId = z
  .string()
  .min(1)
  .max(128)
  .regex(/^[A-Za-z0-9._:-]+$/, 'subject ids use letters, digits and . _ : - only');

export const MonitoredSubject = z.object({
  id: SubjectId,
  kind: SubjectKind,
  country: CountryCode,
  /** Businesses: organisation / company number in the registry of `country`. */
  registryId: z.string().nullable(),
  /** Individuals: HMAC token of the national id (see shared/domain/privacy). */
  personToken: z.string().nullable(),
  portfolioId: z.string().min(1),
  tier: Tier,
  /** The company's current terms with this customer, if it told us. */
  creditLimit: z.number().nonnegative().nullable(),
  paymentTermsDays: z.number().int().nonnegative().nullable(),
  exposure: z.number().nullable(),
});
export type MonitoredSubject = z.infer<typeof MonitoredSubject>;
