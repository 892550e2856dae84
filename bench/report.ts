/**
 * Turns the measured results into BENCHMARKS.md: the machine, the date, one table of value /
 * target / result, and what each number means.
 */

import { type AwsCounts, type AwsUsage, IDLE, idleReceives, usagePer } from './aws-counter.ts';
import type { BacktestBenchResult } from './backtest.ts';
import type { BundleMeasure } from './bundles.ts';
import { type CostEstimate, costOf, type PerCheckUsage } from './cost.ts';
import type { LatencyResult } from './latency.ts';
import type { PipelineBenchResult, StepMeasure } from './pipeline.ts';
import { PRICE_REGION, PRICES, PRICES_RECORDED } from './prices.ts';

export interface Machine {
  readonly cpu: string;
  readonly cores: number;
  readonly memoryGb: number;
  readonly node: string;
  readonly os: string;
  readonly loadAverage: readonly number[];
}

export interface RiskResult {
  readonly assessRiskPerSecond: number;
  readonly subjects: number;
}

export interface BenchResults {
  readonly date: string;
  readonly command: string;
  readonly machine: Machine;
  readonly skipOn: PipelineBenchResult;
  readonly skipOff: PipelineBenchResult;
  readonly bundles: readonly BundleMeasure[];
  readonly latency: LatencyResult | null;
  readonly risk: RiskResult | null;
  readonly backtest: BacktestBenchResult | null;
  readonly memoryMbOf: Readonly<Record<string, number>>;
  readonly eventRateScale: number;
}

/**
 * Where a check's CPU goes locally: a CPU profile (node:inspector, main thread) of days 1–2 and
 * the unchanged run, 1,000 subjects, taken 2026-11-23 on a 2-core machine shared with other work
 * (load average 4–7). Static text: re-profile after changing the transport, the simulator or the
 * emulators.
 */
const WHERE_THE_TIME_GOES = `## Where the time goes (the throughput target)

The benchmark process has three threads: the pipeline's (the pollers and every handler
invocation), the bureau simulator's and the embedded AWS's (dynalite, fauxqs) — in production the
bureaus and AWS are remote services whose CPU is not credmon's. The pipeline's JavaScript runs on
one thread (the "pipeline thread busy" row says how saturated it was), so end-to-end throughput is
bounded by its CPU per check and by the speed of one core, not by queue or Lambda settings. A CPU
profile of that thread over days 1–2 and the unchanged run (1,000 subjects, 2026-11-23) splits as
follows:

| share | where |
|---|---|
| 25 % | credmon's own code: adapters, the monitor use case, JSON.parse of bureau bodies (4 %) |
| 16 % | socket writes on loopback (the kernel's TCP work for both ends is charged to the sender) |
| 12 % | AWS SDK clients (fan-out pages, job messages, state reads) |
| 12 % | node:http client and agent, streams, events, microtasks: ≈ 3.5 bureau requests per check (4 per Norwegian company, 5 per UK company, 1 per individual) |
| 9 % | zod parsing of the bureau payloads |
| 9 % | idle (waiting for the simulator or the embedded AWS) |
| 6 % | canonical snapshot and hash |
| 4 % | garbage collection |

The earlier profile (everything on one thread, bureau calls through \`fetch\`) had 30 % in
\`fetch\` (undici, web streams), 28 % in runtime work those requests caused (\`AbortSignal.timeout\`
timers, resource timing), 14 % in garbage collection and 7 % in the simulator and the emulators.
The bureau transport is now \`node:http\`/\`node:https\` with keep-alive agents
(shared/adapters/bureaus/transport.ts), the simulator and the embedded AWS run in worker threads,
and canonicalization no longer rebuilds tidy strings. Side by side at 2,000 subjects on the same
machine (two runs of each, alternating, load average 4.5–5.5 from other work) that took days 1–2
from 250–330 to 540–650 checks/s and the unchanged run from 360–400 to 820–920.

Because one thread sets the pace (the "pipeline thread busy" row), the result moves with the
host, not only with the code: on 2026-11-23 the same pipeline measured 824 checks/s on days 1–2
(963 unchanged) on a host of the same size and CPU name with another kernel build, short of the
target; on 2026-12-04 two full runs on one host, an hour apart, measured 1,773 and 1,339 checks/s
while its own speed varied (the one-core risk row gave 421,531 and 259,238 assessments/s). Where a
host is too slow, several monitor workers (worker threads, as Lambda gives each concurrent
invocation its own CPU) are the lever. In AWS the ceiling is the bureaus' rate limits, not this:
8 concurrent monitor invocations each spend a few ms of CPU per check.
`;

