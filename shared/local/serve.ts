/**
 * `credmon local --serve`: a long-running local stack for people who build against credmon. The
 * embedded AWS on a data directory (resumed, not wiped), the bureau simulator, the pollers and a
 * real-time scheduler that advances the simulated clock one day every `daySeconds` and fires the
 * schedules due that day, until stopped.
 *
 * What survives a restart lives in the data directory: the embedded AWS's files (table, queues with
 * their in-flight messages, topic and subscriptions) and `serve-state.json` ({@link ServeState}: the
 * simulated world's recipe, its current day, and the last run per tier). The world is a pure function
 * of its recipe and the day, so a restarted server answers exactly as the stopped one would have.
 */
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { GetQueueAttributesCommand } from '@aws-sdk/client-sqs';
import { z } from 'zod';
import type { BureauConfigInput } from '#shared/adapters/bureaus/provider.ts';
import { QUEUES, type QueueKey, SCHEDULES } from '#shared/catalogue.ts';
import { Tier } from '#shared/domain/subject.ts';
import { loadScenario } from '#shared/simulator/scenario.ts';
import type { FaultRates, Simulator } from '#shared/simulator/server.ts';
import { startSimulatorThread } from '#shared/simulator/thread.ts';
import type { SimWorld } from '#shared/simulator/types.ts';
import { createWorld } from '#shared/simulator/world.ts';
import { enrolSubjects } from '#shared/use-cases/enrol-subjects.ts';
import { acquireDataDirLock, type DataDirLock } from './data-dir-lock.ts';
import { ENDPOINTS_FILE, type ServeDetails, writeServedDataDir } from './open-data-dir.ts';
import { type LocalPipeline, startLocalPipeline } from './pipeline.ts';
import { firesOnDate, parseScheduleExpression } from './schedule-expressions.ts';
import { localEnvironment } from './stack.ts';
import { collectStatus, STATUS_FILE, type StackStatus } from './status.ts';

export const STATE_FILE = 'serve-state.json';

/** The dummy credentials the embedded AWS accepts (it checks none); the AWS CLI and SDKs need some. */
export const LOCAL_CREDENTIALS = { accessKeyId: 'local', secretAccessKey: 'local' } as const;

/** How to rebuild the simulated world: a generated portfolio or a scenario file. */
export const WorldRecipe = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('generated'),
    seed: z.number().int(),
    subjects: z.number().int().min(1),
    startDate: z.iso.date(),
  }),
  z.object({ kind: z.literal('scenario'), file: z.string().min(1) }),
]);
export type WorldRecipe = z.infer<typeof WorldRecipe>;

export const LastRun = z.object({
  day: z.number().int().nonnegative(),
  date: z.iso.date(),
  /** Wall-clock time of the request. */
  requestedAt: z.string(),
  requestedBy: z.string(),
});
export type LastRun = z.infer<typeof LastRun>;

/** `<dataDir>/serve-state.json`: what the scheduler needs to resume where it stopped. */
export const ServeState = z.object({
  world: WorldRecipe,
  /** The simulated day the world stands at. */
  day: z.number().int().nonnegative(),
  /** The last day whose schedules were fired (-1: none yet, the baseline is still due). */
  firedDay: z.number().int().min(-1),
  lastRuns: z.partialRecord(Tier, LastRun),
});
export type ServeState = z.infer<typeof ServeState>;

/**
 * Reads `<dataDir>/serve-state.json`; null when the directory was never served.
 *
 * @example
 * readServeState('.credmon')?.day; // 12
 */
export function readServeState(dataDir: string): ServeState | null {
  const file = join(dataDir, STATE_FILE);
  if (!existsSync(file)) return null;
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new Error(`${file}: not valid JSON`, { cause: error });
  }
  const parsed = ServeState.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new Error(`${file}: ${issue?.path.join('.') || '(root)'}: ${issue?.message}`);
  }
  return parsed.data;
}

/** Written atomically: a server killed mid-write leaves the previous state, never half a file. */
export function writeServeState(dataDir: string, state: ServeState): void {
  const file = join(dataDir, STATE_FILE);
  const temporary = `${file}.${process.pid}.tmp`;
  writeFileSync(temporary, `${JSON.stringify(state, null, 2)}\n`);
  renameSync(temporary, file);
}

/**
 * The world of a recipe (a scenario file is read again: it must still be there).
 *
 * @example
 * const world = worldOf({ kind: 'generated', seed: 1, subjects: 40, startDate: '2026-07-15' });
 */
