import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import {
  AlertV1,
  alertId,
  alertMessageAttributes,
  assertNoPersonalData,
  buildAlerts,
  PersonalDataLeakError,
} from '#shared/domain/alert.ts';
import { diffSnapshots } from '#shared/domain/diff.ts';
import { detectEvents, EventType } from '#shared/domain/events.ts';
import { FILTER_RECIPES } from '#shared/domain/filter-recipes.ts';
import type { Snapshot } from '#shared/domain/snapshot.ts';
import {
  ALERT_DOCS_DIR,
  alertJsonSchema,
  exampleAlerts,
  renderAlertDocs,
} from '../../../scripts/generate-alert-docs.ts';
import { jsonSchemaErrors } from '../../support/json-schema.ts';
import { equinor, INDIVIDUAL_NAME, individual, risk, snapshotArb, subjectFor } from './snapshot-builders.ts';

function alertsBetween(
  previous: Snapshot | null,
  next: Snapshot,
  previousClass: 'A' | 'B' | 'C' | 'D' | null = 'A',
) {
  const previousRisk = previousClass === null ? null : risk(previousClass);
  const nextRisk = risk('C', 0.07);
  const events = detectEvents({
    previous,
    next,
    changes: previous ? diffSnapshots(previous, next) : [],
    previousRisk,
    nextRisk,
  });
  return buildAlerts({
    subject: subjectFor(next),
    snapshot: next,
    snapshotVersion: 3,
    events,
    risk: nextRisk,
    previousRisk,
    actions: [{ type: 'set-payment-terms', days: 14 }],
    source: { bureau: 'credmon-bureau', fetchedAt: '2025-10-06T05:59:12.000Z' },
    detectedAt: '2025-10-06T06:00:03.000Z',
  });
}

describe('alertId', () => {
  it('is stable and distinct across subjects, versions and types', () => {
    fc.assert(
      fc.property(
        fc.tuple(fc.string({ minLength: 1 }), fc.nat(), fc.constantFrom(...EventType.options)),
        fc.tuple(fc.string({ minLength: 1 }), fc.nat(), fc.constantFrom(...EventType.options)),
        (a, b) => {
          expect(alertId(...a)).toMatch(/^al_[0-9a-f]{32}$/);
          expect(alertId(...a)).toBe(alertId(...a));
          const same = a[0] === b[0] && a[1] === b[1] && a[2] === b[2];
          expect(alertId(...a) === alertId(...b)).toBe(same);
        },
      ),
    );
  });
});

describe('buildAlerts', () => {
  const schema = alertJsonSchema();

  it('builds one alert per event that parses and satisfies the JSON Schema', () => {
    fc.assert(
      fc.property(snapshotArb, snapshotArb, (a, b) => {
        // Prepare: the same subject before and after.
        const next = { ...b, kind: a.kind, subjectId: a.subjectId };
        // Act
        const alerts = alertsBetween(a, next);
        // Assess
        for (const alert of alerts) {
          expect(AlertV1.parse(JSON.parse(JSON.stringify(alert)))).toEqual(alert);
          expect(jsonSchemaErrors(schema, JSON.parse(JSON.stringify(alert)))).toEqual([]);
        }
        expect(new Set(alerts.map((x) => x.alertId)).size).toBe(alerts.length);
      }),
      { numRuns: 100 },
    );
  });

  it('the schema checker rejects what AlertV1 rejects', () => {
    // Prepare
    const [alert] = alertsBetween(null, equinor());
    const broken = { ...alert, severity: 'urgent', extra: 1, risk: { ...alert!.risk, pd: 2 } };
    // Act / Assess
    expect(AlertV1.safeParse(broken).success).toBe(false);
    expect(jsonSchemaErrors(schema, broken)).toEqual(
      expect.arrayContaining(['/severity: not in enum', '/: unexpected extra', '/risk/pd: above maximum']),
    );
  });

  it('names a business and its address, and carries the previous class', () => {
    // Act
    const [alert] = alertsBetween(null, equinor(), null);
    // Assess
    expect(alert).toMatchObject({
      type: 'baseline',
      generalia: { name: 'EQUINOR ASA', address: { lines: ['Forusbeen 50'], city: 'STAVANGER' } },
      risk: { class: 'C', previousClass: null },
      source: { bureau: 'credmon-bureau', snapshotVersion: 3 },
    });
  });

  it('never names an individual, nor their street, in any alert', () => {
    fc.assert(
      fc.property(
        fc.constantFrom<(s: Snapshot) => void>(
          (s) => void Object.assign(s.identity, { name: 'Kari Hansen' }),
          (s) =>
            void Object.assign(s.addresses, {
              home: { ...s.addresses.home, lines: ['Kirkeveien 2'], city: 'Bergen' },
            }),
          (s) => void Object.assign(s.status, { state: 'deceased', since: '2025-08-01' }),
        ),
        (change) => {
          // Prepare
          const next = individual();
          change(next);
          // Act
          const alerts = alertsBetween(individual(), next, 'B');
          // Assess
          const text = JSON.stringify(alerts);
          expect(alerts.length).toBeGreaterThan(0);
          expect(text).not.toMatch(/Kari|Nordmann|Hansen|Storgata|Kirkeveien|0155/);
          for (const alert of alerts)
            expect(alert.generalia).toMatchObject({ name: null, address: { lines: [], postalCode: null } });
        },
      ),
    );
  });

  it('drops person names from role changes', () => {
    // Prepare
    const next = equinor();
    next.roles.push({
      type: 'board-member',
      sourceCode: 'MEDL',
      party: { kind: 'person', ref: 'pp_x', name: 'Ola Nordmann' },
      from: null,
      to: null,
    });
    // Act
    const alerts = alertsBetween(equinor(), next);
    // Assess
    expect(JSON.stringify(alerts)).not.toContain('Ola Nordmann');
  });
});

