import type { CliIO } from '#shared/cli/command.ts';
import { main } from '#shared/cli/main.ts';
import { validateLedgerRecords } from '#shared/domain/ledger.ts';
import type { RiskClass } from '#shared/domain/risk/assessment.ts';
import { backtestMetrics, historyObservations, ratesIncrease } from '#shared/domain/risk/backtest.ts';
import type { SubjectState } from '#shared/domain/snapshot.ts';
import { createWorld, DEFAULT_START_DATE } from '#shared/simulator/world.ts';

function fakeIo(): CliIO & { out: () => string; err: () => string } {
  let out = '';
  let err = '';
  return {
    stdout: { write: (chunk: string) => (out += chunk) },
    stderr: { write: (chunk: string) => (err += chunk) },
    env: {},
    cwd: process.cwd(),
    out: () => out,
    err: () => err,
  };
}

describe('backtestMetrics', () => {
  it('computes AUC with ties counting half, Gini, class rates and deciles', () => {
    // Prepare: defaulters at PDs 0.3 and 0.1 (tied with one survivor), survivors at 0.05, 0.1, 0.2.
    const observations = [
      { pd: 0.05, class: 'C' as const, defaulted: false },
      { pd: 0.1, class: 'D' as const, defaulted: false },
      { pd: 0.1, class: 'D' as const, defaulted: true },
      { pd: 0.2, class: 'D' as const, defaulted: false },
      { pd: 0.3, class: 'D' as const, defaulted: true },
    ];
    // Act
    const metrics = backtestMetrics(observations);
    // Assess: pairs (defaulter > survivor): 0.3 beats 3, 0.1 beats 0.05 and ties 0.1 → (3 + 1.5) / 6.
    expect(metrics.auc).toBeCloseTo(4.5 / 6, 12);
    expect(metrics.gini).toBeCloseTo(2 * (4.5 / 6) - 1, 12);
    expect(metrics.classes.A).toEqual({ count: 0, defaults: 0, defaultRate: null, meanPd: null });
    expect(metrics.classes.D).toMatchObject({ count: 4, defaults: 2, defaultRate: 0.5 });
    expect(metrics.calibration).toHaveLength(5);
    expect(metrics.calibration.at(-1)).toMatchObject({ decile: 5, count: 1, meanPd: 0.3, observedRate: 1 });
  });

  it('has no AUC without both outcomes, and judges the order of non-empty classes only', () => {
    // Prepare / Act
    const none = backtestMetrics([{ pd: 0.1, class: 'B', defaulted: false }]);
    const rising = backtestMetrics([
      { pd: 0.001, class: 'A', defaulted: false },
      { pd: 0.3, class: 'D', defaulted: true },
    ]);
    const falling = backtestMetrics([
      { pd: 0.001, class: 'A', defaulted: true },
      { pd: 0.3, class: 'D', defaulted: false },
    ]);
    // Assess
    expect(none.auc).toBeNull();
    expect(none.gini).toBeNull();
    expect(ratesIncrease(rising.classes)).toBe(true);
    expect(ratesIncrease(falling.classes)).toBe(false);
  });
});

describe('the simulated AR ledger', () => {
  it('is deterministic, passes the ledger parser and covers part of the portfolio', () => {
    // Prepare
    const world = createWorld({ seed: 5, subjects: 200, startDate: DEFAULT_START_DATE });
    // Act
    const records = world.arLedger?.() ?? [];
    world.advanceTo(20);
    const again = world.arLedger?.() ?? [];
    const parsed = validateLedgerRecords(records);
    // Assess
    expect(again).toEqual(records);
    expect(parsed.rejected).toEqual([]);
    const customers = new Set(parsed.rows.map((row) => row.customerId));
    expect(customers.size).toBeGreaterThan(60);
    expect(customers.size).toBeLessThan(200);
    expect(parsed.rows.every((row) => row.issueDate < DEFAULT_START_DATE)).toBe(true);
  });
});

