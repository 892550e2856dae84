/** `credmon env`: the environment of a serving local stack as `export` lines for a shell. */
import { resolve } from 'node:path';
import { readServedDataDir, type ServedDataDir } from '#shared/local/open-data-dir.ts';
import { describeFlags, parseFlags } from './args.ts';
import type { CliCommand } from './command.ts';

const FLAGS = {
  'data-dir': { kind: 'string', default: '.credmon', description: 'the data directory a server serves' },
} as const;

const HELP = `Usage: credmon env [flags]

Prints the endpoints, region, dummy credentials and resource names of the 'credmon local --serve'
running on the data directory as export lines, for: eval "$(credmon env)". The AWS CLI (v1.29+ and
v2.13+) and the AWS SDKs pick the service endpoints up from AWS_ENDPOINT_URL_<SERVICE>.

${describeFlags(FLAGS)}`;

export const envCommand: CliCommand = {
  name: 'env',
  summary: 'print export lines for the AWS CLI/SDKs to reach a serving local stack',
  help: HELP,
  async run(argv, io) {
    const { flags, help } = parseFlags(argv, FLAGS);
    if (help) {
      io.stdout.write(`${HELP}\n`);
      return 0;
    }
    const dataDir = resolve(io.cwd, flags['data-dir']);
    const served = readServedDataDir(dataDir);
    if (!served) {
      io.stderr.write(
        `credmon env: no 'credmon local --serve' is running on ${dataDir} (start one: credmon local --serve --data-dir ${flags['data-dir']})\n`,
      );
      return 1;
    }
    for (const [name, value] of Object.entries(exportsOf(served))) {
      io.stdout.write(`export ${name}=${shellQuote(value)}\n`);
    }
    return 0;
  },
};

/**
 * The variables `credmon env` exports: the AWS ones the CLI and SDKs read, and credmon's resource
 * names for scripts.
 *
 * @example
 * exportsOf(readServedDataDir('.credmon')).CREDMON_ALERTS_TOPIC_ARN; // 'arn:aws:sns:eu-north-1:000000000000:credmon-alerts'
 */
export function exportsOf(served: ServedDataDir): Record<string, string> {
  const env = served.environment;
  const region = served.region ?? env.AWS_REGION ?? '';
  const queues = served.resources?.queues;
  const pick = (value: string | undefined) => value ?? '';
  const variables: Record<string, string> = {
    AWS_ENDPOINT_URL_DYNAMODB: pick(served.endpoints?.dynamodb ?? env.AWS_ENDPOINT_URL_DYNAMODB),
    AWS_ENDPOINT_URL_SQS: pick(served.endpoints?.sqs ?? env.AWS_ENDPOINT_URL_SQS),
    AWS_ENDPOINT_URL_SNS: pick(served.endpoints?.sns ?? env.AWS_ENDPOINT_URL_SNS),
    AWS_REGION: region,
    // The AWS CLI v1 reads the region from AWS_DEFAULT_REGION only.
    AWS_DEFAULT_REGION: region,
    AWS_ACCESS_KEY_ID: served.credentials?.accessKeyId ?? 'local',
    AWS_SECRET_ACCESS_KEY: served.credentials?.secretAccessKey ?? 'local',
    CREDMON_DATA_DIR: served.dataDir ?? '',
    CREDMON_TABLE: pick(served.resources?.table ?? env.TABLE_NAME),
    CREDMON_ALERTS_TOPIC_ARN: pick(served.resources?.alertsTopicArn ?? env.ALERTS_TOPIC_ARN),
    CREDMON_FAN_OUT_QUEUE_URL: pick(queues?.fanOut.url ?? env.FAN_OUT_QUEUE_URL),
    CREDMON_FAN_OUT_DLQ_URL: pick(queues?.fanOut.dlqUrl),
    CREDMON_MONITOR_QUEUE_URL: pick(queues?.monitorJobs.url ?? env.MONITOR_QUEUE_URL),
    CREDMON_MONITOR_QUEUE_ARN: pick(queues?.monitorJobs.arn),
    CREDMON_MONITOR_DLQ_URL: pick(queues?.monitorJobs.dlqUrl ?? env.MONITOR_DLQ_URL),
    CREDMON_MONITOR_DLQ_ARN: pick(queues?.monitorJobs.dlqArn),
  };
  return Object.fromEntries(Object.entries(variables).filter(([, value]) => value !== ''));
}

/** Single-quoted for POSIX shells: safe for any value. */
function shellQuote(value: string): string {
  return /^[\w@%+=:,./-]+$/.test(value) ? value : `'${value.replaceAll("'", `'\\''`)}'`;
}
