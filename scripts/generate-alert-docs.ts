/**
 * Generates the published alert contract from its single source, the zod schema in
 * shared/domain/alert.ts: docs/alert-contract/alert.schema.json, asyncapi.yaml and one example per
 * event type in examples/. A unit test regenerates everything and compares it with the committed
 * files, so the documents cannot drift from the code.
 *
 * Run: npx tsx scripts/generate-alert-docs.ts
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { z } from 'zod';
import { TOPICS } from '#shared/catalogue.ts';
import type { RecommendedAction } from '#shared/domain/actions.ts';
import { AlertV1, buildAlerts, buildNotFoundAlert } from '#shared/domain/alert.ts';
import { diffSnapshots } from '#shared/domain/diff.ts';
import { detectEvents, EventType } from '#shared/domain/events.ts';
import { equinor, individual } from '#shared/domain/examples.ts';
import type { RiskAssessment, RiskClass } from '#shared/domain/risk/assessment.ts';
import { resolveSeverity, Severity } from '#shared/domain/severity.ts';
import type { Snapshot } from '#shared/domain/snapshot.ts';
import type { MonitoredSubject } from '#shared/domain/subject.ts';

export const ALERT_DOCS_DIR = 'docs/alert-contract';

type Example = {
  base: () => Snapshot;
  /** What the previous snapshot held beyond its base (the item a closing event closes). */
  before?: (s: Snapshot) => void;
  change: (s: Snapshot) => void;
  risk?: [RiskClass | null, RiskClass];
  actions?: RecommendedAction[];
};

const WIND_DOWN: RecommendedAction[] = [
  { type: 'stop-deliveries' },
  { type: 'manual-review', reason: 'Insolvency' },
];
const TIGHTEN: RecommendedAction[] = [
  { type: 'set-credit-limit', amount: null, factor: 0.5 },
  { type: 'set-payment-terms', days: 14 },
];
const setStatus = (state: Snapshot['status']['state'], since: string | null) => (s: Snapshot) => {
  s.status = { ...s.status, state, since };
};

const OPEN_COLLECTION = {
  id: 'cc-77120',
  amount: { amount: 310_000, currency: 'NOK' },
  openedOn: '2025-08-14',
  closedOn: null,
};

/**
 * How each example comes about: a realistic change to a realistic snapshot. `subject-not-found`
 * comes from a registry's 404, not from two snapshots: see {@link notFoundExample}.
 */
