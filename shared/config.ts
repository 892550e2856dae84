/**
 * Runtime configuration of the Lambda functions (and of the local pipeline, which runs the same
 * handlers): read once at start-up from the environment, validated, failing fast with the name of
 * the missing or invalid variable.
 */
import { z } from 'zod';
import type { AwsEndpoints } from '#shared/adapters/aws/clients.ts';
import { BureauConfig } from '#shared/adapters/bureaus/provider.ts';
import { ConfigError } from '#shared/errors.ts';

const Env = z.object({
  AWS_REGION: z.string().min(1),
  TABLE_NAME: z.string().min(1),
  MONITOR_QUEUE_URL: z.url(),
  FAN_OUT_QUEUE_URL: z.url(),
  MONITOR_DLQ_URL: z.url(),
  ALERTS_TOPIC_ARN: z.string().startsWith('arn:'),
  EVENT_BUS_NAME: z.string().min(1).optional(),
  /** JSON of {@link BureauConfig}. */
  CREDMON_BUREAUS: z.string().min(1),
  /** Secret for keyed-hash tokens of persons (role holders, individuals). */
  CREDMON_TOKEN_KEY: z.string().min(16),
  /** Secret that seals national ids at rest. */
  CREDMON_SEAL_KEY: z.string().min(16),
  /** Path of the credit policy file; the bundled default when absent. */
  CREDMON_POLICY_FILE: z.string().min(1).optional(),
  CREDMON_HISTORY_RETENTION_DAYS: z.coerce.number().int().positive().default(730),
  CREDMON_SUBJECTS_PER_JOB: z.coerce.number().int().min(1).max(200).default(25),
  AWS_ENDPOINT_URL_DYNAMODB: z.url().optional(),
  AWS_ENDPOINT_URL_SQS: z.url().optional(),
  AWS_ENDPOINT_URL_SNS: z.url().optional(),
  AWS_ENDPOINT_URL_EVENTBRIDGE: z.url().optional(),
});

export interface RuntimeConfig {
  readonly region: string;
  readonly endpoints: AwsEndpoints | undefined;
  readonly tableName: string;
  readonly monitorQueueUrl: string;
  readonly fanOutQueueUrl: string;
  readonly monitorDlqUrl: string;
  readonly alertsTopicArn: string;
  readonly eventBusName: string | undefined;
  readonly bureaus: BureauConfig;
  readonly tokenKey: string;
  readonly sealKey: string;
  readonly policyFile: string | undefined;
  readonly historyRetentionDays: number;
  readonly subjectsPerJob: number;
}

/**
 * @example
 * const config = loadRuntimeConfig(process.env); // throws ConfigError naming e.g. TABLE_NAME
 */
export function loadRuntimeConfig(env: Readonly<Record<string, string | undefined>>): RuntimeConfig {
  const parsed = Env.safeParse(env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => {
      const key = String(issue.path[0] ?? '');
      return env[key] === undefined ? `${key} is not set` : `${key}: ${issue.message}`;
    });
    throw new ConfigError(`invalid configuration: ${problems.join('; ')}`);
  }
  const e = parsed.data;
  let bureausJson: unknown;
  try {
    bureausJson = JSON.parse(e.CREDMON_BUREAUS);
  } catch (error) {
    throw new ConfigError('CREDMON_BUREAUS: not valid JSON', { cause: error });
  }
  const bureaus = BureauConfig.safeParse(bureausJson);
  if (!bureaus.success) {
    const first = bureaus.error.issues[0];
    throw new ConfigError(`CREDMON_BUREAUS: ${first?.path.join('.')}: ${first?.message}`);
  }
  const local = e.AWS_ENDPOINT_URL_DYNAMODB && e.AWS_ENDPOINT_URL_SQS && e.AWS_ENDPOINT_URL_SNS;
  return {
    region: e.AWS_REGION,
    endpoints: local
      ? {
          dynamodb: e.AWS_ENDPOINT_URL_DYNAMODB as string,
          sqs: e.AWS_ENDPOINT_URL_SQS as string,
          sns: e.AWS_ENDPOINT_URL_SNS as string,
          ...(e.AWS_ENDPOINT_URL_EVENTBRIDGE ? { eventbridge: e.AWS_ENDPOINT_URL_EVENTBRIDGE } : {}),
        }
      : undefined,
    tableName: e.TABLE_NAME,
    monitorQueueUrl: e.MONITOR_QUEUE_URL,
    fanOutQueueUrl: e.FAN_OUT_QUEUE_URL,
    monitorDlqUrl: e.MONITOR_DLQ_URL,
    alertsTopicArn: e.ALERTS_TOPIC_ARN,
    eventBusName: e.EVENT_BUS_NAME,
    bureaus: bureaus.data,
    tokenKey: e.CREDMON_TOKEN_KEY,
    sealKey: e.CREDMON_SEAL_KEY,
    policyFile: e.CREDMON_POLICY_FILE,
    historyRetentionDays: e.CREDMON_HISTORY_RETENTION_DAYS,
    subjectsPerJob: e.CREDMON_SUBJECTS_PER_JOB,
  };
}
