/** Runs the Equinor bankruptcy example scenario through the local pipeline and records each delivery. */
import { readFileSync } from 'node:fs';
import type { AlertV1 } from '#shared/domain/alert.ts';
import type { Tier } from '#shared/domain/subject.ts';
import { type AlertDelivery, type FaultRates, type LocalRunSummary, runLocal } from '#shared/local/run.ts';
import { loadScenario, type ScenarioFile } from '#shared/simulator/scenario.ts';

export const SCENARIO_FILE = 'examples/scenarios/equinor-bankruptcy.json';

export interface Delivered {
  readonly alert: AlertV1;
  readonly delivery: AlertDelivery;
}

export interface ScenarioRun {
  readonly summary: LocalRunSummary;
  readonly delivered: readonly Delivered[];
}

/** The example scenario, its subject moved to `tier`. */
export function scenario(tier?: Tier): ScenarioFile {
  const file = JSON.parse(readFileSync(SCENARIO_FILE, 'utf8')) as ScenarioFile;
  return tier ? { ...file, subjects: file.subjects.map((subject) => ({ ...subject, tier })) } : file;
}

export async function runScenario(
  file: ScenarioFile,
  options: { readonly faults?: FaultRates; readonly seed?: number } = {},
): Promise<ScenarioRun> {
  const delivered: Delivered[] = [];
  const summary = await runLocal({
    world: loadScenario(file, SCENARIO_FILE),
    days: 10,
    bureauTimeoutMs: 1000,
    ...options,
    onAlert: (alert, _raw, delivery) => delivered.push({ alert, delivery }),
  });
  return { summary, delivered };
}

/** The one delivered alert of a type; fails when there is none or more than one id. */
export function only(run: ScenarioRun, type: string): Delivered {
  const matching = run.delivered.filter((d) => d.alert.type === type);
  const ids = new Set(matching.map((d) => d.alert.alertId));
  if (matching.length === 0 || ids.size !== 1) {
    throw new Error(`expected one ${type} alert, got ${ids.size} ids in ${matching.length} deliveries`);
  }
  return matching[0] as Delivered;
}

/** The change at a snapshot path, as old → new. */
export function changeAt(alert: AlertV1, path: string): { old: unknown; new: unknown } | undefined {
  const change = alert.changes.find((c) => c.path === path);
  return change ? { old: change.old, new: change.new } : undefined;
}
