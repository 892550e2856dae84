/**
 * The canonical snapshot of a monitored subject: what every bureau adapter normalizes into, what the
 * diff engine compares and what the risk model reads. The zod schema is the single source of the type.
 *
 * Only tracked facts live here; when and where they were fetched travels beside the snapshot
 * ({@link FetchedSnapshot}) so that re-fetching unchanged data yields the same hash.
 */
import { z } from 'zod';

/** ISO calendar date, `YYYY-MM-DD`. */
export const IsoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'expected a date as YYYY-MM-DD');
/** ISO timestamp with time zone. */
export const IsoTimestamp = z.iso.datetime({ offset: true });

export const SubjectKind = z.enum(['business', 'individual']);
export type SubjectKind = z.infer<typeof SubjectKind>;

/** ISO 3166-1 alpha-2 country code. */
export const CountryCode = z.string().regex(/^[A-Z]{2}$/, 'expected an ISO 3166-1 alpha-2 country code');

/**
 * The subject's overall state, the most severe that applies. Sources' own vocabularies map onto
 * these; a value a source has that credmon does not know maps to `unknown` (with a warning).
 */
export const SubjectState = z.enum([
  'active',
  'restructuring',
  'liquidation',
  'forced-dissolution',
  'bankruptcy',
  'dissolved',
  'removed',
  'emigrated',
  'deceased',
  'unknown',
]);
export type SubjectState = z.infer<typeof SubjectState>;

/** Insolvency and winding-up proceedings; several can be open at once. */
export const ProceedingKind = z.enum([
  'bankruptcy',
  'liquidation',
  'forced-dissolution',
  'restructuring',
  'administration',
  'receivership',
  'voluntary-arrangement',
  'unknown',
]);
export type ProceedingKind = z.infer<typeof ProceedingKind>;

export const Proceeding = z.object({
  kind: ProceedingKind,
  since: IsoDate.nullable(),
});
export type Proceeding = z.infer<typeof Proceeding>;

export const Status = z.object({
  state: SubjectState,
  /** When the current state began, where the source says. */
  since: IsoDate.nullable(),
  proceedings: z.array(Proceeding),
  /** Individuals: the address is protected (no address is published). */
  addressProtected: z.boolean(),
});
export type Status = z.infer<typeof Status>;

export const Address = z.object({
  lines: z.array(z.string()),
  postalCode: z.string().nullable(),
  city: z.string().nullable(),
  /** ISO 3166-1 alpha-2. */
  country: z.string().nullable(),
  municipality: z.string().nullable(),
});
export type Address = z.infer<typeof Address>;

export const Addresses = z.object({
  business: Address.nullable(),
  postal: Address.nullable(),
  home: Address.nullable(),
});
export type Addresses = z.infer<typeof Addresses>;

export const RoleType = z.enum([
  'managing-director',
  'chair',
  'deputy-chair',
  'board-member',
  'deputy-board-member',
  'auditor',
  'accountant',
  'other',
]);
export type RoleType = z.infer<typeof RoleType>;

/**
 * Who holds a role. `ref` identifies the party stably across fetches: an organisation's registry id,
 * or for a person a keyed hash of what the source identifies them by (never a national id). `name`
 * is kept for the subject's own users; alerts never carry a person's name.
 */
export const RoleParty = z.object({
  kind: z.enum(['person', 'organisation']),
  ref: z.string().min(1),
  name: z.string().nullable(),
});
export type RoleParty = z.infer<typeof RoleParty>;

export const Role = z.object({
  type: RoleType,
  /** The source's own code, e.g. Brønnøysund `DAGL`, Companies House `director`. */
  sourceCode: z.string(),
  party: RoleParty,
  from: IsoDate.nullable(),
  to: IsoDate.nullable(),
});
export type Role = z.infer<typeof Role>;

/** Key figures of one set of annual accounts, in the accounts' currency; null where not reported. */
export const AnnualAccounts = z.object({
  periodStart: IsoDate.nullable(),
  periodEnd: IsoDate,
  currency: z.string().nullable(),
  revenue: z.number().nullable(),
  previousRevenue: z.number().nullable(),
  operatingResult: z.number().nullable(),
  resultBeforeTax: z.number().nullable(),
  netResult: z.number().nullable(),
  totalAssets: z.number().nullable(),
  currentAssets: z.number().nullable(),
  shortTermLiabilities: z.number().nullable(),
  totalLiabilities: z.number().nullable(),
  equity: z.number().nullable(),
  retainedEarnings: z.number().nullable(),
});
export type AnnualAccounts = z.infer<typeof AnnualAccounts>;

export const AccountsFiling = z.object({
  lastPeriodEnd: IsoDate.nullable(),
  nextDue: IsoDate.nullable(),
  overdue: z.boolean(),
});
export type AccountsFiling = z.infer<typeof AccountsFiling>;

export const Money = z.object({ amount: z.number(), currency: z.string() });
export type Money = z.infer<typeof Money>;