const EXAMPLES: Record<Exclude<EventType, 'subject-not-found'>, Example> = {
  baseline: { base: equinor, change: () => undefined },
  bankruptcy: {
    base: equinor,
    change: (s) => {
      s.status = {
        ...s.status,
        state: 'bankruptcy',
        since: '2025-10-03',
        proceedings: [{ kind: 'bankruptcy', since: '2025-10-03' }],
      };
    },
    risk: ['A', 'D'],
    actions: WIND_DOWN,
  },
  liquidation: {
    base: equinor,
    change: setStatus('liquidation', '2025-10-03'),
    risk: ['A', 'D'],
    actions: WIND_DOWN,
  },
  'forced-dissolution': {
    base: equinor,
    change: setStatus('forced-dissolution', '2025-10-03'),
    risk: ['A', 'D'],
    actions: WIND_DOWN,
  },
  restructuring: {
    base: equinor,
    change: (s) => s.status.proceedings.push({ kind: 'restructuring', since: '2025-10-03' }),
    risk: ['A', 'C'],
    actions: TIGHTEN,
  },
  dissolved: {
    base: equinor,
    change: setStatus('dissolved', '2025-10-03'),
    risk: ['A', 'D'],
    actions: WIND_DOWN,
  },
  'removed-from-registry': {
    base: equinor,
    change: setStatus('removed', null),
    risk: ['A', 'D'],
    actions: WIND_DOWN,
  },
  deceased: {
    base: individual,
    change: setStatus('deceased', '2025-09-28'),
    risk: ['B', 'D'],
    actions: WIND_DOWN,
  },
  emigrated: {
    base: individual,
    change: setStatus('emigrated', '2025-09-01'),
    risk: ['B', 'C'],
    actions: [{ type: 'prepayment' }],
  },
  'status-changed': { base: equinor, change: setStatus('unknown', null) },
  'risk-class-changed': { base: equinor, change: () => undefined, risk: ['A', 'C'], actions: TIGHTEN },
  'payment-remark-added': {
    base: individual,
    change: (s) =>
      s.credit.paymentRemarks.push({
        id: 'pr-2025-0931',
        kind: 'inkasso',
        amount: { amount: 12_500, currency: 'NOK' },
        registeredOn: '2025-10-01',
        resolvedOn: null,
      }),
    risk: ['B', 'C'],
    actions: [{ type: 'cash-on-delivery' }],
  },
  'debt-collection-opened': {
    base: equinor,
    change: (s) =>
      s.credit.collectionCases.push({
        id: 'cc-77120',
        amount: { amount: 310_000, currency: 'NOK' },
        openedOn: '2025-10-02',
        closedOn: null,
      }),
  },
  'debt-register-changed': {
    base: individual,
    change: (s) =>
      s.credit.debtRegister.push({
        id: 'gr-5531',
        kind: 'unsecured',
        amount: { amount: 85_000, currency: 'NOK' },
        registeredOn: '2025-09-30',
      }),
  },
  'accounts-overdue': {
    base: equinor,
    change: (s) => {
      s.accountsFiling = { lastPeriodEnd: '2024-12-31', nextDue: '2026-07-31', overdue: true };
    },
  },
  'score-changed': {
    base: equinor,
    change: (s) => {
      s.credit.score = 78;
    },
  },
  'credit-limit-changed': {
    base: equinor,
    change: (s) => {
      s.credit.creditLimit = { amount: 35_000_000, currency: 'NOK' };
    },
  },
  'management-changed': {
    base: equinor,
    change: (s) => {
      s.roles = s.roles.map((r) => (r.type === 'managing-director' ? { ...r, to: '2025-09-30' } : r));
    },
  },
  'board-changed': {
    base: equinor,
    change: (s) =>
      s.roles.push({
        type: 'board-member',
        sourceCode: 'MEDL',
        party: { kind: 'person', ref: 'pp_77e0c3b2a1f94d8e6c5b4a3928170f6e', name: 'Ola Nordmann' },
        from: '2025-06-01',
        to: null,
      }),
  },
  'auditor-changed': {
    base: equinor,
    change: (s) => {
      s.roles = s.roles.map((r) =>
        r.type === 'auditor'
          ? { ...r, party: { kind: 'organisation', ref: '987009713', name: 'KPMG AS' }, from: '2025-05-14' }
          : r,
      );
    },
  },
  'name-changed': {
    base: equinor,
    change: (s) => {
      s.identity.name = 'EQUINOR ENERGY ASA';
    },
  },
  'address-changed': {
    base: equinor,
    change: (s) => {
      s.addresses.postal = {
        lines: ['POSTBOKS 8500 FORUS'],
        postalCode: '4035',
        city: 'STAVANGER',
        country: 'NO',
        municipality: 'STAVANGER',
      };
    },
  },
  'accounts-published': {
    base: equinor,
    change: (s) => {
      if (s.accounts !== null) {
        s.accounts = {
          ...s.accounts,
          periodStart: '2025-01-01',
          periodEnd: '2025-12-31',
          revenue: 70_118_000_000,
          previousRevenue: 72_543_000_000,
        };
      }
      s.accountsFiling = { lastPeriodEnd: '2025-12-31', nextDue: '2027-07-31', overdue: false };
    },
  },
  'key-figures-changed': {
    base: equinor,
    change: (s) => {
      s.employees = 24_100;
    },
  },
  'payment-remark-resolved': {
    base: individual,
    before: (s) => {
      s.credit.paymentRemarks = [
        {
          id: 'pr-2025-0931',
          kind: 'inkasso',
          amount: { amount: 12_500, currency: 'NOK' },
          registeredOn: '2025-10-01',
          resolvedOn: null,
        },
      ];
    },
    change: (s) => {
      s.credit.paymentRemarks = [];
    },
  },
  'debt-collection-closed': {
    base: equinor,
    before: (s) => {
      s.credit.collectionCases = [OPEN_COLLECTION];
    },
    change: (s) => {
      s.credit.collectionCases = [{ ...OPEN_COLLECTION, closedOn: '2025-10-03' }];
    },
  },
  'snapshot-truncated': {
    base: equinor,
    change: (s) => {
      s.truncated = [{ list: 'roles', kept: 412, total: 5130 }];
    },
  },
};

