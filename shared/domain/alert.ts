/**
 * The alert contract v1: what subscribers of the alerts topic receive. The zod schema is the single
 * source of the TypeScript type and of the published JSON Schema (docs/alert-contract). Individuals
 * appear by token only: no name, no national id, no street address.
 */
import { createHash } from 'node:crypto';
import { z } from 'zod';
import { CredmonError } from '../errors.ts';
import { RecommendedAction } from './actions.ts';
import { Change, REDACTED } from './diff.ts';
import { type DetectedEvent, EventType } from './events.ts';
import { type RiskAssessment, RiskClass, RiskReason } from './risk/assessment.ts';
import { Severity } from './severity.ts';
import {
  type Address,
  CountryCode,
  IsoDate,
  IsoTimestamp,
  type Snapshot,
  SubjectKind,
  SubjectState,
} from './snapshot.ts';
import type { MonitoredSubject } from './subject.ts';

export const ALERT_SCHEMA = 'credmon.alert/v1';

const AlertAddress = z.object({
  lines: z.array(z.string()),
  postalCode: z.string().nullable(),
  city: z.string().nullable(),
  country: z.string().nullable(),
  municipality: z.string().nullable(),
});

export const AlertV1 = z
  .object({
    schema: z.literal(ALERT_SCHEMA),
    /** Deterministic per subject, snapshot version and event type: subscribers dedupe by it. */
    alertId: z.string().regex(/^al_[0-9a-f]{32}$/),
    subject: z.object({
      id: z.string().min(1),
      kind: SubjectKind,
      country: CountryCode,
      portfolioId: z.string().min(1),
    }),
    type: EventType,
    severity: Severity,
    /** When it happened according to the source, e.g. the bankruptcy date. */
    occurredAt: IsoDate.nullable(),
    /** When credmon saw it. */
    detectedAt: IsoTimestamp,
    changes: z.array(Change),
    risk: z.object({
      class: RiskClass,
      previousClass: RiskClass.nullable(),
      pd: z.number().min(0).max(1),
      reasons: z.array(RiskReason),
    }),
    actions: z.array(RecommendedAction),
    source: z.object({
      bureau: z.string().min(1),
      fetchedAt: IsoTimestamp,
      snapshotVersion: z.number().int().nonnegative(),
    }),
    /** Who the subject is at a glance. Individuals: no name, and of the address only city and country. */
    generalia: z.object({
      name: z.string().nullable(),
      address: AlertAddress.nullable(),
      status: z.object({ state: SubjectState, since: IsoDate.nullable() }),
    }),
  })
  .meta({
    title: 'credmon alert v1',
    description: 'One detected event of one monitored subject, published on the credmon alerts topic.',
  });
export type AlertV1 = z.infer<typeof AlertV1>;

/** An alert would have carried an individual's name or a person's name: a bug, never published. */
export class PersonalDataLeakError extends CredmonError {
  override readonly name = 'PersonalDataLeakError';
  readonly outcome = 'dead-letter' as const;
}

/**
 * The deterministic id of an alert: the same subject, version and type always give the same id, so
 * a republished outbox is deduplicated by subscribers.
 *
 * @example
 * alertId('no-923609016', 7, 'bankruptcy'); // 'al_' + 32 hex digits, the same on every call
 */
export function alertId(subjectId: string, snapshotVersion: number, type: EventType): string {
  const digest = createHash('sha256').update(`${subjectId}\n${snapshotVersion}\n${type}`).digest('hex');
  return `al_${digest.slice(0, 32)}`;
}

export type BuildAlertsInput = {
  subject: MonitoredSubject;
  snapshot: Snapshot;
  snapshotVersion: number;
  events: DetectedEvent[];
  risk: RiskAssessment;
  previousRisk: RiskAssessment | null;
  actions: RecommendedAction[];
  source: { bureau: string; fetchedAt: string };
  detectedAt: string;
};

/**
 * One alert per event, parsed with {@link AlertV1} and checked by {@link assertNoPersonalData}.
 * Changes are scrubbed first: persons on roles keep only kind and ref; for individuals, names are
 * redacted and addresses cut down to city and country.
 *
 * @example
 * buildAlerts({ subject, snapshot, snapshotVersion: 8, events, risk, previousRisk, actions,
 *   source: { bureau: 'brreg', fetchedAt }, detectedAt }); // [{ schema: 'credmon.alert/v1', ... }]
 */
