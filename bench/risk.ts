/**
 * Risk-model throughput: assessments per second on one core (CPU time) over a realistic portfolio,
 * the day-0 snapshots of a simulated world fetched through the real adapters, with payment
 * experience from its AR ledger for the customers the company trades with. Prints one JSON line.
 *
 * Usage: npx tsx bench/risk.ts [--subjects 1000] [--seconds 2]
 */
import { parseArgs } from 'node:util';
import { assessRisk, assessRiskFast } from '#shared/domain/risk/model.ts';
import { createWorld, DEFAULT_START_DATE } from '#shared/simulator/world.ts';
import { fetchDay0 } from '#shared/use-cases/backtest.ts';

const { values } = parseArgs({
  options: { subjects: { type: 'string', default: '1000' }, seconds: { type: 'string', default: '2' } },
});
const subjects = Number(values.subjects);
const seconds = Number(values.seconds);

const world = createWorld({ seed: 1, subjects, startDate: DEFAULT_START_DATE });
const today = world.today();
const { subjects: day0 } = await fetchDay0(world);
const inputs = day0.map(({ snapshot, paymentExperience }) => ({ snapshot, paymentExperience, today }));

/** Runs `assess` over the portfolio repeatedly for about `seconds` of CPU time; returns per second. */
function measure(assess: (input: (typeof inputs)[number]) => { pd: number }): number {
  let sink = 0;
  // Warm-up: let the JIT settle before measuring.
  for (let round = 0; round < 20; round++) for (const input of inputs) sink += assess(input).pd;
  let count = 0;
  const start = process.cpuUsage();
  let elapsedMs = 0;
  while (elapsedMs < seconds * 1000) {
    for (const input of inputs) sink += assess(input).pd;
    count += inputs.length;
    const used = process.cpuUsage(start);
    elapsedMs = (used.user + used.system) / 1000;
  }
  if (Number.isNaN(sink)) throw new Error('a PD was NaN');
  return Math.round((count / elapsedMs) * 1000);
}

const withAccounts = day0.filter((s) => s.snapshot.accounts !== null).length;
const withLedger = day0.filter((s) => s.paymentExperience !== null).length;
console.log(
  JSON.stringify({
    bench: 'risk',
    subjects: inputs.length,
    withAccounts,
    withLedger,
    assessRiskPerSecond: measure(assessRisk),
    assessRiskFastPerSecond: measure(assessRiskFast),
    node: process.version,
  }),
);
