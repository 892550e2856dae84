/**
 * The chaos soak: the generated world through the local pipeline under bureau faults, crashes
 * between the state write and the publish, duplicate SQS deliveries and a process restart on the
 * same data directory, then checks that no change was lost or announced twice.
 *
 * What "lost" means here (the strong form): at the end, after one last check of every tier on the
 * last day and after the dead-letter queue is redriven as an operator would, (1) every monitored subject's stored snapshot hash equals a fresh, fault-free
 * fetch of the simulator on the last day, and (2) every alert the store committed (its alert
 * history, one entry per alert of every version) reached the subscriber. Together: the store holds
 * the truth, and every change it recorded on the way there was announced. A change made and undone
 * between two checks of a subject is invisible to any poller and is not counted as lost; the
 * per-change match (changesReported) is reported alongside for that reason.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ListSubscriptionsByTopicCommand } from '@aws-sdk/client-sns';
import {
  DeleteMessageBatchCommand,
  GetQueueAttributesCommand,
  GetQueueUrlCommand,
  ReceiveMessageCommand,
  SendMessageCommand,
} from '@aws-sdk/client-sqs';
import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import { SCHEDULES } from '#shared/catalogue.ts';
import { compose } from '#shared/composition.ts';
import { AlertV1 } from '#shared/domain/alert.ts';
import { snapshotHash } from '#shared/domain/hash.ts';
import type { Tier } from '#shared/domain/subject.ts';
import { LOCAL_PREFIX } from '#shared/local/bootstrap.ts';
import type { IamDenial } from '#shared/local/iam/enforcer.ts';
import { type LocalPipeline, type LocalPipelineOptions, startLocalPipeline } from '#shared/local/pipeline.ts';
import { firesOnDate, parseScheduleExpression } from '#shared/local/schedule-expressions.ts';
import { SIMULATED_PACING } from '#shared/local/simulated-bureaus.ts';
import type { IntradayWorld } from '#shared/simulator/intraday.ts';
import { isStaleDay, type LateAnswers } from '#shared/simulator/late.ts';
import { mulberry32 } from '#shared/simulator/prng.ts';
import { type FaultRates, type ThrottleBursts, worldTransport } from '#shared/simulator/server.ts';
import { startSimulatorThread } from '#shared/simulator/thread.ts';
import type { SimWorld } from '#shared/simulator/types.ts';
import { DEFAULT_START_DATE } from '#shared/simulator/world.ts';
import { enrolSubjects } from '#shared/use-cases/enrol-subjects.ts';
import type { JobSubject } from '#shared/use-cases/ports.ts';
import {
  type DeadLetter,
  type DeliveredAlert,
  dayOfRun,
  duplicateAlertGroups,
  matchChanges,
  missedChanges,
  readDeadLetter,
  reannouncedAlerts,
  undeliveredAlerts,
  unexplainedAlerts,
} from './verify.ts';

/** The faults the issue asks for: 10 % 5xx, 5 % timeouts, 2 % malformed, plus bursts of 429. */
export const DEFAULT_FAULTS: FaultRates = {
  faultRate: 0.1,
  timeoutRate: 0.05,
  malformedRate: 0.02,
  throttleRate: 0,
};
export const DEFAULT_BURSTS: ThrottleBursts = { rate: 0.002, length: 40 };
/**
 * Late and out-of-order answers (see shared/simulator/late.ts): 5 % of credit-bureau subject-days
 * answer their first request with the last older report, 2 % of answers are held 120 ms (below the
 * soak's 300 ms timeout), so with duplicate deliveries an older and a newer report of one subject
 * arrive in either order.
 */
export const DEFAULT_LATE: Omit<LateAnswers, 'untilDay'> = { staleRate: 0.05, delayRate: 0.02, delayMs: 120 };

/** Of the subjects that change on a day, the share whose change comes in the afternoon. */
export const DEFAULT_INTRADAY_RATE = 0.3;

