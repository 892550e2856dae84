/**
 * One local run: the simulator's world, the pipeline on the embedded AWS, the schedules over
 * simulated days, and a subscriber queue receiving every alert.
 */
import { DeleteMessageBatchCommand, ReceiveMessageCommand } from '@aws-sdk/client-sqs';
import { SCHEDULES } from '#shared/catalogue.ts';
import { AlertV1 } from '#shared/domain/alert.ts';
import type { RiskClass } from '#shared/domain/risk/assessment.ts';
import type { Tier } from '#shared/domain/subject.ts';
import { startSimulator } from '#shared/simulator/server.ts';
import { startSimulatorThread, type WorldSource } from '#shared/simulator/thread.ts';
import type { SimWorld } from '#shared/simulator/types.ts';
import { enrolSubjects } from '#shared/use-cases/enrol-subjects.ts';
import type { IamDenial } from './iam/enforcer.ts';
import { startLocalPipeline } from './pipeline.ts';
import { firesOnDate, parseScheduleExpression } from './schedule-expressions.ts';
import { SIMULATED_PACING } from './simulated-bureaus.ts';

export interface FaultRates {
  readonly faultRate: number;
  readonly timeoutRate: number;
  readonly malformedRate: number;
  readonly throttleRate: number;
}

export interface LocalRunOptions {
  /**
   * The world, or its recipe: from a recipe the simulator runs in a worker thread (the bureaus'
   * CPU is then not the pipeline's, as in production); a world object is served in this thread.
   */
  readonly world: SimWorld | WorldSource;
  readonly days: number;
  readonly faults?: FaultRates;
  readonly seed?: number;
  readonly dataDir?: string;
  /** Each delivered alert, as the subscriber received it, and the step of the day that delivered it. */
  readonly onAlert?: (alert: AlertV1, raw: string, delivery: AlertDelivery) => void;
  readonly onDay?: (day: number, days: number) => void;
  /** Failure injection between the state write and the publish (fault proofs). */
  readonly afterCommit?: (subjectId: string) => void;
  /** How long a bureau request may take before it counts as timed out. @default 1000 */
  readonly bureauTimeoutMs?: number;
  /** Where the functions' log lines (Powertools JSON) go; dropped when absent. */
  readonly logSink?: (line: string) => void;
}

/** When an alert reached the subscriber: each day sweeps outboxes, polls the feeds, then runs tiers. */
export interface AlertDelivery {
  readonly day: number;
  readonly step: 'sweep' | 'feed' | 'tiers';
}

export interface LocalRunSummary {
  subjects: number;
  days: number;
  checks: number;
  /** Subjects the change-feed polls sent for a check. */
  feedChecks: number;
  /** Feed polls that failed after Lambda's retries (the next poll resumes from the cursor). */
  feedPollFailures: number;
  /** Outboxes the sweeper republished. */
  outboxesSwept: number;
  changes: number;
  alertsPublished: number;
  alertsDelivered: number;
  riskClasses: Record<RiskClass, number>;
  alertsByType: Record<string, number>;
  dlq: number;
  pendingOutboxes: number;
  bureauRequests: number;
  /** AWS calls authorized against the deployed roles, and those AWS would have refused. */
  iam: { checked: number; denied: number; deniedCalls: IamDenial[] };
  durationMs: number;
}

const TIERS_BY_SCHEDULE = SCHEDULES.map((schedule) => ({
  tier: schedule.tier,
  expression: parseScheduleExpression(schedule.expression),
}));

/** Counts the pipeline's own metrics (EMF lines) as the run goes. */
function metricCounter() {
  const totals: Record<string, number> = {};
  return {
    totals,
    sink(line: string) {
      let parsed: Record<string, unknown>;
      try {
        parsed = JSON.parse(line);
      } catch {
        return;
      }
      for (const name of [
        'Checks',
        'Changes',
        'AlertsPublished',
        'DeadLettered',
        'FeedSubjectsEnqueued',
        'OutboxesSwept',
      ]) {
        const value = parsed[name];
        const sum = Array.isArray(value)
          ? value.reduce((a: number, b: number) => a + b, 0)
          : Number(value ?? 0);
        totals[name] = (totals[name] ?? 0) + sum;
      }
    },
  };
}

/**
 * @example
 * const summary = await runLocal({ world: createWorld({ seed: 1, subjects: 100, startDate }), days: 10 });
 */
