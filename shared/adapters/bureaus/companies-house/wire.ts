/**
 * Companies House Public Data API and Streaming API formats (developer.company-information.service.gov.uk).
 * Enumerations stay strings here: a value credmon does not know maps to `unknown` with a warning in
 * the adapter instead of failing the whole payload.
 */
import { z } from 'zod';

export const ChAddress = z.object({
  care_of: z.string().nullish(),
  po_box: z.string().nullish(),
  premises: z.string().nullish(),
  address_line_1: z.string().nullish(),
  address_line_2: z.string().nullish(),
  locality: z.string().nullish(),
  region: z.string().nullish(),
  postal_code: z.string().nullish(),
  country: z.string().nullish(),
});
export type ChAddress = z.infer<typeof ChAddress>;

/** `GET /company/{company_number}`. */
export const ChCompanyProfile = z.object({
  company_number: z.string(),
  company_name: z.string(),
  company_status: z.string(),
  /** e.g. `active-proposal-to-strike-off`; absent when there is nothing to add. */
  company_status_detail: z.string().nullish(),
  type: z.string().nullish(),
  date_of_creation: z.string().nullish(),
  date_of_cessation: z.string().nullish(),
  has_insolvency_history: z.boolean().nullish(),
  registered_office_address: ChAddress.nullish(),
  sic_codes: z.array(z.string()).nullish(),
  accounts: z
    .object({
      next_due: z.string().nullish(),
      overdue: z.boolean().nullish(),
      next_accounts: z.object({ due_on: z.string().nullish(), overdue: z.boolean().nullish() }).nullish(),
      last_accounts: z
        .object({ made_up_to: z.string().nullish(), period_end_on: z.string().nullish() })
        .nullish(),
    })
    .nullish(),
});
export type ChCompanyProfile = z.infer<typeof ChCompanyProfile>;

/** `GET /company/{company_number}/officers`: one page of the officer list. */
export const ChOfficerList = z.object({
  items: z
    .array(
      z.object({
        name: z.string(),
        officer_role: z.string(),
        appointed_on: z.string().nullish(),
        resigned_on: z.string().nullish(),
        date_of_birth: z.object({ month: z.number().int(), year: z.number().int() }).nullish(),
        identification: z.object({ registration_number: z.string().nullish() }).nullish(),
      }),
    )
    .default([]),
  total_results: z.number().int().nullish(),
  items_per_page: z.number().int().nullish(),
  start_index: z.number().int().nullish(),
});
export type ChOfficerList = z.infer<typeof ChOfficerList>;
export type ChOfficer = ChOfficerList['items'][number];

/** `GET /company/{company_number}/insolvency`; 404 when the company has no insolvency history. */
export const ChInsolvency = z.object({
  cases: z.array(
    z.object({
      type: z.string(),
      number: z.union([z.string(), z.number()]).nullish(),
      dates: z.array(z.object({ type: z.string(), date: z.string() })).default([]),
    }),
  ),
  status: z.array(z.string()).nullish(),
});
export type ChInsolvency = z.infer<typeof ChInsolvency>;

/** One line of a Streaming API stream (`/companies`, `/filings`, `/insolvency-cases`, `/charges`, …). */
export const ChStreamEvent = z.object({
  resource_kind: z.string(),
  resource_uri: z.string(),
  resource_id: z.string(),
  data: z.unknown(),
  event: z.object({
    timepoint: z.number().int().nonnegative(),
    published_at: z.string().nullish(),
    type: z.string(),
    fields_changed: z.array(z.string()).nullish(),
  }),
});