export interface SoakOptions {
  readonly subjects: number;
  readonly days: number;
  readonly seed: number;
  readonly startDate?: string;
  readonly faults?: FaultRates;
  /** null: no bursts. */
  readonly throttleBursts?: ThrottleBursts | null;
  /** Older reports and held answers; null: none. Older reports stop before the last day. @default DEFAULT_LATE */
  readonly lateAnswers?: Omit<LateAnswers, 'untilDay'> | null;
  /**
   * Share of the subjects changing on a day whose changes come after noon, after the scheduled
   * checks and before an afternoon feed poll (intraday.ts). @default DEFAULT_INTRADAY_RATE
   */
  readonly intradayRate?: number;
  /** Fraction of commits after which the worker crashes before publishing. @default 0.05 */
  readonly crashRate?: number;
  /** Fraction of monitor jobs delivered to two invocations at once. @default 0.05 */
  readonly duplicateRate?: number;
  /** Day on which the process restarts mid-run (jobs queued); null: never. @default days / 2 */
  readonly restartAtDay?: number | null;
  /** Kept after the run when given; a fresh temporary directory (removed afterwards) otherwise. */
  readonly dataDir?: string;
  readonly logSink?: (line: string) => void;
  readonly metricsSink?: (line: string) => void;
  readonly instrument?: LocalPipelineOptions['instrument'];
  readonly onAlert?: (delivered: DeliveredAlert) => void;
  readonly onDay?: (day: number, days: number) => void;
  /** Looks at the final state before the pipeline stops (e.g. scans the table). */
  readonly inspect?: (pipeline: LocalPipeline, world: SimWorld) => Promise<void>;
}

export interface SoakReport {
  subjects: number;
  days: number;
  seed: number;
  checks: number;
  changesMade: number;
  changesReported: number;
  unmatchedChangesByKind: Record<string, number>;
  /** Changes of the daily-tier subjects that must raise an alert (see missedChanges). */
  dailyChangesDue: number;
  /** Changes not due: unreported, and the subject's check of their day or the day before was dead-lettered. */
  dailyChangesExcused: number;
  /** Of those, changes no alert of the expected type followed (see missedChanges); part of `lost`. */
  missedChanges: number;
  missedChangesByKind: Record<string, number>;
  missedExamples: string[];
  /** stateMismatches + historyGaps + undeliveredAlerts: see the module comment. */
  lost: number;
  /** Subjects whose stored hash differs from a fault-free fetch on the last day. */
  stateMismatches: number;
  /** Subjects whose version count and snapshot history disagree (a version without its record). */
  historyGaps: number;
  undeliveredAlerts: number;
  alertsCommitted: number;
  alertsDelivered: number;
  deliveries: number;
  /** (subjectId, snapshotVersion, type) groups with more than one alertId. */
  duplicateAlerts: number;
  /**
   * (subject, type) groups announced more often than the world explains: a once-only event (a
   * bankruptcy) under more than one alertId, or more alerts of a type than changes of its kinds.
   */
  reannouncedAlerts: number;
  reannouncedExamples: string[];
  /** Answers the simulator served as an older report, and checks the monitor refused as stale. */
  staleAnswers: { served: number; refused: number };
  /** Subjects dead-lettered during the run (before the final redrive). */
  dlq: number;
  dlqReasons: Record<string, number>;
  dlqRedriveRounds: number;
  /** Subjects still dead-lettered after the redrive. */
  dlqAfterRedrive: number;
  fanOutDlq: number;
  malformedAnswers: number;
  malformedDeadLettered: number;
  /** Malformed answers whose job the queue retried successfully. */
  malformedRetried: number;
  crashesInjected: number;
  duplicateDeliveries: number;
  restarts: number;
  pendingOutboxes: number;
  bureau: {
    requests: number;
    faults: number;
    timeouts: number;
    malformed: number;
    throttled: number;
    stale: number;
    delayed: number;
  };
  /** Subject-days whose changes came in the afternoon, after the scheduled checks. */
  intradayChanges: number;
  /** AWS calls authorized against the deployed roles, over every restart; any denial fails the soak. */
  iam: { checked: number; denied: number; deniedCalls: IamDenial[] };
  durationMs: number;
}

const TIERS_BY_SCHEDULE = SCHEDULES.map((schedule) => ({
  tier: schedule.tier,
  expression: parseScheduleExpression(schedule.expression),
}));
const SUBSCRIBER = 'soak-subscriber';

class InjectedCrash extends Error {
  override readonly name = 'InjectedCrash';
}

/**
 * Runs the soak and checks it; never throws for a failed check (the report says so).
 *
 * @example
 * const report = await runSoak({ subjects: 150, days: 8, seed: 1 });
 * report.lost; // 0
 */
