/**
 * AWS SDK clients, built once per process. In AWS they use the default endpoints; locally the
 * embedded AWS's endpoints are passed in (the same code paths, only the address differs).
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { SNSClient } from '@aws-sdk/client-sns';
import { SQSClient } from '@aws-sdk/client-sqs';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

export interface AwsEndpoints {
  readonly dynamodb: string;
  readonly sqs: string;
  readonly sns: string;
  readonly eventbridge?: string;
}

export interface AwsClients {
  readonly dynamodb: DynamoDBDocumentClient;
  /** The plain client, for table administration (the local bootstrap). */
  readonly dynamodbRaw: DynamoDBClient;
  readonly sqs: SQSClient;
  readonly sns: SNSClient;
  readonly eventbridge: EventBridgeClient;
}

export interface AwsClientOptions {
  readonly region: string;
  /** Endpoint overrides (the embedded AWS); none in AWS. */
  readonly endpoints?: AwsEndpoints | undefined;
  /** SDK middleware to count requests and capacity (the benchmark). */
  readonly instrument?: (client: DynamoDBClient | SQSClient | SNSClient | EventBridgeClient) => void;
}

const localCredentials = { accessKeyId: 'local', secretAccessKey: 'local' };

/**
 * @example
 * const aws = createAwsClients({ region: 'eu-north-1' });
 * await aws.sqs.send(new SendMessageCommand({ ... }));
 */
export function createAwsClients(options: AwsClientOptions): AwsClients {
  const local = options.endpoints;
  const common = {
    region: options.region,
    maxAttempts: 3,
    ...(local ? { credentials: localCredentials } : {}),
  };
  const rawDynamo = new DynamoDBClient({ ...common, ...(local ? { endpoint: local.dynamodb } : {}) });
  // fauxqs queue URLs carry a *.localhost host name: keep the explicit endpoint instead.
  const sqs = new SQSClient({
    ...common,
    ...(local ? { endpoint: local.sqs, useQueueUrlAsEndpoint: false } : {}),
  });
  const sns = new SNSClient({ ...common, ...(local ? { endpoint: local.sns } : {}) });
  const eventbridge = new EventBridgeClient({
    ...common,
    ...(local?.eventbridge ? { endpoint: local.eventbridge } : {}),
  });
  for (const client of [rawDynamo, sqs, sns, eventbridge]) options.instrument?.(client);
  const dynamodb = DynamoDBDocumentClient.from(rawDynamo, {
    marshallOptions: { removeUndefinedValues: true, convertClassInstanceToMap: false },
  });
  return { dynamodb, dynamodbRaw: rawDynamo, sqs, sns, eventbridge };
}
