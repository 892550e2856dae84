/**
 * Backtest of the risk model over the simulator's history: on day 0 every subject is fetched through
 * the real bureau adapters (in-process transport), its payment experience computed from the
 * simulated AR ledger through the real ledger parser, and assessed; the world then runs for the
 * horizon and the defaults it produced (business bankruptcies, individuals' material defaults) are
 * the outcomes. The model never sees the world's latent health, only the published payloads.
 */
import { BureauConfig, createProviders, fetchSnapshot } from '#shared/adapters/bureaus/provider.ts';
import { paymentExperienceByCustomer, validateLedgerRecords } from '#shared/domain/ledger.ts';
import { personToken } from '#shared/domain/privacy.ts';
import type { RiskClass } from '#shared/domain/risk/assessment.ts';
import {
  type BacktestMetrics,
  type BacktestObservation,
  backtestMetrics,
  OUT_OF_POPULATION,
} from '#shared/domain/risk/backtest.ts';
import { assessRisk } from '#shared/domain/risk/model.ts';
import type { PaymentExperience } from '#shared/domain/risk/paydex.ts';
import type { Snapshot } from '#shared/domain/snapshot.ts';
import { worldTransport } from '#shared/simulator/server.ts';
import type { SimWorld } from '#shared/simulator/types.ts';

/** Keys of a backtest run: simulated people only, never real ones. */
const BACKTEST_TOKEN_KEY = 'credmon-backtest-token-key';
const BACKTEST_PARTY_KEY = 'credmon-backtest-party-key';
const BASE_URL = 'http://simulator.local';

export interface SimulatedBacktestOptions {
  readonly world: SimWorld;
  /** Horizon in days after day 0 within which a default counts. */
  readonly days: number;
  /** Feed the simulated AR ledger's payment experience to the model (default true). */
  readonly useLedger?: boolean;
  /** Subjects fetched at a time. */
  readonly concurrency?: number;
  readonly onProgress?: (phase: 'fetch' | 'simulate', done: number, total: number) => void;
}

export interface BacktestResult extends BacktestMetrics {
  horizonDays: number;
  /** Subjects left out because they had already defaulted or ceased to exist on day 0. */
  excluded: number;
  /** Subjects assessed with a payment experience from the ledger. */
  withLedger: number;
  /** Ledger rows the parser rejected (the simulated ledger should have none). */
  ledgerRejected: number;
}

/**
 * Runs the backtest over a generated world from its day 0 to `days`.
 *
 * @example
 * const result = await runSimulatedBacktest({ world: createWorld({ seed: 1, subjects: 500, startDate }), days: 365 });
 * result.auc; // e.g. 0.73
 */
export async function runSimulatedBacktest(options: SimulatedBacktestOptions): Promise<BacktestResult> {
  const { world } = options;
  const day0 = await fetchDay0(world, options);
  const today = world.today();
  const assessed: { id: string; pd: number; class: RiskClass }[] = [];
  let excluded = 0;
  let withLedger = 0;
  for (const { subjectId, snapshot, paymentExperience } of day0.subjects) {
    if (OUT_OF_POPULATION.has(snapshot.status.state)) {
      excluded++;
      continue;
    }
    if (paymentExperience !== null) withLedger++;
    const risk = assessRisk({ snapshot, paymentExperience, today });
    assessed.push({ id: subjectId, pd: risk.pd, class: risk.class });
  }

  // Stepping a month at a time lets a caller show progress; the world is the same either way.
  for (let day = 0; day < options.days; ) {
    day = Math.min(options.days, day + 30);
    world.advanceTo(day);
    options.onProgress?.('simulate', day, options.days);
  }
  const defaulted = new Set<string>();
  for (const d of world.truth().defaults) if (d.day <= options.days) defaulted.add(d.subjectId);

  const observations: BacktestObservation[] = assessed.map((a) => ({
    pd: a.pd,
    class: a.class,
    defaulted: defaulted.has(a.id),
  }));
  return {
    ...backtestMetrics(observations),
    horizonDays: options.days,
    excluded,
    withLedger,
    ledgerRejected: day0.ledgerRejected,
  };
}

/** One subject as fetched on day 0, with its payment experience from the simulated ledger. */
export interface Day0Subject {
  readonly subjectId: string;
  readonly snapshot: Snapshot;
  readonly paymentExperience: PaymentExperience | null;
}

/**
 * Every subject of a world on day 0, fetched through the real bureau adapters over the in-process
 * transport, with its payment experience from the world's AR ledger (through the ledger parser).
 *
 * @example
 * const { subjects } = await fetchDay0(createWorld({ seed: 1, subjects: 100, startDate }));
 * subjects[0]?.snapshot.status.state; // e.g. 'active'
 */
export async function fetchDay0(
  world: SimWorld,
  options: Pick<SimulatedBacktestOptions, 'useLedger' | 'concurrency' | 'onProgress'> = {},
): Promise<{ subjects: Day0Subject[]; ledgerRejected: number }> {
  world.advanceTo(0);
  const today = world.today();
  const portfolio = world.portfolio();
  let experience = new Map<string, PaymentExperience>();
  let ledgerRejected = 0;
  if (options.useLedger !== false && world.arLedger) {
    const parsed = validateLedgerRecords(world.arLedger());
    ledgerRejected = parsed.rejected.length;
    experience = paymentExperienceByCustomer(parsed.rows, today);
  }

  const config = BureauConfig.parse({
    brreg: { baseUrl: BASE_URL },
    regnskap: { baseUrl: BASE_URL },
    companiesHouse: { baseUrl: BASE_URL, apiKey: null, rateLimitPerSecond: 1e9 },
    creditBureau: { baseUrl: BASE_URL },
    http: { timeoutMs: 60_000, maxAttempts: 1, rateLimitPerSecond: 1e9 },
  });
  const providers = createProviders(config, worldTransport(world, BASE_URL));
  const ctx = { now: new Date(`${today}T06:00:00.000Z`), partyKey: BACKTEST_PARTY_KEY };

  const subjects: Day0Subject[] = [];
  const concurrency = options.concurrency ?? 64;
  for (let start = 0; start < portfolio.length; start += concurrency) {
    const batch = portfolio.slice(start, start + concurrency);
    const fetched = await Promise.all(
      batch.map((subject) =>
        fetchSnapshot(
          {
            ...subject,
            personToken:
              subject.nationalId === null
                ? null
                : personToken(
                    { country: subject.country, nationalId: subject.nationalId },
                    BACKTEST_TOKEN_KEY,
                  ),
          },
          providers,
          ctx,
        ),
      ),
    );
    fetched.forEach(({ snapshot }, i) => {
      const subject = batch[i];
      if (subject === undefined) return;
      subjects.push({
        subjectId: subject.id,
        snapshot,
        paymentExperience: experience.get(subject.id) ?? null,
      });
    });
    options.onProgress?.('fetch', Math.min(portfolio.length, start + concurrency), portfolio.length);
  }
  return { subjects, ledgerRejected };
}