/** Scheduled invocations per day of operation: one daily tier run, feed polls and sweeps every 5 minutes. */
export const SCHEDULED_PER_DAY = 1 + 288 + 288;

/**
 * Empty receives a day of Lambda's SQS event source mappings while idle: two queues, five pollers
 * each (the documented starting number), 20-second long polls.
 */
export const IDLE_RECEIVES_PER_DAY = 2 * 5 * 3 * 60 * 24;

/** Adds the event source's Lambda invocations to the counts as billable requests. */
export function withInvocations(step: StepMeasure): AwsCounts {
  const invocations = Object.values(step.functions).reduce((sum, fn) => sum + fn.invocations, 0);
  return { ...step.counts, billed: { ...step.counts.billed, 'Lambda.Invoke': invocations } };
}

/** Per-check usage of a set of steps (summed), for the cost model. */
export function perCheckUsage(
  steps: readonly StepMeasure[],
  memoryMbOf: Readonly<Record<string, number>>,
): PerCheckUsage {
  const checks = steps.reduce((sum, step) => sum + step.checks, 0) || 1;
  const sumBilled = (prefix: string) =>
    steps.reduce(
      (sum, step) =>
        sum +
        Object.entries(step.counts.billed)
          .filter(
            ([key]) =>
              key.startsWith(prefix) &&
              !key.endsWith(IDLE) &&
              key !== 'SQS.GetQueueAttributes' &&
              key !== 'SQS.CreateQueue',
          )
          .reduce((s, [, n]) => s + n, 0),
      0,
    );
  const names = [...new Set(steps.flatMap((step) => Object.keys(step.functions)))];
  return {
    sqsRequests: sumBilled('SQS.') / checks,
    snsRequests: sumBilled('SNS.') / checks,
    eventBridgeEvents: sumBilled('EventBridge.') / checks,
    dynamoReadUnits: steps.reduce((sum, step) => sum + step.counts.readUnits, 0) / checks,
    dynamoWriteUnits:
      steps.reduce((sum, step) => sum + step.counts.writeUnits + step.counts.indexWriteUnits, 0) / checks,
    functions: names.map((name) => ({
      name,
      memoryMb: memoryMbOf[name] ?? 1024,
      invocations: steps.reduce((sum, step) => sum + (step.functions[name]?.invocations ?? 0), 0) / checks,
      seconds: steps.reduce((sum, step) => sum + (step.functions[name]?.busySeconds ?? 0), 0) / checks,
    })),
    logBytes: steps.reduce((sum, step) => sum + step.logBytes, 0) / checks,
  };
}

const fmt = (value: number, digits = 0) =>
  Number.isFinite(value)
    ? value.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits })
    : 'n/a';
const verdict = (ok: boolean) => (ok ? 'pass' : '**fail**');

function usageOf(step: StepMeasure): AwsUsage {
  return usagePer(withInvocations(step), step.checks, 1000);
}

function costFor(
  result: PipelineBenchResult,
  steps: readonly StepMeasure[],
  memoryMbOf: Readonly<Record<string, number>>,
): CostEstimate {
  const checks = 1_000_000;
  // Days of operation that many checks take at this portfolio size (one daily run per day).
  const days = checks / result.subjects;
  return costOf(
    checks,
    perCheckUsage(steps, memoryMbOf),
    { scheduledInvocations: SCHEDULED_PER_DAY, idleReceives: IDLE_RECEIVES_PER_DAY },
    days,
  );
}

/** The changing days (day 1, day 2) of a run. */
const changingDays = (result: PipelineBenchResult) => result.steps.filter((step) => step.label !== 'again');
const unchangedStep = (result: PipelineBenchResult) => result.steps.find((step) => step.label === 'again');

function throughput(steps: readonly StepMeasure[]): number {
  const checks = steps.reduce((sum, step) => sum + step.checks, 0);
  const seconds = steps.reduce((sum, step) => sum + step.seconds, 0);
  return seconds > 0 ? checks / seconds : 0;
}