export function worldOf(recipe: WorldRecipe): SimWorld {
  if (recipe.kind === 'scenario') {
    return loadScenario(JSON.parse(readFileSync(recipe.file, 'utf8')), recipe.file);
  }
  return createWorld({ seed: recipe.seed, subjects: recipe.subjects, startDate: recipe.startDate });
}

/** The simulated clock: checks of day d run at 06:00 UTC, when the daily schedule fires. */
export const clockOf = (world: SimWorld) => () => new Date(`${world.today()}T06:00:00.000Z`);

/** Every provider pointed at the simulator; short timeouts keep simulated faults cheap. */
export function simulatorBureaus(url: string): BureauConfigInput {
  return {
    brreg: { baseUrl: url },
    regnskap: { baseUrl: url },
    companiesHouse: { baseUrl: url, apiKey: null, rateLimitPerSecond: 1000 },
    creditBureau: { baseUrl: url },
    http: { timeoutMs: 10_000, maxAttempts: 3, baseDelayMs: 20, maxDelayMs: 2000, rateLimitPerSecond: 5000 },
  };
}

const TIER_SCHEDULES = SCHEDULES.map((schedule) => ({
  tier: schedule.tier,
  expression: parseScheduleExpression(schedule.expression),
}));

/** The tiers whose schedules fire on a date; day 0 is the enrolment baseline and checks every tier. */
export function tiersDue(day: number, date: string): Tier[] {
  const due = TIER_SCHEDULES.filter((entry) => day === 0 || firesOnDate(entry.expression, date));
  return [...new Set(due.map((entry) => entry.tier))];
}

/** A data directory's world running: the simulator at the stored day, and the pipeline on the files. */
export interface WorldStack {
  readonly state: ServeState;
  readonly world: SimWorld;
  readonly simulator: Simulator;
  readonly pipeline: LocalPipeline;
  /** Requests a run of each tier through the fan-out queue, and records it as the tier's last run. */
  requestRuns(tiers: readonly Tier[], requestedBy: string): Promise<void>;
  saveState(): void;
  /** Resolves when nothing is queued or in flight; false when `shouldStop` said so first. */
  waitIdle(shouldStop?: () => boolean): Promise<boolean>;
  stop(options?: { graceful?: boolean }): Promise<void>;
}

export interface WorldStackOptions {
  readonly dataDir: string;
  /** Used when the directory has no serve-state.json yet. */
  readonly recipe: WorldRecipe;
  readonly port?: number;
  readonly faults?: FaultRates;
  readonly seed?: number;
  readonly logSink?: (line: string) => void;
}

/**
 * Starts the simulator and the pipeline on a data directory whose lock the caller holds, resuming
 * its serve-state.json (or starting one at day 0 from `recipe`), and enrols the world's portfolio
 * (idempotent).
 *
 * @example
 * const stack = await startWorldStack({ dataDir: '.credmon', recipe });
 * await stack.requestRuns(['daily'], 'cli');
 * await stack.waitIdle();
 * await stack.stop();
 */
export async function startWorldStack(options: WorldStackOptions): Promise<WorldStack> {
  const state: ServeState = readServeState(options.dataDir) ?? {
    world: options.recipe,
    day: 0,
    firedDay: -1,
    lastRuns: {},
  };
  // The simulator serves from a worker thread (the bureaus' CPU is not the pipeline's); this
  // thread keeps an identical copy of the world for the clock and the portfolio.
  const recipe = state.world;
  const simulator = await startSimulatorThread({
    source:
      recipe.kind === 'scenario'
        ? recipe
        : {
            kind: 'generated',
            options: { seed: recipe.seed, subjects: recipe.subjects, startDate: recipe.startDate },
          },
    day: state.day,
    ...(options.faults ? { faults: options.faults } : {}),
    ...(options.seed !== undefined ? { seed: options.seed } : {}),
  });
  const { world } = simulator;
  let pipeline: LocalPipeline;
  try {
    pipeline = await startLocalPipeline({
      bureaus: simulatorBureaus(simulator.url),
      now: clockOf(world),
      dataDir: options.dataDir,
      ...(options.port ? { ports: { sqs: options.port, dynamodb: options.port + 1 } } : {}),
      ...(options.logSink ? { logSink: options.logSink } : {}),
      // Metrics are EMF lines on stdout in Lambda; a server's console is for people.
      metricsSink: options.logSink ?? (() => {}),
    });
  } catch (error) {
    await simulator.close();
    throw error;
  }
  const saveState = () => writeServeState(options.dataDir, state);
  try {
    const { store, sealer } = pipeline.composition;
    await enrolSubjects(world.portfolio(), { store, sealer, tokenKey: pipeline.config.tokenKey });
    saveState();
  } catch (error) {
    await pipeline.stop();
    await simulator.close();
    throw error;
  }

  return {
    state,
    world,
    simulator,
    pipeline,
    saveState,
    async requestRuns(tiers, requestedBy) {
      for (const tier of tiers) {
        await pipeline.requestTier(tier, requestedBy);
        state.lastRuns[tier] = {
          day: state.day,
          date: world.today(),
          requestedAt: new Date().toISOString(),
          requestedBy,
        };
      }
      saveState();
    },
    async waitIdle(shouldStop = () => false) {
      let quietChecks = 0;
      while (quietChecks < 2) {
        if (shouldStop()) return false;
        const depths = await pipeline.queueDepths();
        const inFlight = Object.values(pipeline.inFlight()).reduce((sum, n) => sum + n, 0);
        const busy = (depths.fanOut ?? 0) + (depths.monitorJobs ?? 0) + inFlight;
        quietChecks = busy === 0 ? quietChecks + 1 : 0;
        await new Promise((done) => setTimeout(done, busy === 0 ? 30 : 100));
      }
      return true;
    },
    async stop(stopOptions) {
      await pipeline.stop(stopOptions);
      await simulator.close();
    },
  };
}

