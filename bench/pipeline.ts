/**
 * End-to-end throughput of the local pipeline: the simulator over loopback HTTP, the embedded AWS,
 * the fan-out and monitor handlers fed by the local event-source pollers, as `credmon local` runs
 * them. Every subject is enrolled in the daily tier; day 0 (baselines) is not timed; then each
 * timed step runs the daily tier once and waits until the pipeline is idle.
 */

import { FUNCTIONS } from '#shared/catalogue.ts';
import { type LocalPipeline, startLocalPipeline } from '#shared/local/pipeline.ts';
import { type BureauPacing, SIMULATED_PACING } from '#shared/local/simulated-bureaus.ts';
import { startSimulatorThread } from '#shared/simulator/thread.ts';
import { DEFAULT_START_DATE } from '#shared/simulator/world.ts';
import { enrolSubjects } from '#shared/use-cases/enrol-subjects.ts';
import { type AwsCounts, createAwsCounter } from './aws-counter.ts';

export interface PipelineBenchOptions {
  readonly subjects: number;
  readonly skipUnchanged: boolean;
  readonly seed?: number;
  /** See WorldOptions.eventRateScale. @default 1 */
  readonly eventRateScale?: number;
  /**
   * `full`: day 1, day 2 and again; `short`: day 1 and again (the naive pipeline's comparison,
   * whose every check writes). @default 'full'
   */
  readonly steps?: 'full' | 'short';
  /** Monitor concurrency; the catalogue's when absent. */
  readonly monitorConcurrency?: number;
  /** Told about progress (stderr). */
  readonly log?: (line: string) => void;
}

/** One timed tier run. */
export interface StepMeasure {
  /** `day 1`, `day 2`, or `again` (the same day once more: nothing changed since the previous run). */
  readonly label: string;
  readonly checks: number;
  readonly changes: number;
  readonly seconds: number;
  readonly checksPerSecond: number;
  /**
   * CPU seconds this process used (user + system) for the step: the pipeline, the emulators and
   * the simulator together. On a loaded machine checks per CPU-second says more than wall time.
   */
  readonly cpuSeconds: number;
  /**
   * Event-loop utilization of the pipeline's thread (the pollers and every handler invocation)
   * over the step, 0–1: near 1, throughput is bound by that one thread's CPU.
   */
  readonly pipelineThreadUtilization: number;
  readonly counts: AwsCounts;
  /** Per function: invocations (receives that returned messages) and busy seconds (∑ in-flight × time). */
  readonly functions: Record<string, { invocations: number; busySeconds: number }>;
  /** Bytes of log and EMF lines the functions wrote. */
  readonly logBytes: number;
}

export interface PipelineBenchResult {
  readonly subjects: number;
  readonly skipUnchanged: boolean;
  readonly baselineSeconds: number;
  readonly steps: readonly StepMeasure[];
}

/**
 * Bureau pacing as `credmon local` sets it (SIMULATED_PACING), except the timeout: the benchmark
 * injects no faults, and with thousands of checks in flight in one saturated process a short
 * timeout fires on healthy answers, opens the breakers and fails every check.
 */
export const BENCH_PACING: BureauPacing = {
  http: { timeoutMs: 15_000, maxAttempts: 3, baseDelayMs: 20, maxDelayMs: 200, rateLimitPerSecond: 5000 },
  companiesHouseRateLimitPerSecond: 1000,
  companiesHouseQuota: SIMULATED_PACING.companiesHouseQuota,
};

/** Sums the pipeline's own EMF metrics and the bytes of every line the functions log. */
function lineCounter() {
  const totals = { Checks: 0, Changes: 0, bytes: 0 };
  return {
    totals,
    reset() {
      totals.Checks = 0;
      totals.Changes = 0;
      totals.bytes = 0;
    },
    logSink(line: string) {
      totals.bytes += Buffer.byteLength(line, 'utf8') + 1;
    },
    metricsSink(line: string) {
      totals.bytes += Buffer.byteLength(line, 'utf8') + 1;
      let parsed: Record<string, unknown>;
      try {
        parsed = JSON.parse(line);
      } catch {
        return;
      }
      for (const name of ['Checks', 'Changes'] as const) {
        const value = parsed[name];
        totals[name] += Array.isArray(value)
          ? value.reduce((a: number, b: number) => a + b, 0)
          : Number(value ?? 0);
      }
    },
  };
}

/** Integrates the pipeline's in-flight invocations over time: busy seconds per function. */
function busySampler(pipeline: LocalPipeline) {
  const busy: Record<string, number> = {};
  let last = performance.now();
  const sample = () => {
    const now = performance.now();
    const dt = (now - last) / 1000;
    last = now;
    for (const [name, count] of Object.entries(pipeline.inFlight()))
      busy[name] = (busy[name] ?? 0) + count * dt;
  };
  const timer = setInterval(sample, 5);
  return {
    stop() {
      clearInterval(timer);
      sample();
      return busy;
    },
  };
}