function checksPerCpuSecond(steps: readonly StepMeasure[]): number {
  const checks = steps.reduce((sum, step) => sum + step.checks, 0);
  const cpu = steps.reduce((sum, step) => sum + step.cpuSeconds, 0);
  return cpu > 0 ? checks / cpu : 0;
}

/** Time-weighted event-loop utilization of the pipeline thread over the steps. */
function pipelineThreadUtilization(steps: readonly StepMeasure[]): number {
  const seconds = steps.reduce((sum, step) => sum + step.seconds, 0);
  return seconds > 0
    ? steps.reduce((sum, step) => sum + step.pipelineThreadUtilization * step.seconds, 0) / seconds
    : 0;
}

function changeRate(steps: readonly StepMeasure[]): number {
  const checks = steps.reduce((sum, step) => sum + step.checks, 0);
  return checks > 0 ? steps.reduce((sum, step) => sum + step.changes, 0) / checks : 0;
}

/** The headline numbers, also printed as JSON by the runner. */
export function summarize(results: BenchResults) {
  const onDays = changingDays(results.skipOn);
  const offDays = changingDays(results.skipOff);
  const unchanged = unchangedStep(results.skipOn);
  const unchangedUsage = unchanged ? usageOf(unchanged) : null;
  const costOn = costFor(results.skipOn, onDays, results.memoryMbOf);
  const costOff = costFor(results.skipOff, offDays, results.memoryMbOf);
  return {
    subjects: results.skipOn.subjects,
    checksPerSecondSkipOn: throughput(onDays),
    checksPerSecondSkipOff: throughput(offDays),
    checksPerCpuSecondSkipOn: checksPerCpuSecond(onDays),
    pipelineThreadUtilizationSkipOn: pipelineThreadUtilization(onDays),
    unchangedChecksPerSecond: unchanged ? unchanged.checksPerSecond : 0,
    unchangedIdleReceives: unchanged ? idleReceives(unchanged.counts) : 0,
    unchangedSeconds: unchanged ? unchanged.seconds : 0,
    unchangedChecksPerCpuSecond: unchanged ? checksPerCpuSecond([unchanged]) : 0,
    changeRate: changeRate(onDays),
    unchangedPer1000: unchangedUsage,
    changingPer1000SkipOn: usagePer(
      sumCounts(onDays.map(withInvocations)),
      onDays.reduce((s, d) => s + d.checks, 0),
      1000,
    ),
    changingPer1000SkipOff: usagePer(
      sumCounts(offDays.map(withInvocations)),
      offDays.reduce((s, d) => s + d.checks, 0),
      1000,
    ),
    costPerMillionSkipOn: costOn,
    costPerMillionSkipOff: costOff,
  };
}

function sumCounts(all: readonly AwsCounts[]): AwsCounts {
  const total: AwsCounts = {
    requests: {},
    billed: {},
    nonEmptyReceives: {},
    readUnits: 0,
    writeUnits: 0,
    indexWriteUnits: 0,
    estimatedRequests: 0,
  };
  for (const counts of all) {
    for (const field of ['requests', 'billed', 'nonEmptyReceives'] as const) {
      for (const [key, n] of Object.entries(counts[field])) total[field][key] = (total[field][key] ?? 0) + n;
    }
    total.readUnits += counts.readUnits;
    total.writeUnits += counts.writeUnits;
    total.indexWriteUnits += counts.indexWriteUnits;
    total.estimatedRequests += counts.estimatedRequests;
  }
  return total;
}

function breakdown(usage: AwsUsage): string {
  return Object.entries(usage.byService)
    .sort(([, a], [, b]) => b - a)
    .map(([service, n]) => `${service} ${fmt(n, 1)}`)
    .join(', ');
}

/**
 * @example
 * writeFileSync('BENCHMARKS.md', renderReport(results));
 */
