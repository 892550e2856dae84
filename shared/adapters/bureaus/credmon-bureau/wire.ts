/**
 * credmon's documented credit-bureau wire format (`credmon.bureau/v1`): the one place a commercial
 * bureau is mapped onto. A bureau integration answers these two requests in this format (directly,
 * or through a small translating proxy); docs/credit-bureau-format.md documents it for integrators.
 *
 * - Business: `GET  /credit-bureau/v1/companies/{country}/{registryId}`
 * - Individual: `POST /credit-bureau/v1/persons/lookup` with body `{ country, nationalId }`. The national
 *   id travels in the body, never in a URL, so it cannot end up in access logs.
 *
 * Unknown subjects answer 404 with `{ error: { code: "NOT_FOUND", message } }`.
 */
import { z } from 'zod';

const IsoDay = z.string().regex(/^\d{4}-\d{2}-\d{2}$/);
const Amount = z.object({ amount: z.number(), currency: z.string().length(3) });

export const BureauPaymentRemark = z.object({
  id: z.string().min(1),
  /** e.g. `unpaid-invoice`, `court-judgment`, `distraint`, `bankruptcy-petition`; unknown kinds are kept. */
  type: z.string(),
  amount: Amount.nullable(),
  registeredDate: IsoDay,
  settledDate: IsoDay.nullable(),
});

export const BureauCollectionCase = z.object({
  id: z.string().min(1),
  amount: Amount.nullable(),
  openedDate: IsoDay,
  closedDate: IsoDay.nullable(),
});

export const BureauDebtRegisterEntry = z.object({
  id: z.string().min(1),
  /** e.g. `unsecured-loan`, `credit-card`, `tax`, `public-claim`. */
  type: z.string(),
  amount: Amount,
  registeredDate: IsoDay.nullable(),
});

export const BureauCredit = z.object({
  /** 0–100, higher is safer; null when the bureau cannot score the subject. */
  score: z.number().min(0).max(100).nullable(),
  creditLimit: Amount.nullable(),
  paymentRemarks: z.array(BureauPaymentRemark),
  collectionCases: z.array(BureauCollectionCase),
  debtRegister: z.array(BureauDebtRegisterEntry),
});

export const BureauAddress = z.object({
  street: z.array(z.string()),
  postalCode: z.string().nullable(),
  city: z.string().nullable(),
  country: z.string().length(2).nullable(),
});

export const BureauCompanyReport = z.object({
  schema: z.literal('credmon.bureau/v1'),
  kind: z.literal('company'),
  country: z.string().length(2),
  registryId: z.string(),
  reportDate: IsoDay,
  credit: BureauCredit,
});
export type BureauCompanyReport = z.infer<typeof BureauCompanyReport>;

export const BureauPersonReport = z.object({
  schema: z.literal('credmon.bureau/v1'),
  kind: z.literal('person'),
  country: z.string().length(2),
  reportDate: IsoDay,
  person: z.object({
    name: z.string().nullable(),
    birthDate: IsoDay.nullable(),
    /** `active`, `emigrated`, `deceased`; anything else maps to `unknown` with a warning. */
    status: z.string(),
    statusDate: IsoDay.nullable(),
    addressProtected: z.boolean(),
    address: BureauAddress.nullable(),
  }),
  credit: BureauCredit,
});
export type BureauPersonReport = z.infer<typeof BureauPersonReport>;

export const BureauPersonLookup = z.object({ country: z.string().length(2), nationalId: z.string().min(1) });
export type BureauPersonLookup = z.infer<typeof BureauPersonLookup>;

export const BureauError = z.object({ error: z.object({ code: z.string(), message: z.string() }) });
