/** `credmon run --tier T`: one tier run, by the serving stack or, on a stopped directory, right here. */
import { resolve } from 'node:path';
import { GetQueueAttributesCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { Tier } from '#shared/domain/subject.ts';
import { acquireDataDirLock } from '#shared/local/data-dir-lock.ts';
import { openDataDir, readServedDataDir } from '#shared/local/open-data-dir.ts';
import { readServeState, startWorldStack } from '#shared/local/serve.ts';
import { describeFlags, parseFlags, UsageError } from './args.ts';
import type { CliCommand } from './command.ts';

const FLAGS = {
  tier: { kind: 'string', description: 'daily, weekly or monthly' },
  'data-dir': { kind: 'string', default: '.credmon', description: 'the data directory' },
  wait: {
    kind: 'boolean',
    default: false,
    description: 'with a serving stack: wait until the run has drained the queues',
  },
} as const;

const HELP = `Usage: credmon run --tier <tier> [flags]

Runs one tier now, as its schedule would. With 'credmon local --serve' running on the data directory,
asks its fan-out queue for the run and returns (or waits with --wait). On a stopped directory, starts
the stack and the simulator at the directory's simulated day, runs the tier until the queues are
idle, and exits.

${describeFlags(FLAGS)}`;

export const runTierCommand: CliCommand = {
  name: 'run',
  summary: 'run one monitoring tier now (serving stack or stopped data directory)',
  help: HELP,
  async run(argv, io) {
    const { flags, help } = parseFlags(argv, FLAGS);
    if (help) {
      io.stdout.write(`${HELP}\n`);
      return 0;
    }
    const tier = Tier.safeParse(flags.tier);
    if (!tier.success) {
      throw new UsageError(
        flags.tier === undefined
          ? '--tier is required (daily, weekly or monthly)'
          : `--tier must be daily, weekly or monthly, got '${flags.tier}'`,
      );
    }
    const dataDir = resolve(io.cwd, flags['data-dir']);
    const started = Date.now();

    const data = await openServedOnly(dataDir);
    if (data) {
      try {
        await data.composition.queue.sendFanOut([{ tier: tier.data, requestedBy: 'cli' }]);
        io.stdout.write(
          `credmon run: ${tier.data} run requested from the server (pid ${data.server?.pid})\n`,
        );
        if (flags.wait && data.resources) {
          await waitDrained(data.composition.clients.sqs, [
            data.resources.queueUrls.fanOut,
            data.resources.queueUrls.monitorJobs,
          ]);
          io.stdout.write(`credmon run: drained in ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
        }
      } finally {
        await data.close();
      }
      return 0;
    }

    const state = readServeState(dataDir);
    if (!state) {
      io.stderr.write(
        `credmon run: ${dataDir} has no simulated world (serve-state.json); start it once with credmon local --serve --data-dir ${flags['data-dir']}\n`,
      );
      return 1;
    }
    const lock = acquireDataDirLock(dataDir, `credmon run --tier ${tier.data}`);
    try {
      const stack = await startWorldStack({ dataDir, recipe: state.world });
      try {
        await stack.requestRuns([tier.data], 'cli');
        await stack.waitIdle();
        const depths = await stack.pipeline.queueDepths();
        io.stdout.write(
          `credmon run: ${tier.data} run of day ${stack.state.day} (${stack.world.today()}) done in ${((Date.now() - started) / 1000).toFixed(1)} s; ` +
            `bureau requests ${stack.simulator.stats().requests}, monitor DLQ ${depths.monitorJobsDlq ?? 0}\n`,
        );
      } finally {
        await stack.stop();
      }
    } finally {
      lock.release();
    }
    return 0;
  },
};

/** The serving stack of `dataDir`, or null (without opening the files) when nobody serves it. */
async function openServedOnly(dataDir: string) {
  if (!readServedDataDir(dataDir)) return null;
  const data = await openDataDir(dataDir);
  if (data.served) return data;
  await data.close();
  return null;
}

async function waitDrained(sqs: SQSClient, queueUrls: readonly string[]): Promise<void> {
  let quiet = 0;
  while (quiet < 3) {
    let busy = 0;
    for (const QueueUrl of queueUrls) {
      const { Attributes = {} } = await sqs.send(
        new GetQueueAttributesCommand({
          QueueUrl,
          AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'],
        }),
      );
      busy +=
        Number(Attributes.ApproximateNumberOfMessages ?? 0) +
        Number(Attributes.ApproximateNumberOfMessagesNotVisible ?? 0);
    }
    quiet = busy === 0 ? quiet + 1 : 0;
    await new Promise((done) => setTimeout(done, 100));
  }
}