export async function runSoak(options: SoakOptions): Promise<SoakReport> {
  const started = Date.now();
  const late = options.lateAnswers === null ? null : (options.lateAnswers ?? DEFAULT_LATE);
  // The bureaus are remote services: the simulator serves from a worker thread, this thread keeps a copy.
  const intradayRate = options.intradayRate ?? DEFAULT_INTRADAY_RATE;
  const simulator = await startSimulatorThread({
    source: {
      kind: 'generated',
      options: {
        seed: options.seed,
        subjects: options.subjects,
        startDate: options.startDate ?? DEFAULT_START_DATE,
      },
      ...(intradayRate > 0 ? { intraday: { seed: options.seed, rate: intradayRate } } : {}),
    },
    faults: options.faults ?? DEFAULT_FAULTS,
    seed: options.seed,
    holdMs: 500,
    ...(options.throttleBursts !== null ? { throttleBursts: options.throttleBursts ?? DEFAULT_BURSTS } : {}),
    // The last day reads the truth, so that the end state can be compared with it.
    ...(late ? { lateAnswers: { ...late, untilDay: options.days - 1 } } : {}),
  });
  const { world } = simulator;
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), 'credmon-soak-'));
  const clock = () => new Date(`${world.today()}T06:00:00.000Z`);
  const crashRate = options.crashRate ?? 0.05;
  const duplicateRate = options.duplicateRate ?? 0.05;
  const restartAtDay =
    options.restartAtDay === undefined ? Math.floor(options.days / 2) : options.restartAtDay;
  const crashRandom = mulberry32(options.seed ^ 0xc4a54);
  const duplicateRandom = mulberry32(options.seed ^ 0xd0b1e);
  let crashesInjected = 0;
  let duplicateDeliveries = 0;
  const metrics: Record<string, number> = {};

  const pipelineOptions: LocalPipelineOptions = {
    simulatorUrl: simulator.url,
    pacing: {
      companiesHouseRateLimitPerSecond: 1000,
      companiesHouseQuota: SIMULATED_PACING.companiesHouseQuota,
      http: {
        // The simulator answers in milliseconds: a short timeout keeps injected timeouts cheap.
        timeoutMs: 300,
        maxAttempts: 3,
        baseDelayMs: 20,
        maxDelayMs: 200,
        rateLimitPerSecond: 5000,
        // In AWS a failed job returns after the visibility timeout (minutes), long after a 30 s
        // breaker has closed; locally it returns in seconds, so the breaker resets in proportion.
        breaker: { failureThreshold: 5, resetAfterMs: 1000 },
      },
    },
    now: clock,
    dataDir,
    retryDelaySeconds: 1,
    duplicateRate,
    duplicateRandom: () => {
      const u = duplicateRandom();
      if (u < duplicateRate) duplicateDeliveries++;
      return u;
    },
    afterCommit: () => {
      if (crashRandom() >= crashRate) return;
      crashesInjected++;
      throw new InjectedCrash('worker crashed between the state write and the publish');
    },
    metricsSink: (line) => {
      countMetrics(line, metrics);
      options.metricsSink?.(line);
    },
    ...(options.logSink ? { logSink: options.logSink } : {}),
    ...(options.instrument ? { instrument: options.instrument } : {}),
  };

  const delivered: DeliveredAlert[] = [];
  let pipeline = await startLocalPipeline(pipelineOptions);
  // Each restart brings a new enforcer: what the stopped pipelines checked is added up here.
  const iamBefore = { checked: 0, denied: 0, deniedCalls: [] as IamDenial[] };
  const iamSoFar = () => {
    const current = pipeline.iam.summary();
    return {
      checked: iamBefore.checked + current.checked,
      denied: iamBefore.denied + current.denied,
      deniedCalls: [...iamBefore.deniedCalls, ...pipeline.iam.deniedCalls()],
    };
  };
  try {
    let subscriberUrl = await pipeline.subscribe(SUBSCRIBER);
    const portfolio = world.portfolio();
    await enrolSubjects(portfolio, {
      store: pipeline.composition.store,
      sealer: pipeline.composition.sealer,
      tokenKey: pipeline.config.tokenKey,
    });
    const drain = () => drainSubscriber(pipeline, subscriberUrl, delivered, options.onAlert);

    let restarts = 0;
    for (let day = 0; day < options.days; day++) {
      simulator.setDay(day);
      const date = world.today();
      const tiers = new Set<Tier>(
        TIERS_BY_SCHEDULE.filter((entry) => day === 0 || firesOnDate(entry.expression, date)).map(
          (entry) => entry.tier,
        ),
      );
      for (const tier of tiers) await pipeline.requestTier(tier, 'schedule');
      if (day === restartAtDay) {
        await untilJobsQueued(pipeline);
        // Graceful: the process ends between invocations, as a deploy or a scale-in does; a crash in
        // the middle of a check is the crash injection's business.
        Object.assign(iamBefore, iamSoFar());
        await pipeline.stop({ graceful: true, checkIam: false });
        pipeline = await startLocalPipeline(pipelineOptions);
        subscriberUrl = await reattachSubscriber(pipeline);
        restarts++;
      }
      await pipeline.waitIdle();
      // The afternoon: the changes held back happen, and the feed poll after them announces them.
      if (intradayRate > 0) {
        simulator.passNoon();
        await pipeline.requestTier('feed', 'schedule');
        await pipeline.waitIdle();
      }
      await drain();
      options.onDay?.(day + 1, options.days);
    }

    // A last check of every tier on the last day: weekly and monthly subjects otherwise hold the
    // state of their last scheduled check, and the end state could not be compared with the truth.
    for (const { tier } of TIERS_BY_SCHEDULE) await pipeline.requestTier(tier, 'soak-final');
    await pipeline.waitIdle();

    // The operator's redrive: dead-lettered jobs go back to the monitor queue until none is left.
    const dayOf = (iso: string) => dayOfRun(iso, world.startDate);
    const deadLetters: DeadLetterTally = { subjects: 0, reasons: {}, unchecked: new Set() };
    let dlqRedriveRounds = 0;
    let remaining = await redriveDeadLetters(pipeline, deadLetters, dayOf);
    while (remaining > 0 && dlqRedriveRounds < 5) {
      dlqRedriveRounds++;
      await pipeline.waitIdle();
      remaining = await redriveDeadLetters(
        pipeline,
        { subjects: 0, reasons: {}, unchecked: deadLetters.unchecked },
        dayOf,
      );
    }
    const dlqAfterRedrive = remaining;
    // A morning check of a subject whose change came in the afternoon saw the day before: as for a
    // dead-lettered check, a change undone before the subject's next check is rightly never reported.
    const heldDays = (world as Partial<IntradayWorld>).heldSubjectDays?.() ?? new Set<string>();
    for (const subjectDay of heldDays) deadLetters.unchecked.add(subjectDay);
    await pipeline.waitIdle();
    for (let i = 0; i < 5; i++) {
      await new Promise((resolve) => setTimeout(resolve, 20));
      await drain();
    }

    // The checks.
    const table = await scanHistory(pipeline);
    const fresh = compose(pipeline.config, { transport: worldTransport(world, simulator.url), now: clock });
    const { store } = pipeline.composition;
    let stateMismatches = 0;
    let historyGaps = 0;
    let pendingOutboxes = 0;
    for (const subject of portfolio) {
      const state = await store.get(subject.id);
      if (!state) {
        stateMismatches++;
        continue;
      }
      if (state.outbox.length > 0) pendingOutboxes++;
      if (!state.monitored) continue;
      const job: JobSubject = {
        id: state.subject.id,
        kind: state.subject.kind,
        country: state.subject.country,
        registryId: state.subject.registryId,
        personToken: state.subject.personToken,
        sealedNationalId: state.sealedNationalId,
        version: state.version,
        hash: state.hash,
      };
      const truth = await fresh.monitor.fetchSnapshot(job, async () => state);
      if (snapshotHash(truth.snapshot) !== state.hash) stateMismatches++;
      // Every version has its snapshot history: none was committed without its record.
      if ((table.versions.get(subject.id) ?? 0) !== state.version) historyGaps++;
    }
    const alerts = delivered.map((entry) => entry.alert);
    const deliveredIds = new Set(alerts.map((alert) => alert.alertId));
    const undelivered = undeliveredAlerts(table.alertIds, deliveredIds);
    const match = matchChanges(world.truth().changes, alerts, world.startDate, options.days);
    // Daily subjects are checked after every day, but not on a day a fault sent their check to the
    // dead-letter queue (until the final redrive).
    const checkedDaily = new Set(portfolio.filter((s) => s.tier === 'daily').map((s) => s.id));
    // A check that read an older report saw nothing new that day, as a dead-lettered one.
    if (late) {
      for (const subject of portfolio) {
        const key =
          subject.kind === 'individual'
            ? `person:${subject.country}:${subject.nationalId ?? ''}`
            : `company:${subject.country}:${subject.registryId ?? ''}`;
        for (let day = 0; day < options.days - 1; day++)
          if (isStaleDay(options.seed, late.staleRate, key, day))
            deadLetters.unchecked.add(`${subject.id}@${day}`);
      }
    }
    const missed = missedChanges(
      world.truth().changes,
      alerts,
      checkedDaily,
      world.startDate,
      options.days,
      deadLetters.unchecked,
    );
    const missedCount = Object.values(missed.missedByKind).reduce((a, b) => a + b, 0);
    const depths = await pipeline.queueDepths();
    const bureau = simulator.stats();
    const malformedDeadLettered = deadLetters.reasons.MalformedPayloadError ?? 0;
    const reannounced = [
      ...reannouncedAlerts(alerts).map((group) => group.key),
      ...unexplainedAlerts(world.truth().changes, alerts, world.startDate),
    ].filter((key, index, all) => all.indexOf(key) === index);

    await options.inspect?.(pipeline, world);
    return {
      subjects: portfolio.length,
      days: options.days,
      seed: options.seed,
      checks: metrics.Checks ?? 0,
      changesMade: match.changesMade,
      changesReported: match.changesReported,
      unmatchedChangesByKind: match.unmatchedByKind,
      lost: stateMismatches + historyGaps + undelivered.length + missedCount,
      dailyChangesDue: missed.due,
      dailyChangesExcused: missed.excused,
      missedChanges: missedCount,
      missedChangesByKind: missed.missedByKind,
      missedExamples: missed.examples,
      stateMismatches,
      historyGaps,
      undeliveredAlerts: undelivered.length,
      alertsCommitted: table.alertIds.size,
      alertsDelivered: deliveredIds.size,
      deliveries: delivered.length,
      duplicateAlerts: duplicateAlertGroups(alerts).length,
      reannouncedAlerts: reannounced.length,
      reannouncedExamples: reannounced.slice(0, 5),
      staleAnswers: { served: bureau.stale, refused: metrics.StaleAnswers ?? 0 },
      intradayChanges: heldDays.size,
      dlq: deadLetters.subjects,
      dlqReasons: deadLetters.reasons,
      dlqRedriveRounds,
      dlqAfterRedrive,
      fanOutDlq: depths.fanOutDlq ?? 0,
      malformedAnswers: bureau.malformed,
      malformedDeadLettered,
      malformedRetried: bureau.malformed - malformedDeadLettered,
      crashesInjected,
      duplicateDeliveries,
      restarts,
      pendingOutboxes,
      bureau,
      iam: iamSoFar(),
      durationMs: Date.now() - started,
    };
  } finally {
    // The report carries the denials; the verdict fails on them.
    await pipeline.stop({ checkIam: false });
    await simulator.close();
    if (!options.dataDir) rmSync(dataDir, { recursive: true, force: true });
  }
}

