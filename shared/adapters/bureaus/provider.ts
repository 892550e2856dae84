/**
 * The seam between the pipeline and the bureaus. Each provider fetches what it knows about a subject
 * and returns a contribution: a pure function that fills its part of the snapshot. Several providers
 * contribute to one snapshot (registry entity, roles and accounts, credit bureau), applied in the
 * order of the provider list so that the same answers always give the same snapshot and hash.
 */
import { z } from 'zod';
import { emptySnapshot, type FetchedSnapshot, Snapshot } from '#shared/domain/snapshot.ts';
import type { MonitoredSubject } from '#shared/domain/subject.ts';
import { ConfigError, MalformedPayloadError } from '#shared/errors.ts';
import type { QuotaCounter } from '#shared/use-cases/ports.ts';
import { createBrregProvider } from './brreg/adapter.ts';
import { createCompaniesHouseProvider } from './companies-house/adapter.ts';
import { createCredmonBureauProvider } from './credmon-bureau/adapter.ts';
import {
  type BreakerState,
  createResilientClient,
  type ResilientClient,
  type ResilientClientOptions,
} from './http.ts';
import { Quota, sharedQuota } from './quota.ts';
import type { HttpTransport } from './transport.ts';

/**
 * A subject as handed to the providers. `nationalId` is the clear national id of an individual,
 * decrypted by the caller just before the call and null for businesses; it is only ever sent in a
 * request body, never logged, never put in a URL or an error.
 */
export interface SubjectForFetch extends MonitoredSubject {
  nationalId: string | null;
}

export interface FetchContext {
  /** The clock the fetch runs at: filing deadlines are judged against it. */
  now: Date;
  /** The deployment's secret for {@link partyToken} of role holders. */
  partyKey: string;
}

/** What one provider learned: applied to the snapshot being built, in provider order. */
export interface ProviderContribution {
  provider: string;
  /** ISO timestamp with offset: when the fetch started. */
  fetchedAt: string;
  /** When the payload states as of when its facts are (a report date); absent: `fetchedAt`. */
  asOf?: string;
  /** Pure: returns a new snapshot with this provider's part filled in. */
  apply(snapshot: Snapshot): Snapshot;
  /** Problems that did not stop normalization; never personal data. */
  warnings: string[];
}

export interface BureauProvider {
  readonly name: string;
  supports(subject: MonitoredSubject): boolean;
  fetch(subject: SubjectForFetch, ctx: FetchContext): Promise<ProviderContribution>;
  /** Its clients' circuit breakers by client name (set by {@link createProviders}; for health reports). */
  breakers?(): Readonly<Record<string, BreakerState>>;
}

const Url = z.url({ protocol: /^https?$/ });

export const HttpSettings = z.object({
  timeoutMs: z.number().int().positive().default(8000),
  maxAttempts: z.number().int().min(1).default(3),
  baseDelayMs: z.number().int().nonnegative().default(200),
  maxDelayMs: z.number().int().nonnegative().default(5000),
  rateLimitPerSecond: z.number().positive().default(10),
  breaker: z
    .object({
      failureThreshold: z.number().int().min(1).default(5),
      failureRate: z.number().gt(0).max(1).default(0.5),
      windowSize: z.number().int().min(1).default(50),
      resetAfterMs: z.number().int().positive().default(30_000),
    })
    .default({ failureThreshold: 5, failureRate: 0.5, windowSize: 50, resetAfterMs: 30_000 }),
});
export type HttpSettings = z.infer<typeof HttpSettings>;

/** Companies House allows 600 requests per 5 minutes per API key. */
export const COMPANIES_HOUSE_QUOTA: Quota = { requests: 600, perSeconds: 300 };

/** Where the bureaus are and how hard to push them. */
export const BureauConfig = z.object({
  /** `quota`: the bureau's limit for the whole deployment (quota.ts); none when absent. */
  brreg: z.object({ baseUrl: Url, quota: Quota.optional() }),
  /** Regnskapsregisteret; in production the same host as Enhetsregisteret. */
  regnskap: z.object({ baseUrl: Url, quota: Quota.optional() }),
  companiesHouse: z.object({
    baseUrl: Url,
    /** Sent as the HTTP Basic user name; null where the endpoint needs none (the simulator). */
    apiKey: z.string().min(1).nullable(),
    /** One environment's pace; the key's limit across environments is `quota`. */
    rateLimitPerSecond: z.number().positive().default(2),
    quota: Quota.default(COMPANIES_HOUSE_QUOTA),
  }),
  creditBureau: z.object({ baseUrl: Url, quota: Quota.optional() }).nullable(),
  http: HttpSettings.default(HttpSettings.parse({})),
});
export type BureauConfig = z.infer<typeof BureauConfig>;
export type BureauConfigInput = z.input<typeof BureauConfig>;

