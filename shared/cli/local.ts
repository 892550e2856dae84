/** `credmon local`: the whole pipeline on the embedded AWS against the bureau simulator. */
import { createWriteStream, existsSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { AlertV1 } from '#shared/domain/alert.ts';
import { acquireDataDirLock } from '#shared/local/data-dir-lock.ts';
import { runLocal } from '#shared/local/run.ts';
import type { WorldSource } from '#shared/simulator/thread.ts';
import { DEFAULT_START_DATE } from '#shared/simulator/world.ts';
import { describeFlags, parseFlags, UsageError } from './args.ts';
import type { CliCommand, CliIO } from './command.ts';
import { runServe } from './local-serve.ts';
import { writeReport } from './report.ts';

const FLAGS = {
  subjects: { kind: 'integer', min: 1, default: 1000, description: 'subjects in the generated portfolio' },
  days: { kind: 'integer', min: 1, default: 30, description: 'simulated days to run (days 0..D-1)' },
  seed: {
    kind: 'integer',
    default: 1,
    description: 'seed of the generated portfolio and of fault injection',
  },
  'start-date': {
    kind: 'string',
    default: DEFAULT_START_DATE,
    description: 'simulated date of day 0 (YYYY-MM-DD)',
  },
  scenario: { kind: 'string', description: 'run a scenario file instead of the generated portfolio' },
  'data-dir': {
    kind: 'string',
    default: '.credmon',
    description:
      'where the embedded AWS keeps its state; a run starts afresh there (other commands then read it)',
  },
  'alerts-out': { kind: 'string', description: 'write each delivered alert message as a JSON line to FILE' },
  json: { kind: 'boolean', default: false, description: 'end stdout with one JSON summary line' },
  report: {
    kind: 'string',
    description: 'write the portfolio dashboard (HTML) to FILE at the end (default: <data-dir>/report.html)',
  },
  'log-file': { kind: 'string', description: "append the functions' log lines (JSON) to FILE" },
  quiet: { kind: 'boolean', default: false, description: 'do not print each alert' },
  'fault-rate': { kind: 'fraction', default: 0, description: 'fraction of bureau requests answered 5xx' },
  'timeout-rate': { kind: 'fraction', default: 0, description: 'fraction of bureau requests that time out' },
  'malformed-rate': {
    kind: 'fraction',
    default: 0,
    description: 'fraction of bureau answers that are garbled',
  },
  'throttle-rate': { kind: 'fraction', default: 0, description: 'fraction of bureau requests answered 429' },
  serve: {
    kind: 'boolean',
    default: false,
    description:
      'keep running: resume --data-dir, advance a simulated day every --day-seconds, until Ctrl-C (docs/local-stack.md)',
  },
  port: {
    kind: 'integer',
    min: 1,
    description: 'with --serve: SQS/SNS (the edge) listen on this port, DynamoDB on port+1',
  },
  'day-seconds': {
    kind: 'number',
    min: 0,
    default: 10,
    description: 'with --serve: wall-clock seconds per simulated day (0 stops the clock)',
  },
} as const;

const HELP = `Usage: credmon local [flags]

Runs credmon end to end on this machine: an embedded AWS (DynamoDB, SQS, SNS), the bureau
simulator, the schedules over simulated days, and a subscriber queue that receives every alert.
Prints each delivered alert as one line and ends with a summary.

${describeFlags(FLAGS)}`;

export const localCommand: CliCommand = {
  name: 'local',
  summary: 'run the whole pipeline locally against the bureau simulator',
  help: HELP,
  async run(argv, io) {
    const { flags, help } = parseFlags(argv, FLAGS);
    if (help) {
      io.stdout.write(`${HELP}\n`);
      return 0;
    }
    const faults = {
      faultRate: flags['fault-rate'],
      timeoutRate: flags['timeout-rate'],
      malformedRate: flags['malformed-rate'],
      throttleRate: flags['throttle-rate'],
    };
    if (flags.serve) {
      const logFile = flags['log-file'] ? createWriteStream(flags['log-file'], { flags: 'a' }) : null;
      return runServe(
        {
          dataDir: flags['data-dir'],
          port: flags.port,
          daySeconds: flags['day-seconds'],
          recipe: flags.scenario
            ? { kind: 'scenario', file: resolve(io.cwd, flags.scenario) }
            : {
                kind: 'generated',
                seed: flags.seed,
                subjects: flags.subjects,
                startDate: flags['start-date'],
              },
          faults,
          seed: flags.seed,
          json: flags.json,
          quiet: flags.quiet,
          ...(logFile ? { logSink: (line: string) => logFile.write(`${line}\n`) } : {}),
        },
        io,
      ).finally(() => logFile?.end());
    }
    if (flags.port !== undefined) throw new UsageError('--port needs --serve');
    // By recipe: the simulator then runs in its own thread, as the bureaus are remote services.
    const world: WorldSource = flags.scenario
      ? { kind: 'scenario', file: flags.scenario }
      : {
          kind: 'generated',
          options: { seed: flags.seed, subjects: flags.subjects, startDate: flags['start-date'] },
        };
    const alertsOut = flags['alerts-out'] ? createWriteStream(flags['alerts-out']) : null;
    const logFile = flags['log-file'] ? createWriteStream(flags['log-file'], { flags: 'a' }) : null;
    const progress = io.stderr.isTTY === true && !flags.json;
    const dataDir = resolve(io.cwd, flags['data-dir']);
    // A batch run wipes the directory: never under a server or another command using it.
    const lock = acquireDataDirLock(dataDir, 'credmon local');
    resetDataDir(dataDir);
    const summary = await runLocal({
      world,
      dataDir,
      days: flags.days,
      seed: flags.seed,
      faults,
      ...(logFile ? { logSink: (line: string) => logFile.write(`${line}\n`) } : {}),
      onAlert(alert, raw) {
        alertsOut?.write(`${raw}\n`);
        if (!flags.quiet) {
          if (progress) io.stderr.write('\r\x1b[K');
          io.stdout.write(`${formatAlert(alert)}\n`);
        }
      },
      onDay(day, days) {
        if (progress) io.stderr.write(`\r\x1b[K${bar(day, days)} day ${day}/${days}`);
      },
    }).finally(() => lock.release());
    if (progress) io.stderr.write('\r\x1b[K');
    logFile?.end();
    if (alertsOut)
      await new Promise<void>((resolve, reject) =>
        alertsOut.end((error?: Error | null) => (error ? reject(error) : resolve())),
      );
    printSummary(summary, io);
    const report = await writeReport({
      dataDir,
      out: flags.report ? resolve(io.cwd, flags.report) : join(dataDir, 'report.html'),
    });
    io.stdout.write(`  report: ${report.path}\n`);
    if (flags.json) io.stdout.write(`${JSON.stringify(summary)}\n`);
    if (summary.iam.denied > 0) {
      io.stderr.write(
        `credmon local: ${summary.iam.denied} AWS call(s) the deployed roles refuse:\n${summary.iam.deniedCalls
          .map((call) => `  ${call.functionName} may not ${call.action} on ${call.resource}`)
          .join('\n')}\n`,
      );
      return 1;
    }
    return 0;
  },
};

/** One readable line per alert: date, severity, type, subject, class move, name, actions. */
export function formatAlert(alert: AlertV1): string {
  const subject = `${alert.subject.portfolioId}/${alert.subject.id}`;
  const move =
    alert.risk.previousClass && alert.risk.previousClass !== alert.risk.class
      ? `${alert.risk.previousClass}→${alert.risk.class}`
      : alert.risk.class;
  const name = alert.generalia.name ? ` ${alert.generalia.name}` : '';
  const actions =
    alert.actions.length > 0 ? ` · ${alert.actions.map((action) => action.type).join(', ')}` : '';
  const pd = `${(alert.risk.pd * 100).toFixed(1)}%`;
  return `${alert.detectedAt.slice(0, 10)} ${alert.severity.toUpperCase().padEnd(8)} ${alert.type.padEnd(24)} ${subject} [${alert.subject.kind} ${alert.subject.country}] class ${move} pd ${pd}${name}${actions}`;
}

function printSummary(summary: Awaited<ReturnType<typeof runLocal>>, io: CliIO): void {
  const classes = Object.entries(summary.riskClasses)
    .map(([risk, count]) => `${risk} ${count}`)
    .join(', ');
  const types = Object.entries(summary.alertsByType)
    .sort(([, a], [, b]) => b - a)
    .map(([type, count]) => `${type} ${count}`)
    .join(', ');
  io.stdout.write(
    [
      '',
      `credmon local: ${summary.subjects} subjects over ${summary.days} simulated days in ${(summary.durationMs / 1000).toFixed(1)} s`,
      `  checks ${summary.checks} (${summary.feedChecks} from change feeds), changes ${summary.changes}, bureau requests ${summary.bureauRequests}`,
      `  alerts published ${summary.alertsPublished}, delivered ${summary.alertsDelivered}`,
      `  alerts by type: ${types || 'none'}`,
      `  risk classes: ${classes}`,
      `  dead-lettered jobs ${summary.dlq}, pending outboxes ${summary.pendingOutboxes}, outboxes swept ${summary.outboxesSwept}`,
      `  AWS calls authorized against the deployed roles ${summary.iam.checked}, denied ${summary.iam.denied}`,
      '',
    ].join('\n'),
  );
}

function bar(done: number, total: number): string {
  const width = 30;
  const filled = Math.round((done / total) * width);
  return `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}]`;
}

/** Removes the embedded AWS's state from an earlier run; leaves anything else in the folder alone. */
function resetDataDir(dataDir: string): void {
  for (const part of ['dynamodb', 'sqs-sns', 'serve-state.json', 'status.json']) {
    const path = join(dataDir, part);
    if (existsSync(path)) rmSync(path, { recursive: true, force: true });
  }
}
