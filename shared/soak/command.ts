/** `npm run soak`: flags in, a human summary on stderr, one JSON line on stdout; exit 1 when a check fails. */
import { resolve } from 'node:path';
import { describeFlags, parseFlags, UsageError } from '#shared/cli/args.ts';
import type { CliIO } from '#shared/cli/command.ts';
import { DEFAULT_START_DATE } from '#shared/simulator/world.ts';
import {
  DEFAULT_BURSTS,
  DEFAULT_FAULTS,
  DEFAULT_INTRADAY_RATE,
  DEFAULT_LATE,
  runSoak,
  type SoakReport,
} from './run.ts';

const FLAGS = {
  subjects: { kind: 'integer', min: 1, default: 5000, description: 'subjects in the generated portfolio' },
  days: { kind: 'integer', min: 1, default: 60, description: 'simulated days (days 0..D-1)' },
  seed: { kind: 'integer', default: 1, description: 'seed of the world, the faults, crashes and duplicates' },
  'start-date': { kind: 'string', default: DEFAULT_START_DATE, description: 'simulated date of day 0' },
  'fault-rate': { kind: 'fraction', default: DEFAULT_FAULTS.faultRate, description: 'bureau answers 5xx' },
  'timeout-rate': {
    kind: 'fraction',
    default: DEFAULT_FAULTS.timeoutRate,
    description: 'bureau requests that time out',
  },
  'malformed-rate': {
    kind: 'fraction',
    default: DEFAULT_FAULTS.malformedRate,
    description: 'garbled bureau answers',
  },
  'burst-rate': {
    kind: 'fraction',
    default: DEFAULT_BURSTS.rate,
    description: 'chance per request that a 429 burst starts',
  },
  'burst-length': {
    kind: 'integer',
    min: 0,
    default: DEFAULT_BURSTS.length,
    description: 'requests answered 429 per burst',
  },
  'stale-rate': {
    kind: 'fraction',
    default: DEFAULT_LATE.staleRate,
    description: 'credit-bureau subject-days whose first answer is an older report',
  },
  'delay-rate': {
    kind: 'fraction',
    default: DEFAULT_LATE.delayRate,
    description: 'bureau answers held back, arriving after later ones',
  },
  'intraday-rate': {
    kind: 'fraction',
    default: DEFAULT_INTRADAY_RATE,
    description: "share of a day's changing subjects whose change comes in the afternoon",
  },
  'crash-rate': {
    kind: 'fraction',
    default: 0.05,
    description: 'commits after which the worker crashes before publishing',
  },
  'duplicate-rate': { kind: 'fraction', default: 0.05, description: 'monitor jobs delivered twice at once' },
  'restart-day': {
    kind: 'integer',
    min: -1,
    description: 'day of the mid-run process restart; -1: none (default: days / 2)',
  },
  'data-dir': {
    kind: 'string',
    description: 'keep the embedded AWS state here (default: a temporary directory)',
  },
  json: { kind: 'boolean', default: false, description: 'end stdout with one JSON line (the report)' },
} as const;

const HELP = `Usage: npm run soak -- [flags]

The chaos soak: the generated world through the local pipeline with bureau faults, bursts of 429,
older reports and held answers arriving out of order, changes in the afternoon after the morning's
checks, crashes between the state write and the
publish, duplicate SQS deliveries and a process restart, then checks that no change was lost or
announced twice (nor a once-only event re-announced) and no outbox is left pending.

${describeFlags(FLAGS)}`;

/**
 * @example
 * process.exitCode = await soakMain(['--subjects', '150', '--days', '8', '--json'], io);
 */