export async function runLocal(options: LocalRunOptions): Promise<LocalRunSummary> {
  const started = Date.now();
  const simulatorOptions = {
    ...(options.faults ? { faults: options.faults } : {}),
    ...(options.seed !== undefined ? { seed: options.seed } : {}),
  };
  const simulator =
    'advanceTo' in options.world
      ? await startSimulator({ ...simulatorOptions, world: options.world })
      : await startSimulatorThread({ ...simulatorOptions, source: options.world });
  const { world } = simulator;
  simulator.setDay(0);
  const clock = () => new Date(`${world.today()}T06:00:00.000Z`);
  const metrics = metricCounter();
  const pipeline = await startLocalPipeline({
    simulatorUrl: simulator.url,
    pacing: {
      ...SIMULATED_PACING,
      http: {
        ...SIMULATED_PACING.http,
        timeoutMs: options.bureauTimeoutMs ?? SIMULATED_PACING.http.timeoutMs,
      },
    },
    now: clock,
    metricsSink: metrics.sink,
    ...(options.logSink ? { logSink: options.logSink } : {}),
    ...(options.dataDir ? { dataDir: options.dataDir } : {}),
    ...(options.afterCommit ? { afterCommit: options.afterCommit } : {}),
  });
  try {
    const subscriberUrl = await pipeline.subscribe('subscriber-all');
    const { store, sealer } = pipeline.composition;
    const portfolio = world.portfolio();
    await enrolSubjects(portfolio, { store, sealer, tokenKey: pipeline.config.tokenKey });

    let alertsDelivered = 0;
    const alertsByType: Record<string, number> = {};
    let delivery: AlertDelivery = { day: 0, step: 'tiers' };
    let feedPollFailures = 0;
    const drainSubscriber = async () => {
      for (;;) {
        const { Messages = [] } = await pipeline.composition.clients.sqs.send(
          new ReceiveMessageCommand({ QueueUrl: subscriberUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 0 }),
        );
        if (Messages.length === 0) return;
        for (const message of Messages) {
          const raw = message.Body ?? '';
          const alert = AlertV1.parse(JSON.parse(raw));
          alertsDelivered++;
          alertsByType[alert.type] = (alertsByType[alert.type] ?? 0) + 1;
          options.onAlert?.(alert, raw, delivery);
        }
        await pipeline.composition.clients.sqs.send(
          new DeleteMessageBatchCommand({
            QueueUrl: subscriberUrl,
            Entries: Messages.map((message, index) => ({
              Id: String(index),
              ReceiptHandle: message.ReceiptHandle,
            })),
          }),
        );
      }
    };

    for (let day = 0; day < options.days; day++) {
      simulator.setDay(day);
      const date = world.today();
      // Alerts a crashed publish left behind go out first; then the feeds, whose changes reach
      // subscribers within this poll, before the day's tier runs.
      delivery = { day, step: 'sweep' };
      await pipeline.sweepOutboxes();
      await drainSubscriber();
      delivery = { day, step: 'feed' };
      // A failed poll moves no cursor: the next one reads the same pages, as in the cloud.
      await pipeline.pollFeeds().catch(() => {
        feedPollFailures++;
      });
      await pipeline.waitIdle();
      await drainSubscriber();
      delivery = { day, step: 'tiers' };
      // Enrolment asks for an immediate baseline: day 0 checks every tier (the daily run checks the
      // feed tier too, see CHECKED_NEXT).
      const tiers = new Set<Tier>(
        day === 0
          ? TIERS_BY_SCHEDULE.map((entry) => entry.tier)
          : TIERS_BY_SCHEDULE.filter((entry) => firesOnDate(entry.expression, date)).map(
              (entry) => entry.tier,
            ),
      );
      for (const tier of tiers) await pipeline.requestTier(tier, 'schedule');
      await pipeline.waitIdle();
      await drainSubscriber();
      options.onDay?.(day + 1, options.days);
    }
    // SNS → SQS delivery is asynchronous: give the last alerts a moment to land.
    for (let i = 0; i < 5; i++) {
      await new Promise((resolve) => setTimeout(resolve, 20));
      await drainSubscriber();
    }

    const riskClasses: Record<RiskClass, number> = { A: 0, B: 0, C: 0, D: 0 };
    let pendingOutboxes = 0;
    for (const subject of portfolio) {
      const state = await store.get(subject.id);
      if (state?.risk) riskClasses[state.risk.class]++;
      if (state && state.outbox.length > 0) pendingOutboxes++;
    }
    const depths = await pipeline.queueDepths();
    return {
      subjects: portfolio.length,
      days: options.days,
      checks: metrics.totals.Checks ?? 0,
      feedChecks: metrics.totals.FeedSubjectsEnqueued ?? 0,
      feedPollFailures,
      outboxesSwept: metrics.totals.OutboxesSwept ?? 0,
      changes: metrics.totals.Changes ?? 0,
      alertsPublished: metrics.totals.AlertsPublished ?? 0,
      alertsDelivered,
      riskClasses,
      alertsByType,
      dlq: depths.monitorJobsDlq ?? 0,
      pendingOutboxes,
      bureauRequests: simulator.stats().requests,
      iam: { ...pipeline.iam.summary(), deniedCalls: [...pipeline.iam.deniedCalls()] },
      durationMs: Date.now() - started,
    };
  } finally {
    // The summary reports denials; the CLI fails the run on them.
    await pipeline.stop({ checkIam: false });
    await simulator.close();
  }
}