function countMetrics(line: string, totals: Record<string, number>): void {
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
    'AlertsRepublished',
    'DeadLettered',
    'StaleAnswers',
  ]) {
    const value = parsed[name];
    if (value === undefined) continue;
    const sum = Array.isArray(value) ? value.reduce((a: number, b: number) => a + b, 0) : Number(value);
    totals[name] = (totals[name] ?? 0) + sum;
  }
}

async function drainSubscriber(
  pipeline: LocalPipeline,
  queueUrl: string,
  into: DeliveredAlert[],
  onAlert: ((delivered: DeliveredAlert) => void) | undefined,
): Promise<void> {
  const { sqs } = pipeline.composition.clients;
  for (;;) {
    const { Messages = [] } = await sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: queueUrl,
        MaxNumberOfMessages: 10,
        WaitTimeSeconds: 0,
        MessageAttributeNames: ['All'],
      }),
    );
    if (Messages.length === 0) return;
    for (const message of Messages) {
      const raw = message.Body ?? '';
      const attributes = Object.fromEntries(
        Object.entries(message.MessageAttributes ?? {}).map(([name, value]) => [
          name,
          value.StringValue ?? '',
        ]),
      );
      const entry: DeliveredAlert = { alert: AlertV1.parse(JSON.parse(raw)), raw, attributes };
      into.push(entry);
      onAlert?.(entry);
    }
    await sqs.send(
      new DeleteMessageBatchCommand({
        QueueUrl: queueUrl,
        Entries: Messages.map((message, index) => ({
          Id: String(index),
          ReceiptHandle: message.ReceiptHandle,
        })),
      }),
    );
  }
}