export interface ServeOptions extends WorldStackOptions {
  /** Wall-clock seconds per simulated day; 0 stops the clock (runs only on request). */
  readonly daySeconds: number;
  /** Progress of the scheduler, for the console. */
  readonly onEvent?: (event: ServeEvent) => void;
}

export type ServeEvent =
  | { readonly kind: 'day'; readonly day: number; readonly date: string; readonly tiers: readonly Tier[] }
  | { readonly kind: 'error'; readonly error: unknown };

/** What `credmon local --serve` announces: endpoints.json's content. */
export interface ServeAnnouncement extends ServeDetails {
  readonly pid: number;
  readonly startedAt: string;
  readonly environment: Record<string, string>;
}

export interface Serving {
  readonly announcement: ServeAnnouncement;
  readonly stack: WorldStack;
  /** Stops the scheduler, lets in-flight batches finish, stops the servers, releases the lock. */
  stop(): Promise<void>;
}

/**
 * Starts serving a data directory: takes its lock (a live holder makes this fail naming its pid),
 * starts the world stack, writes `<dataDir>/endpoints.json` and `<dataDir>/status.json`, fires the
 * schedules still due for the current day, and advances the clock every `daySeconds`.
 *
 * @example
 * const serving = await serve({ dataDir: '.credmon', daySeconds: 10, recipe, port: 4566 });
 * process.once('SIGTERM', () => serving.stop());
 */