export function renderReport(results: BenchResults): string {
  const s = summarize(results);
  const m = results.machine;
  const rows: string[][] = [];
  const row = (measure: string, value: string, target: string, result: string) =>
    rows.push([measure, value, target, result]);

  row(
    `Subject-checks per second, end to end, hash skip on (days 1–2, ${fmt(s.subjects)} subjects)`,
    fmt(s.checksPerSecondSkipOn),
    '≥ 1,000',
    verdict(s.checksPerSecondSkipOn >= 1000),
  );
  row(
    'Subject-checks per second, same pipeline, hash skip off',
    fmt(s.checksPerSecondSkipOff),
    '(comparison)',
    `skip on is ${fmt(s.checksPerSecondSkipOn / Math.max(s.checksPerSecondSkipOff, 1e-9), 2)}×`,
  );
  row(
    'Checks per CPU-second of the benchmark process (pipeline, emulators and simulator together), skip on',
    fmt(s.checksPerCpuSecondSkipOn),
    '(diagnostic)',
    '—',
  );
  row(
    'Pipeline thread busy (event-loop utilization of the pollers and handlers), days 1–2, skip on',
    `${fmt(s.pipelineThreadUtilizationSkipOn * 100)} %`,
    '(diagnostic)',
    '—',
  );
  row(
    'Subject-checks per second when nothing changed (the tier run again on the same day), skip on',
    `${fmt(s.unchangedChecksPerSecond)} (${fmt(s.unchangedChecksPerCpuSecond)} per CPU-second)`,
    '(diagnostic)',
    '—',
  );
  row(
    'Measured daily change rate (checks whose data changed)',
    `${fmt(s.changeRate * 100, 2)} %`,
    '2 %',
    '(input)',
  );
  if (s.unchangedPer1000) {
    row(
      'Billable AWS requests per 1,000 unchanged checks',
      `${fmt(s.unchangedPer1000.billableRequests, 1)} (${breakdown(s.unchangedPer1000)})`,
      '≤ 30',
      verdict(s.unchangedPer1000.billableRequests <= 30),
    );
    row(
      'Empty receives (idle long polls) during that run, not in the row above',
      `${fmt(s.unchangedIdleReceives)} in ${fmt(s.unchangedSeconds, 1)} s`,
      '(time-based)',
      '—',
    );
    row(
      'DynamoDB capacity units per 1,000 unchanged checks',
      `${fmt(s.unchangedPer1000.capacityUnits, 1)} (read ${fmt(s.unchangedPer1000.readUnits, 1)}, write ${fmt(s.unchangedPer1000.writeUnits, 1)})`,
      '≤ 60',
      verdict(s.unchangedPer1000.capacityUnits <= 60),
    );
  }
  row(
    'Billable AWS requests per 1,000 checks at the measured change rate, skip on / off',
    `${fmt(s.changingPer1000SkipOn.billableRequests, 1)} / ${fmt(s.changingPer1000SkipOff.billableRequests, 1)}`,
    '—',
    '—',
  );
  row(
    'DynamoDB capacity units per 1,000 checks at the measured change rate, skip on / off',
    `${fmt(s.changingPer1000SkipOn.capacityUnits, 1)} / ${fmt(s.changingPer1000SkipOff.capacityUnits, 1)}`,
    '—',
    '—',
  );
  row(
    `Cost of 1,000,000 checks (${PRICE_REGION} list prices), skip on / off`,
    `$${fmt(s.costPerMillionSkipOn.totalUsd, 2)} / $${fmt(s.costPerMillionSkipOff.totalUsd, 2)}`,
    '—',
    '—',
  );
  for (const bundle of results.bundles) {
    row(
      `Bundle \`${bundle.name}\`: size (minified) · module init (median of ${bundle.initRuns.length})`,
      `${fmt(bundle.bytes / 1024)} KB · ${fmt(bundle.initMs)} ms`,
      '≤ 600 KB',
      verdict(bundle.bytes <= 600 * 1024),
    );
  }
  if (results.latency) {
    const l = results.latency;
    row(
      `Change-to-alert latency, feed tier, poll interval excluded (p50 / p99, ${l.samples} alerts)`,
      `${fmt(l.p50Ms)} ms / ${fmt(l.p99Ms)} ms`,
      'p99 ≤ 2,000 ms',
      verdict(l.samples > 0 && l.p99Ms <= 2000),
    );
  }
  if (results.risk) {
    row(
      'Risk assessments per second, one core (assessRisk)',
      fmt(results.risk.assessRiskPerSecond),
      '≥ 200,000',
      verdict(results.risk.assessRiskPerSecond >= 200_000),
    );
  }

  if (results.backtest) {
    const b = results.backtest;
    const rate = (value: number | null) => (value === null ? '—' : `${(value * 100).toFixed(1)} %`);
    row(
      `Risk model backtest AUC (Gini), ${fmt(b.subjects)} subjects assessed on day 0, one simulated year, seed ${b.seed}, ${fmt(b.defaults)} defaults`,
      `${b.auc?.toFixed(3) ?? '—'} (${b.gini?.toFixed(3) ?? '—'})`,
      '≥ 0.80',
      verdict(b.auc !== null && b.auc >= 0.8),
    );
    row(
      'Observed one-year default rate by class A / B / C / D (same backtest)',
      (['A', 'B', 'C', 'D'] as const).map((c) => rate(b.defaultRates[c])).join(' / '),
      'strictly increasing',
      verdict(b.ratesIncrease),
    );
  }

  const table = [
    '| Measure | Value | Target | Result |',
    '|---|---|---|---|',
    ...rows.map((cells) => `| ${cells.join(' | ')} |`),
  ].join('\n');

  const stepRows = [results.skipOn, results.skipOff]
    .flatMap((result) =>
      result.steps.map((step) => {
        const usage = usageOf(step);
        return `| ${result.skipUnchanged ? 'on' : 'off'} | ${step.label} | ${fmt(step.checks)} | ${fmt(step.changes)} | ${fmt(step.seconds, 2)} | ${fmt(step.checksPerSecond)} | ${fmt(usage.billableRequests, 1)} | ${fmt(usage.readUnits, 1)} | ${fmt(usage.writeUnits, 1)} |`;
      }),
    )
    .join('\n');

  const costRows = s.costPerMillionSkipOn.lines
    .map((line, index) => {
      const off = s.costPerMillionSkipOff.lines[index];
      return `| ${line.item} | ${fmt(line.quantity, line.quantity < 100 ? 2 : 0)} ${line.unit} | $${fmt(line.usd, 4)} | ${off ? `${fmt(off.quantity, off.quantity < 100 ? 2 : 0)} ${off.unit}` : ''} | ${off ? `$${fmt(off.usd, 4)}` : ''} |`;
    })
    .join('\n');

  const priceRows = Object.values(PRICES)
    .map((price) => `| ${price.unit} | $${price.usd.toPrecision(6)} | ${price.source} |`)
    .join('\n');

  return `# credmon benchmarks

Measured ${results.date} by \`${results.command}\`, all rows side by side in one run.

**Machine:** ${m.cpu}, ${m.cores} cores, ${fmt(m.memoryGb, 1)} GB memory, Node ${m.node}, ${m.os}.
Load average at the start: ${m.loadAverage.map((n) => n.toFixed(1)).join(' / ')} (1 / 5 / 15 min);
everything runs in one Node process on this machine's cores: the pollers and the handlers on its
main thread, the bureau simulator in one worker thread and the embedded AWS (dynalite, fauxqs) in
another, as the bureaus and AWS are other machines in production. The throughput rows therefore
measure the pipeline while its emulators take their share of the same cores, and the CPU-second
rows count all three threads.

${table}

## How to reproduce

\`\`\`
npm run bench                      # 10,000 subjects (the table above)
npm run bench -- --subjects 20000  # another portfolio size
npm run bench -- --quick           # 1,000-subject smoke run
\`\`\`

It writes this file (\`--out\` to write elsewhere) and prints the headline numbers as one JSON line.

## What each number means

- **Subject-checks per second**: every subject is enrolled in the daily tier and day 0 (baselines,
  untimed) is run; then the simulated world moves on one day and the daily tier is run through the
  whole local pipeline — a tier request on the fan-out queue, the fan-out paging the sparse tier
  index and sending monitor jobs (${'`'}CREDMON_SUBJECTS_PER_JOB${'`'} subjects each), the monitor
  handler fetching every subject from the simulator over loopback HTTP (the real bureau adapters
  and wire formats), hashing, and for changed subjects diffing, assessing risk, writing state and
  history and publishing alerts to SNS → a subscriber's SQS queue. The clock stops when no job is
  queued or in flight. The changing days are summed (days 1–2 with the skip on, day 1 with it off). "Hash skip off" is the same pipeline with
  \`skipUnchanged: false\`: every check reads its state and commits a new version, as a pipeline
  without the unchanged-hash skip would.
- **Pipeline thread busy**: the event-loop utilization (\`performance.eventLoopUtilization\`) of
  the thread that runs the pollers and every handler invocation, over the timed steps: near 100 %,
  throughput is bound by that thread's CPU, not by waiting on the bureaus or the embedded AWS.
- **Change rate**: changed checks / checks on days 1–2 with the skip on. The generated world's own
  rate is below the 2 % the target assumes (1.5–1.9 % of subjects a day in its first days), so its
  subjects' event probabilities are multiplied by the world's \`eventRateScale\`
  (\`--event-rate-scale\`, ${results.eventRateScale} in this run); the row shows the rate the
  pipeline actually saw.
- **Per 1,000 unchanged checks**: the daily tier run a second time on day 2 with nothing changed
  in between ("again"): every check is unchanged. AWS requests are counted by an AWS SDK
  middleware on every client the pipeline uses (bench/aws-counter.ts) and counted as AWS bills
  them: SQS and SNS per started 64 KB of payload; the local event source's ReceiveMessage and
  DeleteMessageBatch count, as Lambda's event source mapping makes the same billable calls;
  Lambda invocations count as requests. Receives that return nothing (the event source idling
  between messages) follow the clock, not the checks — and a local 1-second long poll makes
  twenty times as many as Lambda's 20-second one — so they are shown in their own row and priced
  per day of operation instead; the harness's own GetQueueAttributes
  (waiting for idle) and queue set-up do not. DynamoDB capacity: every data-plane command is sent
  with \`ReturnConsumedCapacity: 'TOTAL'\` and the reported units summed — dynalite computes them
  from item sizes by DynamoDB's rules (reads in 4 KB, halved when eventually consistent; writes in
  1 KB). Writes to global secondary indexes are not in that figure; they are estimated as one write
  unit per index whose key or projected attributes a write touches (an upper bound: sparse indexes
  an item is not in are counted too).
- **Cost of 1,000,000 checks**: the per-check averages of days 1–2 (at the measured change rate)
  priced at the list prices below; Lambda duration is memory (from the catalogue) × busy time per
  check, measured as the integral of in-flight invocations over time. Locally all invocations share
  two cores with the emulators, so this busy time is an upper bound on what Lambda would bill.
  Schedules are priced for the days 1,000,000 checks take at this portfolio size
  (${SCHEDULED_PER_DAY} invocations a day: the daily tier, feed polls and sweeps every 5 minutes);
  the feed-poll and sweeper functions' own invocations and CloudWatch custom metrics
  ($0.30 per metric-month, independent of checks) are not included.
- **Bundles**: every function in the catalogue bundled with esbuild as the CDK's NodejsFunction
  does (minify, source map, ESM, target node22, externals @aws-sdk/* and @smithy/*); the size is
  the minified \`index.mjs\` (the source map is deployed beside it but not loaded unless a stack
  trace needs it). Init: a fresh Node process with a function's environment imports the bundle;
  the median of several processes (includes loading the AWS SDK from node_modules, as the Lambda
  runtime loads its own copy).
- **Change-to-alert latency** (feed tier): each simulated day the feed poll runs once; for every
  alert, the time from the moment the poll's SendMessageBatch naming that subject returned to the
  moment a subscriber's ReceiveMessage (1 s long poll) returned the alert; only alerts detected on
  the poll's day count, and the subscriber's queue is drained before each poll. The poll interval
  (5 minutes in AWS) is excluded.
- **Risk model backtest**: bench/backtest.ts — \`credmon backtest\` at the benchmark's portfolio
  size: every subject of a generated world fetched through the real bureau adapters on day 0 and
  assessed with its simulated ledger experience; the world's defaults over the next 365 days are
  the outcomes (docs/risk-policy.md §6).
- **Risk assessments per second**: bench/risk.ts — assessRisk over the day-0 snapshots of a
  simulated portfolio with payment experience, CPU time of one core.

${WHERE_THE_TIME_GOES}
## Per step

| skip | step | checks | changed | seconds | checks/s | billable requests / 1,000 | RRU / 1,000 | WRU / 1,000 |
|---|---|---|---|---|---|---|---|---|
${stepRows}

## Cost of 1,000,000 checks

| item | skip on: quantity | skip on: cost | skip off: quantity | skip off: cost |
|---|---|---|---|---|
${costRows}
| **total** | | **$${fmt(s.costPerMillionSkipOn.totalUsd, 2)}** | | **$${fmt(s.costPerMillionSkipOff.totalUsd, 2)}** |

Prices (${PRICE_REGION}, on demand, no free tier; recorded ${PRICES_RECORDED}, bench/prices.ts):

| unit | USD | source |
|---|---|---|
${priceRows}
`;
}

