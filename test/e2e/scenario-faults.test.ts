/**
 * Issue proof: with every fault flag at 10 % (5xx, timeouts, garbled answers, 429s), the Equinor
 * scenario yields the same alerts as without faults: the same alert ids, none lost, none duplicated
 * under another id.
 */
import { runScenario, type ScenarioRun, scenario } from './scenario-support.ts';

const FAULTS = { faultRate: 0.1, timeoutRate: 0.1, malformedRate: 0.1, throttleRate: 0.1 };

const byId = (run: ScenarioRun) =>
  new Map(run.delivered.map(({ alert }) => [alert.alertId, `${alert.type} v${alert.risk.class}`]));

describe('credmon local --scenario with every fault rate at 0.1', () => {
  let clean: ScenarioRun;
  let faulty: ScenarioRun;
  beforeAll(async () => {
    clean = await runScenario(scenario());
    faulty = await runScenario(scenario(), { faults: FAULTS, seed: 7 });
  }, 180_000);

  it('hits the pipeline with faults', () => {
    expect(faulty.summary.bureauRequests).toBeGreaterThan(clean.summary.bureauRequests);
  });

  it('delivers the same alert ids, each with the same type and class', () => {
    expect([...byId(faulty)].sort()).toEqual([...byId(clean)].sort());
  });

  it('dead-letters nothing and leaves no outbox pending', () => {
    expect(faulty.summary).toMatchObject({ dlq: 0, pendingOutboxes: 0 });
  });
});
