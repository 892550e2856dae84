/** `credmon status`: health of a local stack, served or stopped. */
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { openDataDir } from '#shared/local/open-data-dir.ts';
import { readServeState } from '#shared/local/serve.ts';
import { collectStatus, formatStatus, type LiveStatus, STATUS_FILE } from '#shared/local/status.ts';
import { describeFlags, parseFlags } from './args.ts';
import type { CliCommand } from './command.ts';

const FLAGS = {
  'data-dir': { kind: 'string', default: '.credmon', description: 'the data directory' },
  json: { kind: 'boolean', default: false, description: 'print the status as one JSON object' },
} as const;

const HELP = `Usage: credmon status [flags]

Queue depths, dead-letter queue sizes, pending outboxes and the oldest one's age, the last run per
tier, and, while 'credmon local --serve' runs, the simulated day, running invocations and the bureau
clients' circuit breakers (which the server writes to <data-dir>/status.json every second).
Works on a stopped data directory too (then without the live part).

${describeFlags(FLAGS)}`;

export const statusCommand: CliCommand = {
  name: 'status',
  summary: 'queue depths, DLQs, outboxes, last runs and bureau breakers of a local stack',
  help: HELP,
  async run(argv, io) {
    const { flags, help } = parseFlags(argv, FLAGS);
    if (help) {
      io.stdout.write(`${HELP}\n`);
      return 0;
    }
    const dataDir = resolve(io.cwd, flags['data-dir']);
    const state = readServeState(dataDir);
    const data = await openDataDir(dataDir);
    try {
      if (!data.resources) throw new Error(`${dataDir}/endpoints.json names no queues`);
      const live = data.served ? readLive(dataDir) : null;
      const lastDate = Object.values(state?.lastRuns ?? {})
        .map((run) => run.date)
        .sort()
        .at(-1);
      const status = await collectStatus({
        sqs: data.composition.clients.sqs,
        store: data.composition.store,
        resources: data.resources,
        state,
        live,
        ...(!live && lastDate ? { now: new Date(`${lastDate}T06:00:00.000Z`) } : {}),
      });
      io.stdout.write(
        flags.json ? `${JSON.stringify(status)}\n` : `${formatStatus(status, dataDir).join('\n')}\n`,
      );
      return 0;
    } finally {
      await data.close();
    }
  },
};

function readLive(dataDir: string): LiveStatus | null {
  const file = join(dataDir, STATUS_FILE);
  if (!existsSync(file)) return null;
  try {
    return (JSON.parse(readFileSync(file, 'utf8')) as { live?: LiveStatus }).live ?? null;
  } catch {
    return null;
  }
}