describe('credmon backtest', () => {
  it('ends stdout with the documented JSON on a 500-subject year, with a useful AUC', async () => {
    // Prepare
    const io = fakeIo();
    // Act
    const code = await main(['backtest', '--subjects', '500', '--seed', '2', '--days', '365', '--json'], io);
    // Assess
    expect(code).toBe(0);
    const result = JSON.parse(io.out().trim().split('\n').at(-1) ?? 'null');
    expect(Object.keys(result)).toEqual(expect.arrayContaining(['auc', 'gini', 'classes', 'calibration']));
    expect(result.auc).toBeGreaterThan(0.5);
    expect(result.auc).toBeLessThanOrEqual(1);
    expect(result.gini).toBeCloseTo(2 * result.auc - 1, 12);
    expect(Object.keys(result.classes)).toEqual(['A', 'B', 'C', 'D']);
    for (const outcome of Object.values(result.classes) as { count: number; defaultRate: number | null }[]) {
      expect(outcome.count).toBeGreaterThanOrEqual(0);
      expect(outcome.defaultRate === null || (outcome.defaultRate >= 0 && outcome.defaultRate <= 1)).toBe(
        true,
      );
    }
    expect(result.calibration).toHaveLength(10);
    expect(result.subjects + result.excluded).toBe(500);
    // Monotone where counts allow: the classes with at least 40 subjects, in order.
    const rates = (['A', 'B', 'C', 'D'] as const)
      .map((c) => result.classes[c])
      .filter((c: { count: number }) => c.count >= 40)
      .map((c: { defaultRate: number }) => c.defaultRate);
    expect(rates.length).toBeGreaterThanOrEqual(2);
    expect(rates).toEqual([...rates].sort((a, b) => a - b));
    expect(io.out()).toContain('PD decile');
  });

  it('refuses flags that do not apply, naming them, as bad usage', async () => {
    // Prepare
    const seedWithExport = fakeIo();
    const asOfAlone = fakeIo();
    const badDate = fakeIo();
    // Act
    const codes = [
      await main(['backtest', '--export', 'somewhere', '--seed', '3'], seedWithExport),
      await main(['backtest', '--as-of', '2026-01-01'], asOfAlone),
      await main(['backtest', '--export', 'somewhere', '--as-of', '1 May'], badDate),
    ];
    // Assess
    expect(codes).toEqual([2, 2, 2]);
    expect(seedWithExport.err()).toContain('--seed: does not apply with --export');
    expect(asOfAlone.err()).toContain('--as-of: only with --export');
    expect(badDate.err()).toContain("--as-of: expected a date YYYY-MM-DD, got '1 May'");
  });

  it('names the directory when there is no export in it', async () => {
    // Prepare
    const io = fakeIo();
    // Act
    const code = await main(['backtest', '--export', 'no-such-export-dir'], io);
    // Assess
    expect(code).not.toBe(0);
    expect(io.err()).toContain('no-such-export-dir: no DynamoDB export here');
  });
});

describe('historyObservations', () => {
  const assessed = (checkedAt: string, pd: number, state: SubjectState = 'active') => ({
    checkedAt,
    pd,
    class: (pd < 0.005 ? 'A' : pd < 0.02 ? 'B' : pd < 0.08 ? 'C' : 'D') as RiskClass,
    state,
  });

  it('predicts from the latest assessment on or before the date and counts default alerts after it, within the horizon', () => {
    // Prepare
    const histories = [
      // The 07-01 assessment is the prediction; the later one is not.
      {
        assessments: [
          assessed('2026-01-01T06:00:00Z', 0.01),
          assessed('2026-07-01T06:00:00Z', 0.05),
          assessed('2026-08-01T06:00:00Z', 0.5),
        ],
        alerts: [{ type: 'bankruptcy' as const, detectedAt: '2026-09-01T06:00:00Z' }],
      },
      // A default on the observation date itself was known then: not an outcome.
      {
        assessments: [assessed('2026-07-01', 0.03)],
        alerts: [{ type: 'debt-collection-opened' as const, detectedAt: '2026-07-01' }],
      },
      // After the horizon: not counted.
      {
        assessments: [assessed('2026-06-30', 0.004)],
        alerts: [{ type: 'restructuring' as const, detectedAt: '2026-10-02' }],
      },
      // Inside the horizon but not a default.
      {
        assessments: [assessed('2026-06-30', 0.004)],
        alerts: [{ type: 'address-changed' as const, detectedAt: '2026-07-20' }],
      },
      // Already bankrupt on the date: out of the population.
      { assessments: [assessed('2026-06-01', 0.99, 'bankruptcy')], alerts: [] },
      // Enrolled later.
      { assessments: [assessed('2026-07-02', 0.01)], alerts: [] },
    ];
    // Act
    const result = historyObservations(histories, '2026-07-01', 92);
    // Assess
    expect(result.observations).toEqual([
      { pd: 0.05, class: 'C', defaulted: true },
      { pd: 0.03, class: 'C', defaulted: false },
      { pd: 0.004, class: 'A', defaulted: false },
      { pd: 0.004, class: 'A', defaulted: false },
    ]);
    expect(result.excluded).toBe(1);
    expect(result.notYetAssessed).toBe(1);
  });

  it('counts a default on the last day of the horizon', () => {
    // Prepare
    const history = {
      assessments: [assessed('2026-07-01', 0.01)],
      alerts: [{ type: 'bankruptcy' as const, detectedAt: '2027-07-01T23:00:00Z' }],
    };
    // Act
    const within = historyObservations([history], '2026-07-01', 365);
    const short = historyObservations([history], '2026-07-01', 364);
    // Assess
    expect(within.observations[0]?.defaulted).toBe(true);
    expect(short.observations[0]?.defaulted).toBe(false);
  });
});