describe('assertNoPersonalData', () => {
  it('refuses a change that carries a person party with a name', () => {
    // Prepare
    const [alert] = alertsBetween(null, equinor());
    const leaking = {
      ...alert!,
      changes: [
        { path: '/roles/chair/pp_1', old: null, new: { party: { kind: 'person', ref: 'pp_1', name: 'X' } } },
      ],
    };
    // Act / Assess
    expect(() => assertNoPersonalData(leaking, equinor())).toThrow(PersonalDataLeakError);
  });

  it("refuses an individual's name anywhere in the alert", () => {
    // Prepare
    const [alert] = alertsBetween(null, individual());
    const leaking = {
      ...alert!,
      actions: [{ type: 'manual-review' as const, reason: `Call ${INDIVIDUAL_NAME}` }],
    };
    // Act / Assess
    expect(() => assertNoPersonalData(leaking, individual())).toThrow(/manual-review|actions\/0\/reason/);
  });
});

describe('alertMessageAttributes', () => {
  it('repeats the routing fields as String attributes, with none for a first class', () => {
    // Prepare
    const [alert] = alertsBetween(null, individual(), null);
    // Act
    const attributes = alertMessageAttributes(alert!);
    // Assess
    expect(Object.fromEntries(Object.entries(attributes).map(([k, v]) => [k, v.StringValue]))).toEqual({
      type: 'baseline',
      severity: 'info',
      riskClass: 'C',
      previousRiskClass: 'none',
      subjectKind: 'individual',
      portfolioId: 'nordics',
      country: 'NO',
    });
    for (const attribute of Object.values(attributes)) expect(attribute.DataType).toBe('String');
  });

  it('filter recipes only use attributes that alerts carry', () => {
    // Prepare
    const [alert] = alertsBetween(null, equinor());
    const names = Object.keys(alertMessageAttributes(alert!));
    // Act
    const used = Object.values(FILTER_RECIPES).flatMap((recipe) => Object.keys(recipe.filterPolicy));
    // Assess
    expect(used.filter((name) => !names.includes(name))).toEqual([]);
  });
});

describe('the published alert contract', () => {
  it('matches what the generator produces from the code', () => {
    for (const [path, content] of renderAlertDocs()) expect(readFileSync(path, 'utf8')).toBe(content);
    const committedExamples = readdirSync(join(ALERT_DOCS_DIR, 'examples')).sort();
    expect(committedExamples).toEqual(EventType.options.map((type) => `${type}.json`).sort());
  });

  it('has a committed example of every event type that validates with AlertV1 and the JSON Schema', () => {
    const schema = JSON.parse(readFileSync(join(ALERT_DOCS_DIR, 'alert.schema.json'), 'utf8'));
    for (const type of EventType.options) {
      const example = JSON.parse(readFileSync(join(ALERT_DOCS_DIR, 'examples', `${type}.json`), 'utf8'));
      expect(AlertV1.parse(example).type).toBe(type);
      expect(jsonSchemaErrors(schema, example)).toEqual([]);
    }
    expect(Object.keys(exampleAlerts()).sort()).toEqual([...EventType.options].sort());
  });
});