export function buildAlerts(input: BuildAlertsInput): AlertV1[] {
  const { subject, snapshot } = input;
  const individual = subject.kind === 'individual';
  return input.events.map((event) => {
    const alert = AlertV1.parse({
      schema: ALERT_SCHEMA,
      alertId: alertId(subject.id, input.snapshotVersion, event.type),
      subject: {
        id: subject.id,
        kind: subject.kind,
        country: subject.country,
        portfolioId: subject.portfolioId,
      },
      type: event.type,
      severity: event.severity,
      occurredAt: event.occurredAt,
      detectedAt: input.detectedAt,
      changes: event.changes.map((change) => scrubChange(change, individual)),
      risk: {
        class: input.risk.class,
        previousClass: input.previousRisk?.class ?? null,
        pd: input.risk.pd,
        reasons: input.risk.reasons,
      },
      actions: input.actions,
      source: { ...input.source, snapshotVersion: input.snapshotVersion },
      generalia: {
        name: individual ? null : snapshot.identity.name,
        address: generaliaAddress(snapshot, individual),
        status: { state: snapshot.status.state, since: snapshot.status.since },
      },
    });
    assertNoPersonalData(alert, snapshot);
    return alert;
  });
}

/** What a registry answered when it did not know a subject, as the not-found alert reports it. */
export type RegistryLookup = {
  /** The registry or bureau that answered, e.g. `brreg`. */
  provider: string;
  /** Its HTTP status, e.g. 404. */
  status: number;
  /** What it said, in one line (never a national id: adapters name the registry id or subject id). */
  said: string;
};

/** The path of the one change a `subject-not-found` alert carries. */
export const LOOKUP_CHANGE_PATH = '/registry/lookup';

export type BuildNotFoundAlertInput = {
  subject: MonitoredSubject;
  /** The last snapshot the registry gave, or an empty one (state `unknown`) if it never knew it. */
  snapshot: Snapshot;
  snapshotVersion: number;
  lookup: RegistryLookup;
  /** The stored risk, or the assessment of the empty snapshot when there is none. */
  risk: RiskAssessment;
  actions: RecommendedAction[];
  severity: Severity;
  fetchedAt: string;
  detectedAt: string;
};

/**
 * The one `subject-not-found` alert of a subject its registry does not know. Its one change, at
 * {@link LOOKUP_CHANGE_PATH}, says who answered what about which id: the registry id of a business,
 * only the token of an individual. Generalia are the last known ones (a business's name), risk the
 * stored assessment, unchanged: the registry's silence is not a credit event of its own.
 *
 * @example
 * buildNotFoundAlert({ subject, snapshot, snapshotVersion: 4, risk, actions, severity: 'high',
 *   lookup: { provider: 'brreg', status: 404, said: 'brreg: no entity 923609016 in Enhetsregisteret' },
 *   fetchedAt, detectedAt }).changes[0].new; // { provider: 'brreg', status: 404, registryId: '923609016', … }
 */
export function buildNotFoundAlert(input: BuildNotFoundAlertInput): AlertV1 {
  const { subject, lookup } = input;
  const individual = subject.kind === 'individual';
  const id = individual ? { personToken: subject.personToken } : { registryId: subject.registryId };
  const [alert] = buildAlerts({
    subject,
    snapshot: input.snapshot,
    snapshotVersion: input.snapshotVersion,
    events: [
      {
        type: 'subject-not-found',
        severity: input.severity,
        occurredAt: null,
        changes: [
          {
            path: LOOKUP_CHANGE_PATH,
            old: null,
            new: { provider: lookup.provider, status: lookup.status, ...id, said: lookup.said },
          },
        ],
      },
    ],
    risk: input.risk,
    previousRisk: input.risk,
    actions: input.actions,
    source: { bureau: lookup.provider, fetchedAt: input.fetchedAt },
    detectedAt: input.detectedAt,
  });
  return alert as AlertV1;
}