function assessment(riskClass: RiskClass): RiskAssessment {
  const pd = { A: 0.004, B: 0.015, C: 0.06, D: 0.35 }[riskClass];
  return {
    class: riskClass,
    pd,
    reasons: [
      { code: 'ACCOUNTS_EQUITY_RATIO', text: 'Equity ratio 37.6 % (healthy)', contribution: -0.45 },
      { code: 'BUREAU_SCORE', text: 'Bureau score 92 of 100', contribution: -0.3 },
    ],
    model: 'credmon-risk/1',
  };
}

/**
 * One alert per event type, built by the real pipeline functions (diff → events → alerts).
 *
 * @example
 * exampleAlerts().bankruptcy.severity; // 'critical'
 */
export function exampleAlerts(): Record<EventType, AlertV1> {
  const entries = EventType.options.map((type) => {
    if (type === 'subject-not-found') return [type, notFoundExample()] as const;
    const example = EXAMPLES[type];
    const next = example.base();
    example.change(next);
    const previous = type === 'baseline' ? null : example.base();
    if (previous !== null) example.before?.(previous);
    const [previousClass, nextClass] = example.risk ?? (['A', 'A'] as const);
    const previousRisk = previous === null || previousClass === null ? null : assessment(previousClass);
    const risk = assessment(nextClass);
    const events = detectEvents({
      previous,
      next,
      changes: previous === null ? [] : diffSnapshots(previous, next),
      previousRisk,
      nextRisk: risk,
    }).filter((event) => event.type === type);
    const subject: MonitoredSubject = {
      id: next.subjectId,
      kind: next.kind,
      country: next.identity.country,
      registryId: next.identity.registryId,
      personToken: next.identity.personToken,
      portfolioId: next.kind === 'business' ? 'nordic-energy' : 'consumer-no',
      tier: 'daily',
      creditLimit: 1_000_000,
      paymentTermsDays: 30,
      exposure: 240_000,
    };
    const [alert] = buildAlerts({
      subject,
      snapshot: next,
      snapshotVersion: type === 'baseline' ? 1 : 8,
      events,
      risk,
      previousRisk,
      actions: example.actions ?? [],
      source: {
        bureau: next.kind === 'business' ? 'brreg' : 'credmon-bureau',
        fetchedAt: '2025-10-06T05:59:12.000Z',
      },
      detectedAt: '2025-10-06T06:00:03.000Z',
    });
    if (alert === undefined) throw new Error(`the ${type} example raised no ${type} event`);
    return [type, alert] as const;
  });
  return Object.fromEntries(entries) as Record<EventType, AlertV1>;
}

/** A customer's organisation number that Enhetsregisteret no longer knows, at its daily check. */
function notFoundExample(): AlertV1 {
  const snapshot = equinor();
  return buildNotFoundAlert({
    subject: {
      id: snapshot.subjectId,
      kind: snapshot.kind,
      country: snapshot.identity.country,
      registryId: snapshot.identity.registryId,
      personToken: null,
      portfolioId: 'nordic-energy',
      tier: 'daily',
      creditLimit: 1_000_000,
      paymentTermsDays: 30,
      exposure: 240_000,
    },
    snapshot,
    snapshotVersion: 8,
    lookup: {
      provider: 'brreg',
      status: 404,
      said: `brreg: no entity ${snapshot.identity.registryId} in Enhetsregisteret`,
    },
    risk: assessment('A'),
    actions: [{ type: 'manual-review', reason: 'Not in the registry: check the organisation number' }],
    severity: resolveSeverity('subject-not-found'),
    fetchedAt: '2025-10-06T05:59:12.000Z',
    detectedAt: '2025-10-06T06:00:03.000Z',
  });
}

/** The JSON Schema of {@link AlertV1}, straight from zod. */
export function alertJsonSchema(): Record<string, unknown> {
  return {
    $id: 'https://credmon.dev/schemas/alert/v1.json',
    ...z.toJSONSchema(AlertV1, { target: 'draft-2020-12' }),
  };
}

function routingHeaders(): Record<string, unknown> {
  const riskClasses = ['A', 'B', 'C', 'D'];
  const stringAttribute = (description: string, values?: string[]) => ({
    type: 'object',
    description: `SNS message attribute (DataType String). ${description}`,
    properties: {
      DataType: { const: 'String' },
      StringValue: values === undefined ? { type: 'string' } : { type: 'string', enum: values },
    },
    required: ['DataType', 'StringValue'],
  });
  return {
    type: 'object',
    properties: {
      type: stringAttribute('The event type.', [...EventType.options]),
      severity: stringAttribute('The severity.', [...Severity.options]),
      riskClass: stringAttribute('The risk class after the event.', riskClasses),
      previousRiskClass: stringAttribute('The risk class before; `none` for a first assessment.', [
        ...riskClasses,
        'none',
      ]),
      subjectKind: stringAttribute('business or individual.', ['business', 'individual']),
      portfolioId: stringAttribute('The portfolio the subject belongs to.'),
      country: stringAttribute('ISO 3166-1 alpha-2 country of the subject.'),
    },
    required: ['type', 'severity', 'riskClass', 'previousRiskClass', 'subjectKind', 'portfolioId', 'country'],
  };
}

