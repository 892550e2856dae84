/**
 * `credmon replay --since DATE [--until DATE]`: sends archived alerts again to the alerts topic's
 * subscribers (same alert ids and message attributes: subscribers dedupe by alertId). Locally the
 * archive is `<data-dir>/eventbridge/`; in AWS the bus's archive is replayed with StartReplay
 * (see docs/operations.md).
 */
import { resolve } from 'node:path';
import { AlertV1 } from '#shared/domain/alert.ts';
import { readArchive } from '#shared/local/event-bus.ts';
import { openDataDir } from '#shared/local/open-data-dir.ts';
import { describeFlags, parseFlags, UsageError } from './args.ts';
import type { CliCommand } from './command.ts';

const FLAGS = {
  since: { kind: 'string', description: 'first day (YYYY-MM-DD) or instant (ISO 8601) to replay, inclusive' },
  until: { kind: 'string', description: 'end of the window, exclusive (default: now)' },
  'data-dir': { kind: 'string', default: '.credmon', description: 'the data directory' },
  json: { kind: 'boolean', default: false, description: 'end with one JSON line {replayed, since, until}' },
} as const;

const HELP = `Usage: credmon replay --since <date> [--until <date>] [flags]

Replays the alerts archived on the credmon event bus between --since and --until (by detection
time) to the alerts topic, with their original alert ids and message attributes, so subscriber
queues and their filter policies receive them again. Works on a stopped data directory and on one
served by 'credmon local --serve'. Against AWS, replay the bus's archive with StartReplay instead
(docs/operations.md).

${describeFlags(FLAGS)}`;

/**
 * @example
 * await replayCommand.run(['--since', '2026-03-01', '--data-dir', '.credmon'], io); // 0
 */
export const replayCommand: CliCommand = {
  name: 'replay',
  summary: 'replay archived alerts of a period to the alerts topic subscribers',
  help: HELP,
  async run(argv, io) {
    const { flags, help } = parseFlags(argv, FLAGS);
    if (help) {
      io.stdout.write(`${HELP}\n`);
      return 0;
    }
    if (flags.since === undefined) throw new UsageError('--since is required (YYYY-MM-DD or ISO 8601)');
    const since = parseInstant('--since', flags.since);
    const until = flags.until === undefined ? new Date() : parseInstant('--until', flags.until);
    if (until.getTime() <= since.getTime()) throw new UsageError('--until must be after --since');
    const dataDir = resolve(io.cwd, flags['data-dir']);

    const alerts = archivedAlerts(dataDir, since, until);
    if (alerts.length > 0) {
      const data = await openDataDir(dataDir);
      try {
        await data.composition.publisher.publish(alerts);
      } finally {
        await data.close();
      }
    }
    const window = { since: since.toISOString(), until: until.toISOString() };
    io.stdout.write(
      `credmon replay: ${alerts.length} alert(s) detected from ${window.since} to ${window.until} sent to the alerts topic\n`,
    );
    if (flags.json) io.stdout.write(`${JSON.stringify({ replayed: alerts.length, ...window })}\n`);
    return 0;
  },
};

/**
 * The alerts archived in a data directory's bus archive with detection time in [since, until).
 *
 * @example
 * await publisher.publish(archivedAlerts('.credmon', new Date('2026-03-01'), new Date()));
 */
export function archivedAlerts(dataDir: string, since: Date, until: Date): AlertV1[] {
  return readArchive(dataDir, since, until).map((event, index) => {
    const parsed = AlertV1.safeParse(event.detail);
    if (!parsed.success) {
      throw new Error(
        `archived event ${event.id} (#${index + 1}) is not a credmon.alert/v1: ${parsed.error.message}`,
      );
    }
    return parsed.data;
  });
}

function parseInstant(flag: string, value: string): Date {
  const iso = /^\d{4}-\d{2}-\d{2}$/.test(value) ? `${value}T00:00:00.000Z` : value;
  const time = Date.parse(iso);
  if (!/^\d{4}-\d{2}-\d{2}/.test(value) || Number.isNaN(time)) {
    throw new UsageError(`${flag} must be a date (YYYY-MM-DD) or an ISO 8601 instant, got '${value}'`);
  }
  return new Date(time);
}