/**
 * Refuses an alert that carries a person's name. For every subject: no person party in the changes
 * may have a `name`. For an individual, also: no string anywhere in the alert may contain their own
 * name or the name of a person holding a role. (A business's texts are not searched for person names:
 * a sole proprietorship is legitimately named after its owner.) A last line of defence behind the
 * scrubbing in {@link buildAlerts}: it throws rather than let an alert be published.
 *
 * @example
 * assertNoPersonalData(alert, snapshot); // throws PersonalDataLeakError naming the offending path
 */
export function assertNoPersonalData(alert: AlertV1, snapshot: Snapshot): void {
  const leak = (path: string): never => {
    throw new PersonalDataLeakError(
      `alert ${alert.alertId} (${alert.type}) carries a person's name at ${path}`,
    );
  };
  const individual = alert.subject.kind === 'individual';
  const names = individual
    ? [
        snapshot.identity.name,
        ...snapshot.roles.filter((r) => r.party.kind === 'person').map((r) => r.party.name),
      ]
    : [];
  const needles = names
    .filter((name): name is string => name !== null)
    .map(normalizeName)
    .filter((name) => name.length >= 3);

  const visit = (value: unknown, path: string, inChanges: boolean): void => {
    if (typeof value === 'string') {
      const text = normalizeName(value);
      if (needles.some((needle) => text.includes(needle))) leak(path);
    } else if (Array.isArray(value)) {
      for (const [i, item] of value.entries()) visit(item, `${path}/${i}`, inChanges);
    } else if (value !== null && typeof value === 'object') {
      const record = value as Record<string, unknown>;
      if (inChanges && record.kind === 'person' && 'name' in record) leak(`${path}/name`);
      for (const [key, inner] of Object.entries(record))
        visit(inner, `${path}/${key}`, inChanges || key === 'changes');
    }
  };
  visit(alert, '', false);
  if (individual && alert.generalia.name !== null) leak('/generalia/name');
}

/**
 * SNS message attributes that repeat the routing fields, so that subscription filter policies
 * (see filter-recipes) route without parsing the body.
 *
 * @example
 * alertMessageAttributes(alert).severity; // { DataType: 'String', StringValue: 'critical' }
 */
export function alertMessageAttributes(
  alert: AlertV1,
): Record<string, { DataType: 'String'; StringValue: string }> {
  const attribute = (value: string) => ({ DataType: 'String' as const, StringValue: value });
  return {
    type: attribute(alert.type),
    severity: attribute(alert.severity),
    riskClass: attribute(alert.risk.class),
    previousRiskClass: attribute(alert.risk.previousClass ?? 'none'),
    subjectKind: attribute(alert.subject.kind),
    portfolioId: attribute(alert.subject.portfolioId),
    country: attribute(alert.subject.country),
  };
}

function generaliaAddress(snapshot: Snapshot, individual: boolean): z.infer<typeof AlertAddress> | null {
  if (individual) {
    const home = snapshot.status.addressProtected
      ? null
      : (snapshot.addresses.home ?? snapshot.addresses.postal);
    return home === null ? null : cityOnly(home);
  }
  return snapshot.addresses.business ?? snapshot.addresses.postal;
}

function cityOnly(address: Address): Address {
  return { lines: [], postalCode: null, city: address.city, country: address.country, municipality: null };
}

function scrubChange(change: Change, individual: boolean): Change {
  if (individual && change.path === '/identity/name') {
    return {
      ...change,
      old: change.old === null ? null : REDACTED,
      new: change.new === null ? null : REDACTED,
    };
  }
  if (individual && change.path.startsWith('/addresses/')) {
    return { ...change, old: cityOnlyOrNull(change.old), new: cityOnlyOrNull(change.new) };
  }
  return { ...change, old: withoutPersonNames(change.old), new: withoutPersonNames(change.new) };
}

function cityOnlyOrNull(value: unknown): unknown {
  return value === null || typeof value !== 'object' ? null : cityOnly(value as Address);
}

function withoutPersonNames(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutPersonNames);
  if (value === null || typeof value !== 'object') return value;
  const record = value as Record<string, unknown>;
  const entries = Object.entries(record).filter(([key]) => !(record.kind === 'person' && key === 'name'));
  return Object.fromEntries(entries.map(([key, inner]) => [key, withoutPersonNames(inner)]));
}

function normalizeName(text: string): string {
  return text.replace(/\s+/g, ' ').trim().toLowerCase();
}