/**
 * @example
 * const result = await benchPipeline({ subjects: 1000, skipUnchanged: true });
 * result.steps[0].checksPerSecond;
 */
export async function benchPipeline(options: PipelineBenchOptions): Promise<PipelineBenchResult> {
  const log = options.log ?? (() => {});
  // The bureaus are remote services in production: their CPU is a worker thread's here, not the pipeline's.
  const simulator = await startSimulatorThread({
    source: {
      kind: 'generated',
      options: {
        seed: options.seed ?? 1,
        subjects: options.subjects,
        startDate: DEFAULT_START_DATE,
        ...(options.eventRateScale ? { eventRateScale: options.eventRateScale } : {}),
      },
    },
  });
  const { world } = simulator;
  const counter = createAwsCounter();
  const lines = lineCounter();
  const pipeline = await startLocalPipeline({
    simulatorUrl: simulator.url,
    pacing: BENCH_PACING,
    now: () => new Date(`${world.today()}T06:00:00.000Z`),
    instrument: counter.instrument,
    skipUnchanged: options.skipUnchanged,
    metricsSink: lines.metricsSink,
    logSink: lines.logSink,
    ...(options.monitorConcurrency ? { monitorConcurrency: options.monitorConcurrency } : {}),
  });
  try {
    // Alerts go somewhere, as in production (SNS → SQS deliveries are free in AWS).
    await pipeline.subscribe('bench-subscriber');
    const { store, sealer } = pipeline.composition;
    const portfolio = world.portfolio().map((subject) => ({ ...subject, tier: 'daily' as const }));
    await enrolSubjects(portfolio, { store, sealer, tokenKey: pipeline.config.tokenKey });

    let started = performance.now();
    await pipeline.requestTier('daily', 'bench');
    await pipeline.waitIdle();
    const baselineSeconds = (performance.now() - started) / 1000;
    log(`  day 0 baselines: ${lines.totals.Checks} checks in ${baselineSeconds.toFixed(1)} s`);

    const steps: StepMeasure[] = [];
    const plan: [string, number][] =
      options.steps === 'short'
        ? [
            ['day 1', 1],
            ['again', 1],
          ]
        : [
            ['day 1', 1],
            ['day 2', 2],
            ['again', 2],
          ];
    for (const [label, day] of plan) {
      simulator.setDay(day);
      counter.reset();
      lines.reset();
      const sampler = busySampler(pipeline);
      const cpuStart = process.cpuUsage();
      const eluStart = performance.eventLoopUtilization();
      started = performance.now();
      await pipeline.requestTier('daily', 'bench');
      await pipeline.waitIdle();
      const seconds = (performance.now() - started) / 1000;
      const cpu = process.cpuUsage(cpuStart);
      const elu = performance.eventLoopUtilization(eluStart);
      const busy = sampler.stop();
      const counts = counter.snapshot();
      const invocationsOf = (url: string) => counts.nonEmptyReceives[url] ?? 0;
      const step: StepMeasure = {
        label,
        checks: lines.totals.Checks,
        changes: lines.totals.Changes,
        seconds,
        checksPerSecond: lines.totals.Checks / seconds,
        cpuSeconds: (cpu.user + cpu.system) / 1e6,
        pipelineThreadUtilization: elu.utilization,
        counts,
        functions: {
          [FUNCTIONS.fanOut.name]: {
            invocations: invocationsOf(pipeline.resources.queueUrls.fanOut),
            busySeconds: busy[FUNCTIONS.fanOut.name] ?? 0,
          },
          [FUNCTIONS.monitor.name]: {
            invocations: invocationsOf(pipeline.resources.queueUrls.monitorJobs),
            busySeconds: busy[FUNCTIONS.monitor.name] ?? 0,
          },
        },
        logBytes: lines.totals.bytes,
      };
      steps.push(step);
      log(
        `  ${label}: ${step.checks} checks, ${step.changes} changed, ${seconds.toFixed(2)} s, ` +
          `${Math.round(step.checksPerSecond)} checks/s, ${Math.round(step.checks / step.cpuSeconds)} checks per CPU-second, ` +
          `pipeline thread ${Math.round(step.pipelineThreadUtilization * 100)} % busy`,
      );
    }
    return { subjects: options.subjects, skipUnchanged: options.skipUnchanged, baselineSeconds, steps };
  } finally {
    await pipeline.stop();
    await simulator.close();
  }
}