/** Waits until the fan-out has queued monitor jobs, so that the restart interrupts a busy day. */
async function untilJobsQueued(pipeline: LocalPipeline): Promise<void> {
  const deadline = Date.now() + 5_000;
  while (Date.now() < deadline) {
    const depths = await pipeline.queueDepths();
    if ((depths.monitorJobs ?? 0) > 0) return;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** After a restart: the subscriber queue and its subscription come back from disk; re-subscribes only if not. */
async function reattachSubscriber(pipeline: LocalPipeline): Promise<string> {
  const { sqs, sns } = pipeline.composition.clients;
  const { QueueUrl } = await sqs.send(new GetQueueUrlCommand({ QueueName: `${LOCAL_PREFIX}-${SUBSCRIBER}` }));
  const { Attributes } = await sqs.send(
    new GetQueueAttributesCommand({ QueueUrl: QueueUrl ?? '', AttributeNames: ['QueueArn'] }),
  );
  const { Subscriptions = [] } = await sns.send(
    new ListSubscriptionsByTopicCommand({ TopicArn: pipeline.resources.alertsTopicArn }),
  );
  if (Subscriptions.some((subscription) => subscription.Endpoint === Attributes?.QueueArn))
    return QueueUrl ?? '';
  return pipeline.subscribe(SUBSCRIBER);
}

/** What the redrive read from the dead-letter queue. */
interface DeadLetterTally {
  subjects: number;
  reasons: Record<string, number>;
  /** `subject@day` of every dead-lettered check, the day being that of the job's tier run. */
  readonly unchecked: Set<string>;
}

/** Moves every dead-lettered monitor job back to the monitor queue; returns how many subjects it moved. */
async function redriveDeadLetters(
  pipeline: LocalPipeline,
  into: DeadLetterTally,
  dayOf: (iso: string) => number,
): Promise<number> {
  const { sqs } = pipeline.composition.clients;
  const dlqUrl = pipeline.resources.dlqUrls.monitorJobs;
  let moved = 0;
  for (;;) {
    const { Messages = [] } = await sqs.send(
      new ReceiveMessageCommand({ QueueUrl: dlqUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 0 }),
    );
    if (Messages.length === 0) return moved;
    for (const message of Messages) {
      const body = message.Body ?? '';
      const letter: DeadLetter = readDeadLetter(body);
      into.subjects += letter.subjects;
      for (const [reason, count] of Object.entries(letter.reasons))
        into.reasons[reason] = (into.reasons[reason] ?? 0) + count;
      moved += letter.subjects;
      const { failures: _failures, ...job } = JSON.parse(body) as Record<string, unknown>;
      const day = typeof job.requestedAt === 'string' ? dayOf(job.requestedAt) : Number.NaN;
      if (Array.isArray(job.subjects)) {
        for (const subject of job.subjects as { id?: unknown }[])
          if (typeof subject.id === 'string') into.unchecked.add(`${subject.id}@${day}`);
      }
      await sqs.send(
        new SendMessageCommand({
          QueueUrl: pipeline.resources.queueUrls.monitorJobs,
          MessageBody: JSON.stringify(job),
        }),
      );
    }
    await sqs.send(
      new DeleteMessageBatchCommand({
        QueueUrl: dlqUrl,
        Entries: Messages.map((message, index) => ({
          Id: String(index),
          ReceiptHandle: message.ReceiptHandle,
        })),
      }),
    );
  }
}

/** Versions recorded per subject and every committed alert id, from one scan of the table. */
async function scanHistory(
  pipeline: LocalPipeline,
): Promise<{ versions: Map<string, number>; alertIds: Set<string> }> {
  const versions = new Map<string, number>();
  const alertIds = new Set<string>();
  let start: Record<string, unknown> | undefined;
  do {
    const page = await pipeline.composition.clients.dynamodb.send(
      new ScanCommand({
        TableName: pipeline.resources.tableName,
        ProjectionExpression: '#e, subjectId, alertId',
        FilterExpression: '#e IN (:snapshot, :alert)',
        ExpressionAttributeNames: { '#e': 'entity' },
        ExpressionAttributeValues: { ':snapshot': 'snapshot', ':alert': 'alert' },
        ...(start ? { ExclusiveStartKey: start } : {}),
      }),
    );
    for (const item of page.Items ?? []) {
      if (item.entity === 'alert' && typeof item.alertId === 'string') alertIds.add(item.alertId);
      if (item.entity === 'snapshot' && typeof item.subjectId === 'string')
        versions.set(item.subjectId, (versions.get(item.subjectId) ?? 0) + 1);
    }
    start = page.LastEvaluatedKey;
  } while (start);
  return { versions, alertIds };
}