const OPS_START = '<!-- bench:cost-per-1000:start -->';
const OPS_END = '<!-- bench:cost-per-1000:end -->';

/**
 * The measured table of docs/operations.md ("requests and capacity per 1,000 checks"), between
 * markers, so that each benchmark run can replace it.
 */
export function renderOperationsTable(results: BenchResults): string {
  const unchanged = unchangedStep(results.skipOn);
  const changing = changingDays(results.skipOn);
  const columns = [unchanged ? [unchanged] : [], changing];
  const per1000 = columns.map((steps) =>
    usagePer(
      sumCounts(steps.map(withInvocations)),
      steps.reduce((sum, step) => sum + step.checks, 0),
      1000,
    ),
  );
  const perCheck = columns.map((steps) => perCheckUsage(steps, results.memoryMbOf));
  const cost = columns.map((steps) => costFor(results.skipOn, steps, results.memoryMbOf));
  const cells = (value: (i: number) => string) => columns.map((_, i) => value(i)).join(' | ');
  const rate = changeRate(changing);
  const lines = [
    `| per 1,000 checks | unchanged (hash skip) | ${fmt(rate * 100, 1)} % changed | target |`,
    '|---|---|---|---|',
    `| SQS requests | ${cells((i) => fmt((perCheck[i]?.sqsRequests ?? 0) * 1000, 1))} | — |`,
    `| SNS publishes | ${cells((i) => fmt((perCheck[i]?.snsRequests ?? 0) * 1000, 1))} | — |`,
    `| EventBridge events | ${cells((i) => fmt((perCheck[i]?.eventBridgeEvents ?? 0) * 1000, 1))} | — |`,
    `| DynamoDB read units | ${cells((i) => fmt(per1000[i]?.readUnits ?? 0, 1))} | — |`,
    `| DynamoDB write units (incl. estimated index writes) | ${cells((i) => fmt(per1000[i]?.writeUnits ?? 0, 1))} | — |`,
    `| billable AWS requests, all services (Lambda invocations included) | ${cells((i) => fmt(per1000[i]?.billableRequests ?? 0, 1))} | ≤ 30 (unchanged) |`,
    `| DynamoDB capacity units | ${cells((i) => fmt(per1000[i]?.capacityUnits ?? 0, 1))} | ≤ 60 (unchanged) |`,
    `| Lambda GB-s (monitor + fan-out) | ${cells((i) => fmt((perCheck[i]?.functions ?? []).reduce((sum, fn) => sum + (fn.memoryMb / 1024) * fn.seconds, 0) * 1000, 2))} | — |`,
    `| **cost of 1,000,000 checks (USD)** | ${cells((i) => `$${fmt(cost[i]?.totalUsd ?? 0, 2)}`)} | — |`,
  ];
  return [
    OPS_START,
    `Measured by \`npm run bench\` on ${results.date} (${fmt(results.skipOn.subjects)} subjects, local pipeline; see`,
    'BENCHMARKS.md for the machine, the method and the full cost breakdown). Lambda GB-s are the local',
    'busy time × memory, an upper bound; the cost row adds the schedules and idle event-source polling',
    'of the days a million checks take at that portfolio size.',
    '',
    ...lines,
    OPS_END,
  ].join('\n');
}

/**
 * Puts the measured table into docs/operations.md: between the markers, or in place of the
 * placeholder block (the quoted "Placeholder" note and the _TBD_ table after it). Unchanged text
 * when neither is there.
 */
export function fillOperations(markdown: string, table: string): string {
  const start = markdown.indexOf(OPS_START);
  const end = markdown.indexOf(OPS_END);
  if (start >= 0 && end > start)
    return markdown.slice(0, start) + table + markdown.slice(end + OPS_END.length);
  const placeholder = /> \*\*Placeholder[^\n]*\n(?:>[^\n]*\n)*\n(?:\|[^\n]*\n)+/.exec(markdown);
  if (!placeholder) return markdown;
  return (
    markdown.slice(0, placeholder.index) +
    `${table}\n` +
    markdown.slice(placeholder.index + placeholder[0].length)
  );
}