export async function serve(options: ServeOptions): Promise<Serving> {
  const dataDir = resolve(options.dataDir);
  const lock: DataDirLock = acquireDataDirLock(dataDir, 'credmon local --serve');
  let stack: WorldStack;
  try {
    stack = await startWorldStack({ ...options, dataDir });
  } catch (error) {
    lock.release();
    throw error;
  }
  const { pipeline, state, world } = stack;
  let announcement: ServeAnnouncement;
  let releaseEndpoints: () => void;
  try {
    const details = await describeResources(stack, dataDir);
    const environment = {
      ...localEnvironment(
        pipeline.aws,
        pipeline.resources,
        simulatorBureaus(stack.simulator.url),
        busOf(pipeline),
      ),
      AWS_ACCESS_KEY_ID: LOCAL_CREDENTIALS.accessKeyId,
      AWS_SECRET_ACCESS_KEY: LOCAL_CREDENTIALS.secretAccessKey,
    };
    releaseEndpoints = writeServedDataDir(dataDir, environment, details);
    const served = JSON.parse(readFileSync(join(dataDir, ENDPOINTS_FILE), 'utf8')) as { startedAt: string };
    announcement = { pid: process.pid, startedAt: served.startedAt, environment, ...details };
    lock.update({ edge: details.endpoints.edge, dynamodb: details.endpoints.dynamodb });
  } catch (error) {
    await stack.stop();
    lock.release();
    throw error;
  }

  let stopping = false;
  const writeStatus = async () => {
    const status: StackStatus = await collectStatus({
      sqs: pipeline.composition.clients.sqs,
      store: pipeline.composition.store,
      resources: pipeline.resources,
      state,
      live: {
        pid: process.pid,
        day: state.day,
        date: world.today(),
        daySeconds: options.daySeconds,
        inFlight: pipeline.inFlight(),
        breakers: pipeline.composition.providers[0]?.breakers?.() ?? {},
        bureauRequests: stack.simulator.stats().requests,
      },
    });
    const file = join(dataDir, STATUS_FILE);
    writeFileSync(`${file}.${process.pid}.tmp`, `${JSON.stringify(status, null, 2)}\n`);
    renameSync(`${file}.${process.pid}.tmp`, file);
  };
  const report = (error: unknown) => options.onEvent?.({ kind: 'error', error });

  const fireDue = async () => {
    if (state.firedDay >= state.day) return;
    const tiers = tiersDue(state.day, world.today());
    await stack.requestRuns(tiers, 'schedule');
    state.firedDay = state.day;
    stack.saveState();
    options.onEvent?.({ kind: 'day', day: state.day, date: world.today(), tiers });
  };

  // The clock holds while the pipeline is busy: every check of day d sees day d's world, however
  // slow the machine, so what the store holds is always the simulator's truth of some day.
  // A fresh directory's day 0 (the enrolment baseline) starts one tick after start, so that
  // subscribers created right after start receive it; with the clock stopped, a run request does.
  // A resumed day whose schedules had not been fired fires at once.
  const fresh = state.day === 0 && state.firedDay === -1;
  const scheduler = (async () => {
    try {
      if (!fresh) await fireDue();
    } catch (error) {
      report(error);
    }
    if (options.daySeconds <= 0) return;
    while (!stopping) {
      await sleepUnless(options.daySeconds * 1000, () => stopping);
      if (stopping || !(await stack.waitIdle(() => stopping))) return;
      try {
        if (state.firedDay >= state.day) {
          state.day += 1;
          stack.simulator.setDay(state.day);
          stack.saveState();
        }
        await fireDue();
        await writeStatus();
      } catch (error) {
        report(error);
      }
    }
  })();
  const statusTimer = setInterval(() => {
    writeStatus().catch(report);
  }, 1000);
  await writeStatus().catch(report);

  let stopped: Promise<void> | null = null;
  return {
    announcement,
    stack,
    stop() {
      stopped ??= (async () => {
        stopping = true;
        clearInterval(statusTimer);
        await scheduler;
        await stack.stop({ graceful: true });
        releaseEndpoints();
        lock.release();
      })();
      return stopped;
    },
  };
}

async function describeResources(stack: WorldStack, dataDir: string): Promise<ServeDetails> {
  const { aws, resources, composition } = stack.pipeline;
  const queues = {} as ServeDetails['resources']['queues'];
  // The embedded SQS keeps the URLs it first gave a queue, with the port of that start; announce
  // them on today's port (it finds a queue by its path, so both forms work).
  const here = (url: string) => {
    const parsed = new URL(url);
    parsed.port = new URL(aws.endpoints.sqs).port;
    return parsed.toString();
  };
  for (const key of Object.keys(QUEUES) as QueueKey[]) {
    const { Attributes } = await composition.clients.sqs.send(
      new GetQueueAttributesCommand({ QueueUrl: resources.dlqUrls[key], AttributeNames: ['QueueArn'] }),
    );
    queues[key] = {
      name: nameOf(resources.queueUrls[key]),
      url: here(resources.queueUrls[key]),
      arn: resources.queueArns[key],
      dlqName: nameOf(resources.dlqUrls[key]),
      dlqUrl: here(resources.dlqUrls[key]),
      dlqArn: Attributes?.QueueArn ?? '',
    };
  }
  return {
    dataDir,
    region: aws.region,
    credentials: { ...LOCAL_CREDENTIALS },
    endpoints: {
      edge: aws.endpoints.sqs,
      sqs: aws.endpoints.sqs,
      sns: aws.endpoints.sns,
      dynamodb: aws.endpoints.dynamodb,
      simulator: stack.simulator.url,
    },
    resources: { table: resources.tableName, queues, alertsTopicArn: resources.alertsTopicArn },
    statusFile: join(dataDir, STATUS_FILE),
  };
}

const nameOf = (queueUrl: string) => queueUrl.split('/').pop() ?? queueUrl;

async function sleepUnless(ms: number, stop: () => boolean): Promise<void> {
  const until = Date.now() + ms;
  while (!stop() && Date.now() < until) {
    await new Promise((done) => setTimeout(done, Math.min(50, until - Date.now())));
  }
}

/** The served stack's event bus, for the environment it announces: CLI enrolments publish there. */
function busOf(pipeline: WorldStack['pipeline']): { busName: string; endpoint: string } | undefined {
  const { eventBusName, endpoints } = pipeline.config;
  return eventBusName && endpoints?.eventbridge
    ? { busName: eventBusName, endpoint: endpoints.eventbridge }
    : undefined;
}
