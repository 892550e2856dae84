/**
 * Deployment configuration: what differs between one credmon deployment and another (schedules,
 * bureau endpoints and rate limits, secrets, retention, alarm e-mail, removal policy). Validated at
 * synth with zod; every default comes from the resource catalogue or is named here once.
 */
import { existsSync, readFileSync } from 'node:fs';
import { z } from 'zod';
import { FUNCTIONS, SCHEDULES } from '#shared/catalogue.ts';
import { Tier } from '#shared/domain/subject.ts';
import { ConfigError } from '#shared/errors.ts';
import { FEED_POLL_SCHEDULE } from './constructs/scheduling.ts';

/** Where `bin/app.ts` looks when no `-c config=<path>` is given. */
export const DEFAULT_CONFIG_FILE = 'config/deployment.json';

/** CloudWatch Logs accepts only these retention periods (days). */
const LOG_RETENTION_DAYS = [
  1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653,
] as const;

/** SQS event source mappings accept a maximum concurrency between 2 and 1000. */
const MIN_EVENT_SOURCE_CONCURRENCY = 2;
const MAX_EVENT_SOURCE_CONCURRENCY = 1000;

const ScheduleExpression = z
  .string()
  .regex(/^(cron\(.+\)|rate\(\d+ (minute|minutes|hour|hours|day|days)\))$/, {
    message: 'expected an EventBridge Scheduler expression: cron(...) or rate(<n> <unit>)',
  });

const TimeZone = z.string().refine(
  (zone) => {
    try {
      new Intl.DateTimeFormat('en', { timeZone: zone });
      return true;
    } catch {
      return false;
    }
  },
  { message: 'expected an IANA time zone such as Europe/Oslo' },
);

const TierSchedule = z.strictObject({
  expression: ScheduleExpression.optional(),
  timeZone: TimeZone.optional(),
  /** `false` creates the schedule disabled (kept, not run). */
  enabled: z.boolean().optional(),
});

const defaultMonitorConcurrency = FUNCTIONS.monitor.source.maxConcurrency;

const Concurrency = z
  .int()
  .min(MIN_EVENT_SOURCE_CONCURRENCY, {
    message: `must be at least ${MIN_EVENT_SOURCE_CONCURRENCY} (SQS event source minimum)`,
  })
  .max(MAX_EVENT_SOURCE_CONCURRENCY);

/**
 * A bureau's base URL is its API's origin: the adapters add the documented paths
 * (`/enhetsregisteret/api/enheter/{orgnr}`, `/company/{number}`, …), so a path here would be doubled.
 */
const BaseUrl = z
  .url({ protocol: /^https?$/, message: 'expected an http(s) URL' })
  .refine((url) => new URL(url).pathname === '/' && !url.includes('?'), {
    message: 'expected the API origin only, such as https://data.brreg.no: the adapters add the API paths',
  });

const Bureau = z.strictObject({
  baseUrl: BaseUrl,
  /** Concurrent requests the bureau allows credmon; caps the monitor's concurrency. */
  maxConcurrency: Concurrency.default(defaultMonitorConcurrency),
  /**
   * The bureau's rate limit for the whole deployment, counted across every Lambda environment in
   * the table; Companies House defaults to its documented 600 per 300 s, the others to none.
   */
  quota: z.strictObject({ requests: z.int().positive(), perSeconds: z.int().positive() }).optional(),
});

const SecretName = z
  .string()
  .regex(/^[A-Za-z0-9/_+=.@-]{1,512}$/, { message: 'expected a Secrets Manager secret name' });

