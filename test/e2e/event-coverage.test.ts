import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { AlertV1 } from '#shared/domain/alert.ts';
import { EventType } from '#shared/domain/events.ts';
import { runLocal } from '#shared/local/run.ts';
import { createWorld, DEFAULT_START_DATE } from '#shared/simulator/world.ts';
import { jsonSchemaErrors } from '../support/json-schema.ts';

const SCHEMA_PATH = join(import.meta.dirname, '../../docs/alert-contract/alert.schema.json');

describe('event coverage of the generated world', () => {
  it('delivers an alert of every event type, each valid against the published JSON Schema', async () => {
    // Prepare: the smallest world found in which every change kind happens within 30 days (seed 1
    // of 400 has no real name change; 500 has every kind, UK administration being the rarest), and
    // one portfolio row with an organisation number no registry knows (subject-not-found).
    const schema: unknown = JSON.parse(readFileSync(SCHEMA_PATH, 'utf8'));
    const world = createWorld({
      seed: 1,
      subjects: 500,
      unknownSubjects: 1,
      startDate: DEFAULT_START_DATE,
    });
    const delivered: AlertV1[] = [];
    const raws: string[] = [];

    // Act
    const summary = await runLocal({
      world,
      days: 30,
      onAlert: (alert, raw) => {
        delivered.push(alert);
        raws.push(raw);
      },
    });

    // Assess
    // No generated entry outgrows the snapshot budget: large-entry.test.ts covers snapshot-truncated.
    const seen = new Set(delivered.map((alert) => alert.type));
    expect(EventType.options.filter((type) => !seen.has(type) && type !== 'snapshot-truncated')).toEqual([]);
    expect(delivered).toHaveLength(summary.alertsDelivered);
    const invalid = raws.flatMap((raw, i) =>
      jsonSchemaErrors(schema, JSON.parse(raw)).map((error) => `${delivered[i]?.alertId}: ${error}`),
    );
    expect(invalid).toEqual([]);
  }, 300_000);
});