export interface CreateProvidersOptions {
  sleep?: (ms: number) => Promise<void>;
  now?: () => number;
  random?: () => number;
  /** Where the bureaus' quotas are counted across environments; quotas are not enforced without one. */
  quotaCounter?: QuotaCounter;
}

/**
 * The providers of a deployment, one resilient client (breaker, rate limit) per provider. Call once
 * per process and share the result: the rate limit only holds if all workers use the same clients.
 * Order matters: registries first, then the credit bureau.
 *
 * @example
 * const providers = createProviders(BureauConfig.parse(raw), fetchTransport);
 * const fetched = await fetchSnapshot(subject, providers, { now: new Date(), partyKey });
 */
export function createProviders(
  config: BureauConfig,
  transport: HttpTransport,
  options: CreateProvidersOptions = {},
): BureauProvider[] {
  const clients = new Map<string, ResilientClient>();
  const { quotaCounter, ...clock } = options;
  const client = (
    provider: string,
    quota: Quota | undefined,
    rateLimitPerSecond = config.http.rateLimitPerSecond,
  ) => {
    const sharedLimit =
      quota && quotaCounter
        ? sharedQuota({
            bureau: provider,
            quota,
            counter: quotaCounter,
            maxWaitMs: config.http.maxDelayMs,
            ...(clock.now ? { now: clock.now } : {}),
            ...(clock.sleep ? { sleep: clock.sleep } : {}),
          })
        : undefined;
    const clientOptions: ResilientClientOptions = {
      ...config.http,
      ...clock,
      provider,
      rateLimitPerSecond,
      ...(sharedLimit ? { sharedLimit } : {}),
    };
    const created = createResilientClient(transport, clientOptions);
    clients.set(provider, created);
    return created;
  };
  const breakers = () => Object.fromEntries([...clients].map(([name, c]) => [name, c.breakerState()]));
  const providers: BureauProvider[] = [
    createBrregProvider({
      client: client('brreg', config.brreg.quota),
      // Its own breaker: a Regnskapsregisteret outage must not stop entity checks.
      regnskapClient: client('brreg-regnskap', config.regnskap.quota),
      baseUrl: config.brreg.baseUrl,
      regnskapBaseUrl: config.regnskap.baseUrl,
    }),
    createCompaniesHouseProvider({
      client: client(
        'companies-house',
        config.companiesHouse.quota,
        config.companiesHouse.rateLimitPerSecond,
      ),
      baseUrl: config.companiesHouse.baseUrl,
      apiKey: config.companiesHouse.apiKey,
    }),
  ];
  if (config.creditBureau) {
    providers.push(
      createCredmonBureauProvider({
        client: client('credit-bureau', config.creditBureau.quota),
        baseUrl: config.creditBureau.baseUrl,
      }),
    );
  }
  // One report for the whole process: every provider answers with all clients' breakers.
  for (const provider of providers) Object.assign(provider, { breakers });
  return providers;
}

/**
 * Fetches a subject from every provider that supports it and merges their contributions, in the
 * order of `providers`, into one canonical snapshot. Fails with the first provider error: a partial
 * snapshot would diff as spurious changes.
 *
 * @example
 * const { snapshot, sources, warnings } = await fetchSnapshot(subject, providers, { now: new Date(), partyKey });
 */
export async function fetchSnapshot(
  subject: SubjectForFetch,
  providers: readonly BureauProvider[],
  ctx: FetchContext,
): Promise<FetchedSnapshot> {
  const supporting = providers.filter((provider) => provider.supports(subject));
  if (supporting.length === 0) {
    throw new ConfigError(`no bureau provider supports ${subject.kind} subjects in ${subject.country}`);
  }
  const contributions = await Promise.all(supporting.map((provider) => provider.fetch(subject, ctx)));

  const base = emptySnapshot({ subjectId: subject.id, kind: subject.kind, country: subject.country });
  const start: Snapshot = {
    ...base,
    identity: { ...base.identity, registryId: subject.registryId, personToken: subject.personToken },
  };
  const merged = contributions.reduce((snapshot, contribution) => contribution.apply(snapshot), start);

  const parsed = Snapshot.safeParse(merged);
  if (!parsed.success) {
    const issues = parsed.error.issues.map(
      (issue) => `${issue.path.map(String).join('.')}: ${issue.message}`,
    );
    const names = contributions.map((c) => c.provider).join('+');
    throw new MalformedPayloadError(
      `${names}: normalized snapshot is invalid (${issues.slice(0, 3).join('; ')})`,
      {
        provider: names,
        path: '(snapshot)',
        issues,
      },
    );
  }
  return {
    snapshot: parsed.data,
    sources: contributions.map((c) => ({
      provider: c.provider,
      fetchedAt: c.fetchedAt,
      ...(c.asOf !== undefined ? { asOf: c.asOf } : {}),
    })),
    warnings: contributions.flatMap((c) => c.warnings.map((w) => `${c.provider}: ${w}`)),
  };
}