const DeploymentConfigSchema = z
  .strictObject({
    /** `prod` refuses `removalPolicy: destroy`. */
    environment: z.enum(['prod', 'staging', 'dev', 'test']).default('prod'),
    /** Per tier: expression, time zone, enabled; unset fields keep the catalogue's defaults. */
    tiers: z.partialRecord(Tier, TierSchedule).default({}),
    bureaus: z
      .strictObject({
        brreg: Bureau.default({
          baseUrl: 'https://data.brreg.no',
          maxConcurrency: defaultMonitorConcurrency,
        }),
        /** Regnskapsregisteret (annual accounts); in production the same host as Enhetsregisteret. */
        regnskap: Bureau.default({
          baseUrl: 'https://data.brreg.no',
          maxConcurrency: defaultMonitorConcurrency,
        }),
        companiesHouse: Bureau.default({
          baseUrl: 'https://api.company-information.service.gov.uk',
          maxConcurrency: defaultMonitorConcurrency,
        }),
        /** credmon's documented credit-bureau format; unset disables the adapter. */
        creditBureau: Bureau.optional(),
      })
      .prefault({}),
    /** Secrets Manager secret (name) holding the Companies House API key. */
    companiesHouseApiKeySecretName: SecretName.default('credmon/companies-house-api-key'),
    /** Secrets Manager secret (name) of the keyed-hash key for person tokens (≥ 16 characters). */
    tokenKeySecretName: SecretName.default('credmon/token-key'),
    /** Secrets Manager secret (name) of the key that seals national ids at rest (≥ 16 characters). */
    sealKeySecretName: SecretName.default('credmon/seal-key'),
    /** The company's credit policy file, bundled with the monitor; unset uses the built-in policy. */
    policyFile: z
      .string()
      .min(1)
      .refine((file) => existsSync(file), { message: 'file not found' })
      .optional(),
    /** Days alert history (and the alert event archive) is kept. */
    alertRetentionDays: z.int().min(1).max(3650).default(400),
    /** Days snapshot history is kept (TTL on history items). */
    historyRetentionDays: z.int().min(1).max(3650).default(730),
    logRetentionDays: z
      .int()
      .refine((days) => (LOG_RETENTION_DAYS as readonly number[]).includes(days), {
        message: `must be one of ${LOG_RETENTION_DAYS.join(', ')}`,
      })
      .default(90),
    /** Operations alarms are e-mailed here when set. */
    alarmEmail: z.email({ message: 'expected an e-mail address' }).optional(),
    /** What happens to stateful resources when the stack is deleted. */
    removalPolicy: z.enum(['retain', 'destroy']).default('retain'),
  })
  .superRefine((config, context) => {
    if (config.environment === 'prod' && config.removalPolicy === 'destroy') {
      context.addIssue({
        code: 'custom',
        path: ['removalPolicy'],
        message: "'destroy' is refused for environment 'prod'; use it for dev/test deployments only",
      });
    }
  });

export type DeploymentConfigInput = z.input<typeof DeploymentConfigSchema>;
type ParsedConfig = z.output<typeof DeploymentConfigSchema>;

export interface ResolvedSchedule {
  readonly tier: Tier;
  readonly expression: string;
  readonly timeZone: string;
  readonly enabled: boolean;
}

export type BureauConfig = ParsedConfig['bureaus'];

/** The validated configuration, with every default resolved. */
export interface DeploymentConfig extends Omit<ParsedConfig, 'tiers'> {
  /** One schedule per tier, the feed poll included. */
  readonly schedules: readonly ResolvedSchedule[];
  /** The monitor's event source concurrency: the tightest bureau limit. */
  readonly monitorMaxConcurrency: number;
}

function defaultSchedule(tier: Tier): { expression: string; timeZone: string } {
  const fromCatalogue = SCHEDULES.find((schedule) => schedule.tier === tier);
  if (fromCatalogue) return { expression: fromCatalogue.expression, timeZone: fromCatalogue.timeZone };
  return FEED_POLL_SCHEDULE;
}

function resolve(parsed: ParsedConfig): DeploymentConfig {
  const { tiers, ...rest } = parsed;
  const schedules = Tier.options.map((tier): ResolvedSchedule => {
    const fallback = defaultSchedule(tier);
    const given = tiers[tier];
    return {
      tier,
      expression: given?.expression ?? fallback.expression,
      timeZone: given?.timeZone ?? fallback.timeZone,
      enabled: given?.enabled ?? true,
    };
  });
  const { brreg, regnskap, companiesHouse, creditBureau } = parsed.bureaus;
  const limits = [brreg, regnskap, companiesHouse, creditBureau]
    .filter((bureau) => bureau !== undefined)
    .map((bureau) => bureau.maxConcurrency);
  return { ...rest, schedules, monitorMaxConcurrency: Math.min(...limits) };
}

function describePath(path: readonly PropertyKey[]): string {
  return path.length === 0 ? '(root)' : path.map(String).join('.');
}

/** Validates a configuration value; `label` names its origin in error messages. */
export function parseDeploymentConfig(value: unknown, label: string): DeploymentConfig {
  const result = DeploymentConfigSchema.safeParse(value);
  if (!result.success) {
    const lines = result.error.issues.map(
      (issue) => `deployment config ${label}: ${describePath(issue.path)}: ${issue.message}`,
    );
    throw new ConfigError(lines.join('\n'));
  }
  return resolve(result.data);
}

/**
 * Loads the deployment configuration from a JSON file (a path) or from a value already in hand
 * (e.g. CDK context). Errors read `deployment config <file>: <field path>: <reason>`, one a line.
 */
export function loadDeploymentConfig(
  source: string | { readonly value: unknown; readonly label?: string },
): DeploymentConfig {
  if (typeof source !== 'string') return parseDeploymentConfig(source.value, source.label ?? 'context');
  let text: string;
  try {
    text = readFileSync(source, 'utf8');
  } catch (error) {
    const reason =
      typeof error === 'object' && error !== null && 'code' in error ? String(error.code) : String(error);
    throw new ConfigError(`deployment config ${source}: (file): cannot read (${reason})`, { cause: error });
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new ConfigError(`deployment config ${source}: (file): invalid JSON (${reason})`, { cause: error });
  }
  return parseDeploymentConfig(value, source);
}
