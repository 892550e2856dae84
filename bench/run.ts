/**
 * `npm run bench`: measures throughput (hash skip on and off), AWS requests and capacity per check,
 * the cost of a million checks, bundle sizes and init times, feed-tier change-to-alert latency and
 * risk assessments per second, side by side in one run, and writes BENCHMARKS.md.
 *
 * Usage: npm run bench -- [--subjects 10000] [--quick] [--latency-days 5] [--event-rate-scale 1.5] [--out BENCHMARKS.md]
 */

import { spawn } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { parseArgs } from 'node:util';
import { FUNCTIONS } from '#shared/catalogue.ts';
import { startLocalStack } from '#shared/local/stack.ts';
import { benchBacktest } from './backtest.ts';
import { benchBundles } from './bundles.ts';
import { benchFeedLatency } from './latency.ts';
import { benchPipeline } from './pipeline.ts';
import {
  type BenchResults,
  fillOperations,
  type Machine,
  type RiskResult,
  renderOperationsTable,
  renderReport,
  summarize,
} from './report.ts';

const USAGE =
  'usage: npm run bench -- [--subjects N] [--quick] [--latency-days D] [--event-rate-scale X] [--out FILE]';

function flags(argv: string[]) {
  let parsed: ReturnType<typeof parse>;
  function parse() {
    return parseArgs({
      args: argv,
      options: {
        subjects: { type: 'string' },
        quick: { type: 'boolean', default: false },
        'latency-days': { type: 'string' },
        'event-rate-scale': { type: 'string' },
        out: { type: 'string', default: 'BENCHMARKS.md' },
        operations: { type: 'string', default: 'docs/operations.md' },
        help: { type: 'boolean', default: false },
      },
    });
  }
  try {
    parsed = parse();
  } catch (error) {
    console.error(`${(error as Error).message}\n${USAGE}`);
    process.exit(2);
  }
  const { values } = parsed;
  if (values.help) {
    console.log(USAGE);
    process.exit(0);
  }
  const whole = (name: string, raw: string | undefined, fallback: number) => {
    if (raw === undefined) return fallback;
    const value = Number(raw);
    if (!Number.isInteger(value) || value < 1) {
      console.error(`--${name}: expected a whole number ≥ 1, got ${JSON.stringify(raw)}\n${USAGE}`);
      process.exit(2);
    }
    return value;
  };
  const positive = (raw: string | undefined, fallback: number) => {
    if (raw === undefined) return fallback;
    const value = Number(raw);
    if (!Number.isFinite(value) || value <= 0) {
      console.error(`--event-rate-scale: expected a number > 0, got ${JSON.stringify(raw)}\n${USAGE}`);
      process.exit(2);
    }
    return value;
  };
  const quick = values.quick === true;
  return {
    subjects: whole('subjects', values.subjects, quick ? 1000 : 10_000),
    latencyDays: whole('latency-days', values['latency-days'], quick ? 3 : 5),
    out: values.out ?? 'BENCHMARKS.md',
    /** Whose measured-cost table the run fills in; `--operations ''` leaves it alone. */
    operations: values.operations ?? 'docs/operations.md',
    eventRateScale: positive(values['event-rate-scale'], 1.5),
    quick,
  };
}

function machine(): Machine {
  const cpus = os.cpus();
  let distro = '';
  try {
    distro = /^PRETTY_NAME="?([^"\n]*)"?/m.exec(readFileSync('/etc/os-release', 'utf8'))?.[1] ?? '';
  } catch {
    distro = '';
  }
  return {
    cpu: cpus[0]?.model.trim() ?? 'unknown',
    cores: cpus.length,
    memoryGb: os.totalmem() / 1024 ** 3,
    node: process.version,
    os: `${distro ? `${distro}, ` : ''}${os.type()} ${os.release()} ${os.arch()}`,
    loadAverage: os.loadavg(),
  };
}

/** Runs bench/risk.ts in its own process (one core, nothing else of the benchmark running) and reads its JSON line. */
function benchRisk(): Promise<RiskResult | null> {
  return new Promise((resolve) => {
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', 'bench/risk.ts', '--subjects', '1000', '--seconds', '3'],
      {
        stdio: ['ignore', 'pipe', 'inherit'],
      },
    );
    let out = '';
    child.stdout.on('data', (chunk) => {
      out += chunk;
    });
    child.on('close', () => {
      try {
        const line = out.trim().split('\n').at(-1) ?? '';
        const parsed = JSON.parse(line) as { assessRiskPerSecond: number; subjects: number };
        resolve({ assessRiskPerSecond: parsed.assessRiskPerSecond, subjects: parsed.subjects });
      } catch {
        console.error(`bench/risk.ts printed no result: ${out.slice(0, 500)}`);
        resolve(null);
      }
    });
  });
}

