/**
 * The risk model's backtest for the benchmark: `credmon backtest`'s simulated one-year history
 * (shared/use-cases/backtest.ts) at the benchmark's portfolio size, seed 1.
 */
import type { RiskClass } from '#shared/domain/risk/assessment.ts';
import { ratesIncrease } from '#shared/domain/risk/backtest.ts';
import { createWorld, DEFAULT_START_DATE } from '#shared/simulator/world.ts';
import { runSimulatedBacktest } from '#shared/use-cases/backtest.ts';

export interface BacktestBenchResult {
  readonly subjects: number;
  readonly seed: number;
  readonly horizonDays: number;
  readonly defaults: number;
  readonly auc: number | null;
  readonly gini: number | null;
  readonly defaultRates: Readonly<Record<RiskClass, number | null>>;
  readonly ratesIncrease: boolean;
}

/**
 * Backtests the risk model on a generated world of `subjects` over one year.
 *
 * @example
 * (await benchBacktest(10_000)).auc; // e.g. 0.83
 */
export async function benchBacktest(subjects: number, seed = 1): Promise<BacktestBenchResult> {
  const horizonDays = 365;
  const result = await runSimulatedBacktest({
    world: createWorld({ seed, subjects, startDate: DEFAULT_START_DATE }),
    days: horizonDays,
  });
  return {
    subjects: result.subjects,
    seed,
    horizonDays,
    defaults: result.defaults,
    auc: result.auc,
    gini: result.gini,
    defaultRates: {
      A: result.classes.A.defaultRate,
      B: result.classes.B.defaultRate,
      C: result.classes.C.defaultRate,
      D: result.classes.D.defaultRate,
    },
    ratesIncrease: ratesIncrease(result.classes),
  };
}
