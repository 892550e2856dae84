/**
 * What the portfolio functions (API, S3 drop) and `credmon portfolio --stack` need: the table, the
 * keys and the event bus (for the new subjects' baseline requests), nothing of the pipeline's
 * queues or bureaus. Read from the environment, validated once.
 */
import { z } from 'zod';
import { type AwsClientOptions, createAwsClients } from '#shared/adapters/aws/clients.ts';
import { createSealer } from '#shared/adapters/crypto/sealer.ts';
import { EventBridgeBus } from '#shared/adapters/messaging/eventbridge-bus.ts';
import { ConfigError } from '#shared/errors.ts';
import type {
  PortfolioDependencies,
  PortfolioReader,
  SubjectHistorySource,
} from '#shared/use-cases/import-portfolio.ts';
import { DynamoPortfolioReader } from './dynamo-portfolio-reader.ts';
import { DynamoSubjectStore } from './dynamo-subject-store.ts';

const PortfolioEnv = z.object({
  AWS_REGION: z.string().min(1),
  TABLE_NAME: z.string().min(1),
  CREDMON_TOKEN_KEY: z.string().min(16),
  CREDMON_SEAL_KEY: z.string().min(16),
  /** The credmon event bus: each new subject's SubjectEnrolled goes there. Unset: none is sent. */
  EVENT_BUS_NAME: z.string().min(1).optional(),
  AWS_ENDPOINT_URL_DYNAMODB: z.url().optional(),
  AWS_ENDPOINT_URL_EVENTBRIDGE: z.url().optional(),
});
export type PortfolioConfig = z.infer<typeof PortfolioEnv>;

/**
 * @example
 * const config = loadPortfolioConfig(process.env); // throws ConfigError naming e.g. TABLE_NAME
 */
export function loadPortfolioConfig(env: Readonly<Record<string, string | undefined>>): PortfolioConfig {
  const parsed = PortfolioEnv.safeParse({ AWS_REGION: env.AWS_DEFAULT_REGION, ...env });
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => {
      const key = String(issue.path[0] ?? '');
      return env[key] === undefined ? `${key} is not set` : `${key}: ${issue.message}`;
    });
    throw new ConfigError(`invalid configuration: ${problems.join('; ')}`);
  }
  return parsed.data;
}

export interface PortfolioComposition {
  readonly portfolio: PortfolioDependencies;
  readonly reader: PortfolioReader;
  readonly history: SubjectHistorySource;
  readonly clients: ReturnType<typeof createAwsClients>;
}

/**
 * @example
 * const { portfolio, reader, history } = composePortfolio(loadPortfolioConfig(process.env));
 */
export function composePortfolio(
  config: PortfolioConfig,
  options: Pick<AwsClientOptions, 'instrument'> = {},
): PortfolioComposition {
  const endpoint = config.AWS_ENDPOINT_URL_DYNAMODB;
  const busEndpoint = config.AWS_ENDPOINT_URL_EVENTBRIDGE;
  const clients = createAwsClients({
    ...options,
    region: config.AWS_REGION,
    // Only DynamoDB and EventBridge are used; the other clients are never called.
    endpoints: endpoint
      ? {
          dynamodb: endpoint,
          sqs: endpoint,
          sns: endpoint,
          ...(busEndpoint ? { eventbridge: busEndpoint } : {}),
        }
      : undefined,
  });
  const store = new DynamoSubjectStore(clients.dynamodb, { tableName: config.TABLE_NAME });
  const bus = config.EVENT_BUS_NAME ? new EventBridgeBus(clients.eventbridge, config.EVENT_BUS_NAME) : null;
  return {
    portfolio: {
      store,
      sealer: createSealer(config.CREDMON_SEAL_KEY),
      tokenKey: config.CREDMON_TOKEN_KEY,
      bus,
    },
    reader: new DynamoPortfolioReader(clients.dynamodb, config.TABLE_NAME),
    history: store,
    clients,
  };
}