/** The AsyncAPI 3 document of the alerts topic. */
export function asyncApiDocument(): Record<string, unknown> {
  return {
    asyncapi: '3.0.0',
    info: {
      title: 'credmon alerts',
      version: '1.0.0',
      description:
        'Alerts credmon publishes on its SNS alerts topic, one per detected event of a monitored subject. ' +
        'Delivery is at least once: deduplicate by alertId. Routing fields are repeated as SNS message ' +
        'attributes for subscription filter policies (see README.md).',
      license: { name: 'Apache-2.0' },
    },
    defaultContentType: 'application/json',
    channels: {
      alerts: {
        address: TOPICS.alerts.name,
        title: 'Alerts topic (Amazon SNS)',
        description: 'The SNS topic; the deployed name carries the stack prefix.',
        messages: { alert: { $ref: '#/components/messages/alert' } },
        bindings: { sns: { name: TOPICS.alerts.name, bindingVersion: '0.1.0' } },
      },
    },
    operations: {
      publishAlert: {
        action: 'send',
        title: 'credmon publishes an alert',
        channel: { $ref: '#/channels/alerts' },
        messages: [{ $ref: '#/channels/alerts/messages/alert' }],
      },
    },
    components: {
      messages: {
        alert: {
          name: 'AlertV1',
          title: 'credmon.alert/v1',
          contentType: 'application/json',
          headers: routingHeaders(),
          payload: {
            schemaFormat: 'application/schema+json;version=draft-2020-12',
            schema: { $ref: './alert.schema.json' },
          },
        },
      },
    },
  };
}

/** Every generated document, by path relative to the repository root. */
export function renderAlertDocs(): Map<string, string> {
  const files = new Map<string, string>();
  files.set(join(ALERT_DOCS_DIR, 'alert.schema.json'), `${JSON.stringify(alertJsonSchema(), null, 2)}\n`);
  files.set(
    join(ALERT_DOCS_DIR, 'asyncapi.yaml'),
    `# Generated by scripts/generate-alert-docs.ts from shared/domain/alert.ts: do not edit.\n${toYaml(asyncApiDocument(), 0)}`,
  );
  for (const [type, alert] of Object.entries(exampleAlerts())) {
    files.set(join(ALERT_DOCS_DIR, 'examples', `${type}.json`), `${JSON.stringify(alert, null, 2)}\n`);
  }
  return files;
}

/** YAML for plain JSON data: block style, strings double-quoted (valid YAML, no dependency needed). */
function toYaml(value: unknown, indent: number): string {
  const pad = ' '.repeat(indent);
  const scalar = (v: unknown): string =>
    typeof v === 'string' ? JSON.stringify(v) : JSON.stringify(v ?? null);
  const key = (k: string): string => (/^[A-Za-z_$][A-Za-z0-9_$.-]*$/.test(k) ? k : JSON.stringify(k));
  const isBlock = (v: unknown): boolean => v !== null && typeof v === 'object' && Object.keys(v).length > 0;
  const empty = (v: unknown): string => (Array.isArray(v) ? '[]' : '{}');
  if (Array.isArray(value)) {
    return value
      .map((item) =>
        isBlock(item)
          ? `${pad}-\n${toYaml(item, indent + 2)}`
          : `${pad}- ${item !== null && typeof item === 'object' ? empty(item) : scalar(item)}\n`,
      )
      .join('');
  }
  return Object.entries(value as Record<string, unknown>)
    .map(([k, v]) =>
      isBlock(v)
        ? `${pad}${key(k)}:\n${toYaml(v, indent + 2)}`
        : `${pad}${key(k)}: ${v !== null && typeof v === 'object' ? empty(v) : scalar(v)}\n`,
    )
    .join('');
}

function writeAlertDocs(): void {
  for (const [path, content] of renderAlertDocs()) {
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, content);
    console.log(`wrote ${path}`);
  }
}

if (process.argv[1]?.endsWith('generate-alert-docs.ts')) writeAlertDocs();