export async function soakMain(argv: readonly string[], io: CliIO): Promise<number> {
  let parsed: ReturnType<typeof parseFlags<typeof FLAGS>>;
  try {
    parsed = parseFlags(argv, FLAGS);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    io.stderr.write(`soak: ${error.message}\n${HELP}\n`);
    return 2;
  }
  const { flags, help } = parsed;
  if (help) {
    io.stdout.write(`${HELP}\n`);
    return 0;
  }
  const restart = flags['restart-day'];
  const report = await runSoak({
    subjects: flags.subjects,
    days: flags.days,
    seed: flags.seed,
    startDate: flags['start-date'],
    faults: {
      faultRate: flags['fault-rate'],
      timeoutRate: flags['timeout-rate'],
      malformedRate: flags['malformed-rate'],
      throttleRate: 0,
    },
    throttleBursts: { rate: flags['burst-rate'], length: flags['burst-length'] },
    lateAnswers: { ...DEFAULT_LATE, staleRate: flags['stale-rate'], delayRate: flags['delay-rate'] },
    intradayRate: flags['intraday-rate'],
    crashRate: flags['crash-rate'],
    duplicateRate: flags['duplicate-rate'],
    restartAtDay: restart === undefined ? Math.floor(flags.days / 2) : restart < 0 ? null : restart,
    ...(flags['data-dir'] ? { dataDir: resolve(io.cwd, flags['data-dir']) } : {}),
    onDay: (day, days) => {
      if (io.stderr.isTTY) io.stderr.write(`\rday ${day}/${days}`);
    },
  });
  if (io.stderr.isTTY) io.stderr.write('\n');
  io.stderr.write(describe(report));
  if (flags.json) io.stdout.write(`${JSON.stringify(report)}\n`);
  return passed(report) ? 0 : 1;
}

/**
 * The soak's verdict: nothing lost, nothing announced twice under different ids, nothing pending,
 * and no AWS call its deployed role would refuse.
 */
export function passed(report: SoakReport): boolean {
  return (
    report.lost === 0 &&
    report.duplicateAlerts === 0 &&
    report.reannouncedAlerts === 0 &&
    report.pendingOutboxes === 0 &&
    report.iam.denied === 0
  );
}

function describe(r: SoakReport): string {
  return [
    `soak: ${r.subjects} subjects × ${r.days} days, seed ${r.seed}, ${r.checks} checks in ${(r.durationMs / 1000).toFixed(1)} s`,
    `  bureau: ${r.bureau.requests} requests, ${r.bureau.faults} 5xx, ${r.bureau.timeouts} timeouts, ${r.bureau.malformed} malformed, ${r.bureau.throttled} 429`,
    `  injected: ${r.crashesInjected} crashes after commit, ${r.duplicateDeliveries} duplicate deliveries, ${r.restarts} restart(s); ${r.staleAnswers.served} older reports (${r.staleAnswers.refused} refused as stale), ${r.bureau.delayed} held answers, ${r.intradayChanges} afternoon changes`,
    `  changes: ${r.changesMade} made, ${r.changesReported} reported; alerts ${r.alertsCommitted} committed, ${r.alertsDelivered} delivered (${r.deliveries} deliveries)`,
    `  dead-lettered: ${r.dlq} subjects ${JSON.stringify(r.dlqReasons)}, ${r.dlqAfterRedrive} left after redrive; malformed retried ${r.malformedRetried}, dead-lettered ${r.malformedDeadLettered}`,
    `  daily subjects: ${r.dailyChangesDue} changes due an alert (${r.dailyChangesExcused} excused: unreported after a dead-lettered check or an older report), ${r.missedChanges} missed ${r.missedChanges > 0 ? `${JSON.stringify(r.missedChangesByKind)} e.g. ${r.missedExamples.slice(0, 3).join(' ')}` : ''}`,
    `  AWS calls authorized against the deployed roles ${r.iam.checked}, denied ${r.iam.denied}${r.iam.deniedCalls
      .slice(0, 5)
      .map((call) => `; ${call.functionName} may not ${call.action} on ${call.resource}`)
      .join('')}`,
    `  lost ${r.lost} (state ${r.stateMismatches}, undelivered ${r.undeliveredAlerts}, missed ${r.missedChanges}), duplicate alerts ${r.duplicateAlerts}, re-announced ${r.reannouncedAlerts}${r.reannouncedAlerts > 0 ? ` e.g. ${r.reannouncedExamples.join(' ')}` : ''}, pending outboxes ${r.pendingOutboxes}: ${passed(r) ? 'PASS' : 'FAIL'}`,
    '',
  ].join('\n');
}