export const PaymentRemark = z.object({
  /** The bureau's stable id of the remark. */
  id: z.string().min(1),
  kind: z.string(),
  amount: Money.nullable(),
  registeredOn: IsoDate,
  resolvedOn: IsoDate.nullable(),
});
export type PaymentRemark = z.infer<typeof PaymentRemark>;

export const CollectionCase = z.object({
  id: z.string().min(1),
  amount: Money.nullable(),
  openedOn: IsoDate,
  closedOn: IsoDate.nullable(),
});
export type CollectionCase = z.infer<typeof CollectionCase>;

export const DebtRegisterEntry = z.object({
  id: z.string().min(1),
  /** e.g. unsecured, secured, tax, public claim. */
  kind: z.string(),
  amount: Money,
  registeredOn: IsoDate.nullable(),
});
export type DebtRegisterEntry = z.infer<typeof DebtRegisterEntry>;

export const Credit = z.object({
  paymentRemarks: z.array(PaymentRemark),
  collectionCases: z.array(CollectionCase),
  debtRegister: z.array(DebtRegisterEntry),
  /** The bureau's own score, on its 0–100 scale (higher is safer). */
  score: z.number().min(0).max(100).nullable(),
  /** The bureau's recommended credit limit. */
  creditLimit: Money.nullable(),
});
export type Credit = z.infer<typeof Credit>;

export const Identity = z.object({
  country: CountryCode,
  /** Businesses: the registry's id (organisation number, company number). */
  registryId: z.string().nullable(),
  /** Individuals: the keyed-hash token of the national id; never the id itself. */
  personToken: z.string().nullable(),
  name: z.string().nullable(),
  legalForm: z.object({ code: z.string(), description: z.string().nullable() }).nullable(),
  industryCode: z.string().nullable(),
  foundedOn: IsoDate.nullable(),
});
export type Identity = z.infer<typeof Identity>;

/** Lists {@link boundSnapshot} may cut to keep a snapshot within its budget. */
export const TruncatedList = z.enum(['roles', 'paymentRemarks', 'collectionCases', 'debtRegister']);
export type TruncatedList = z.infer<typeof TruncatedList>;

export const Snapshot = z.object({
  schema: z.literal('credmon.snapshot/v1'),
  subjectId: z.string().min(1),
  kind: SubjectKind,
  identity: Identity,
  status: Status,
  addresses: Addresses,
  roles: z.array(Role),
  accounts: AnnualAccounts.nullable(),
  accountsFiling: AccountsFiling.nullable(),
  credit: Credit,
  employees: z.number().int().nonnegative().nullable(),
  shareCapital: Money.nullable(),
  /**
   * Lists cut to keep the snapshot within its size budget, with how many items were kept of how
   * many the source gave; absent when nothing was cut (see bound.ts).
   */
  truncated: z
    .array(
      z.object({
        list: TruncatedList,
        kept: z.number().int().nonnegative(),
        total: z.number().int().positive(),
      }),
    )
    .optional(),
});
export type Snapshot = z.infer<typeof Snapshot>;

/** Where one part of a snapshot came from, and as of when its facts are. */
export const SourceRef = z.object({
  provider: z.string(),
  fetchedAt: IsoTimestamp,
  /**
   * The time the source's facts are as of: the report date or last-updated time its payload states,
   * else the time the fetch started. Absent: the fetch time. See as-of.ts.
   */
  asOf: IsoTimestamp.optional(),
});
export type SourceRef = z.infer<typeof SourceRef>;

/** A snapshot with the provenance that does not belong in its hash. */
export const FetchedSnapshot = z.object({
  snapshot: Snapshot,
  sources: z.array(SourceRef),
  /** Problems that did not stop normalization, e.g. an unknown enum value mapped to `unknown`. */
  warnings: z.array(z.string()),
});
export type FetchedSnapshot = z.infer<typeof FetchedSnapshot>;

/**
 * A snapshot with every tracked field empty: the starting point adapters fill in.
 *
 * @example
 * const s = emptySnapshot({ subjectId: 'acme', kind: 'business', country: 'NO' });
 * s.status.state; // 'active'
 */
export function emptySnapshot(input: { subjectId: string; kind: SubjectKind; country: string }): Snapshot {
  return {
    schema: 'credmon.snapshot/v1',
    subjectId: input.subjectId,
    kind: input.kind,
    identity: {
      country: input.country,
      registryId: null,
      personToken: null,
      name: null,
      legalForm: null,
      industryCode: null,
      foundedOn: null,
    },
    status: { state: 'active', since: null, proceedings: [], addressProtected: false },
    addresses: { business: null, postal: null, home: null },
    roles: [],
    accounts: null,
    accountsFiling: null,
    credit: { paymentRemarks: [], collectionCases: [], debtRegister: [], score: null, creditLimit: null },
    employees: null,
    shareCapital: null,
  };
}
