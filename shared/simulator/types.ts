/**
 * The simulator's contracts: what a world offers the HTTP server, the pipeline and backtests, shared
 * by the generated world (world.ts) and scripted scenarios (scenario.ts) so that both are served alike.
 */
import { z } from 'zod';
import type { LedgerRecord } from '#shared/domain/ledger.ts';
import { MonitoredSubject, SubjectId } from '#shared/domain/subject.ts';

/**
 * A subject as the simulator hands it to enrolment: a {@link MonitoredSubject} with the clear national
 * id instead of its token (the enrolment code tokenizes it).
 */
export const SimSubject = MonitoredSubject.omit({ personToken: true }).extend({
  nationalId: z.string().nullable(),
});
export type SimSubject = z.infer<typeof SimSubject>;

/** One change the simulator made to a subject, for scoring what the pipeline detected. */
export const SimChange = z.object({
  day: z.number().int().nonnegative(),
  subjectId: SubjectId,
  /** e.g. `address`, `bankruptcy`, `payment-remark-added`; see CHANGE_KINDS. */
  kind: z.string(),
  /** Scenarios: the resource path whose answer changed. */
  path: z.string().optional(),
});
export type SimChange = z.infer<typeof SimChange>;

/** A material default (business bankruptcy, individual's default), for backtests of the risk model. */
export const SimDefault = z.object({ subjectId: SubjectId, day: z.number().int().nonnegative() });
export type SimDefault = z.infer<typeof SimDefault>;

export const SimTruth = z.object({ changes: z.array(SimChange), defaults: z.array(SimDefault) });
export type SimTruth = z.infer<typeof SimTruth>;

/** Every kind of change the generated world makes. */
export const CHANGE_KINDS = [
  'address',
  'name',
  'managing-director',
  'board',
  'auditor',
  'accounts-published',
  'accounts-overdue',
  'payment-remark-added',
  'payment-remark-resolved',
  'collection-opened',
  'collection-closed',
  'debt-register-added',
  'debt-register-removed',
  'score',
  'credit-limit',
  'bankruptcy',
  'liquidation',
  'forced-dissolution',
  /** UK: the company entered administration. */
  'restructuring',
  'dissolved',
  'removed',
  'emigrated',
  'deceased',
] as const;
export type ChangeKind = (typeof CHANGE_KINDS)[number];

/** A request as the simulator sees it: path without query, query parameters, parsed JSON body. */
export interface SimRequest {
  readonly method: string;
  readonly path: string;
  readonly query: Readonly<Record<string, string>>;
  readonly body: unknown;
}

/** An answer: status, headers and a JSON-able body. */
export interface SimResponse {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: unknown;
}

/** What a world knows for one resource: its status and body (headers are the server's business). */
export interface SimAnswer {
  readonly status: number;
  readonly body: unknown;
}

/** A resource the simulator serves, parsed from a request (see respond.ts). */
export type SimRoute =
  | { readonly kind: 'brreg-enhet' | 'brreg-roller' | 'brreg-regnskap'; readonly orgnr: string }
  | {
      readonly kind: 'ch-profile' | 'ch-officers' | 'ch-insolvency' | 'ch-filing-history';
      readonly companyNumber: string;
    }
  | { readonly kind: 'bureau-company'; readonly country: string; readonly registryId: string }
  | { readonly kind: 'bureau-person'; readonly country: string; readonly nationalId: string };

/** One entry of Brønnøysund's change feed (`oppdateringer/enheter`). */
export interface FeedEntry {
  readonly oppdateringsid: number;
  readonly day: number;
  /** ISO timestamp with milliseconds and `Z`, like the real feed. */
  readonly dato: string;
  readonly organisasjonsnummer: string;
  readonly endringstype: 'Ny' | 'Endring' | 'Sletting' | 'Fjernet' | 'Ukjent';
}

/** One entry of Brønnøysund's roles feed (`oppdateringer/roller`): the roles of an entity changed. */
export interface RolesFeedEntry {
  readonly id: number;
  readonly day: number;
  /** ISO timestamp with milliseconds and `Z`. */
  readonly time: string;
  readonly organisasjonsnummer: string;
}

/**
 * A simulated world on a simulated clock. Day 0 is `startDate`; changes happen on days ≥ 1.
 * `advanceTo` may jump forwards or backwards; the result depends only on the target day.
 */
export interface SimWorld {
  readonly startDate: string;
  /** The current simulated day. */
  day(): number;
  /** The current simulated date, `YYYY-MM-DD`. */
  today(): string;
  advanceTo(day: number): void;
  portfolio(): SimSubject[];
  /** Changes and defaults up to and including the current day. */
  truth(): SimTruth;
  /** The world's answer for a resource on the current day; undefined when it has no such resource. */
  resource(route: SimRoute): SimAnswer | undefined;
  /** Change-feed entries up to and including the current day, in increasing `oppdateringsid`. */
  feed(): readonly FeedEntry[];
  /** Roles-feed entries up to and including the current day, in increasing `id`; none when absent. */
  rolesFeed?(): readonly RolesFeedEntry[];
  /**
   * The company's accounts-receivable ledger on day 0 (a year of invoices to the subjects), as raw
   * CSV-like records; absent where the world has none (scenarios).
   */
  arLedger?(): LedgerRecord[];
}