async function main(): Promise<void> {
  const options = flags(process.argv.slice(2));
  const log = (line: string) => console.error(line);
  const started = new Date();
  const host = machine();
  log(`credmon bench: ${options.subjects} subjects, Node ${host.node}, ${host.cores} cores`);

  log('bundles: esbuild as NodejsFunction, init time in fresh processes');
  const stack = await startLocalStack();
  let bundles: Awaited<ReturnType<typeof benchBundles>>;
  try {
    bundles = await benchBundles(stack.environments.monitor ?? {}, options.quick ? 3 : 5);
  } finally {
    await stack.stop();
  }
  for (const bundle of bundles)
    log(`  ${bundle.name}: ${Math.round(bundle.bytes / 1024)} KB, init ${Math.round(bundle.initMs)} ms`);

  log('risk: bench/risk.ts');
  const risk = await benchRisk();
  if (risk) log(`  ${risk.assessRiskPerSecond} assessments/s`);

  log(`backtest: ${options.subjects} subjects, one year, seed 1`);
  const backtest = await benchBacktest(options.subjects);
  log(`  AUC ${backtest.auc?.toFixed(3) ?? '—'}, ${backtest.defaults} defaults`);

  log('pipeline, hash skip on');
  const world = { subjects: options.subjects, eventRateScale: options.eventRateScale };
  const skipOn = await benchPipeline({ ...world, skipUnchanged: true, log });
  log('pipeline, hash skip off');
  const skipOff = await benchPipeline({ ...world, skipUnchanged: false, steps: 'short', log });

  log(`latency: feed tier, ${options.latencyDays} days`);
  const latency = await benchFeedLatency({ ...world, days: options.latencyDays, log });
  log(
    `  p50 ${Math.round(latency.p50Ms)} ms, p99 ${Math.round(latency.p99Ms)} ms over ${latency.samples} alerts`,
  );

  const results: BenchResults = {
    date: started.toISOString().slice(0, 10),
    command: `npm run bench -- ${process.argv.slice(2).join(' ')}`.trim(),
    machine: host,
    skipOn,
    skipOff,
    bundles,
    latency,
    risk,
    backtest,
    eventRateScale: options.eventRateScale,
    memoryMbOf: Object.fromEntries(Object.values(FUNCTIONS).map((fn) => [fn.name, fn.memoryMb])),
  };
  writeFileSync(options.out, renderReport(results));
  if (options.operations && existsSync(options.operations)) {
    const before = readFileSync(options.operations, 'utf8');
    const after = fillOperations(before, renderOperationsTable(results));
    if (after !== before) writeFileSync(options.operations, after);
  }
  const summary = summarize(results);
  console.log(
    JSON.stringify({
      bench: 'credmon',
      subjects: summary.subjects,
      checksPerSecondSkipOn: Math.round(summary.checksPerSecondSkipOn),
      checksPerSecondSkipOff: Math.round(summary.checksPerSecondSkipOff),
      changeRate: summary.changeRate,
      unchangedRequestsPer1000: summary.unchangedPer1000?.billableRequests ?? null,
      unchangedCapacityUnitsPer1000: summary.unchangedPer1000?.capacityUnits ?? null,
      costPerMillionSkipOn: summary.costPerMillionSkipOn.totalUsd,
      costPerMillionSkipOff: summary.costPerMillionSkipOff.totalUsd,
      bundles: bundles.map((bundle) => ({
        name: bundle.name,
        kb: Math.round(bundle.bytes / 1024),
        initMs: bundle.initMs,
      })),
      latencyP50Ms: latency.p50Ms,
      latencyP99Ms: latency.p99Ms,
      latencySamples: latency.samples,
      assessRiskPerSecond: risk?.assessRiskPerSecond ?? null,
      backtestAuc: backtest.auc,
      backtestRatesIncrease: backtest.ratesIncrease,
      out: options.out,
    }),
  );
}

await main();
