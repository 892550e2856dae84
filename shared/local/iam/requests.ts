/**
 * What an AWS SDK call asks of IAM: the actions and resource ARNs AWS authorizes it against, as the
 * service documentation's "Actions, resources, and condition keys" pages define them. A batch or
 * transaction asks once per table and kind of item; `dynamodb:LeadingKeys` carries its partition keys.
 */
import { TABLE } from '#shared/catalogue.ts';

export interface IamRequest {
  /** `dynamodb:PutItem`, `sqs:SendMessage`, … */
  readonly action: string;
  readonly resource: string;
  /** Condition keys of the request (only those some policy tests are evaluated). */
  readonly context: Readonly<Record<string, string | readonly string[]>>;
}

export interface Arns {
  readonly region: string;
  readonly account: string;
}

type Input = Readonly<Record<string, unknown>>;

/**
 * @example
 * iamRequestsOf('DynamoDB', 'Query', { TableName: 'credmon-credmon', IndexName: 'tier-index' }, arns);
 * // [{ action: 'dynamodb:Query', resource: 'arn:aws:dynamodb:…:table/credmon-credmon/index/tier-index', context: {} }]
 */
export function iamRequestsOf(service: string, operation: string, input: Input, arns: Arns): IamRequest[] {
  switch (service) {
    case 'DynamoDB':
      return dynamoRequests(operation, input, arns);
    case 'SQS':
      return sqsRequests(operation, input, arns);
    case 'SNS':
      return [
        {
          action: `sns:${operation === 'PublishBatch' ? 'Publish' : operation}`,
          resource: String(input.TopicArn ?? '*'),
          context: {},
        },
      ];
    case 'EventBridge': {
      const buses = new Set(
        ((input.Entries as Input[] | undefined) ?? []).map((entry) =>
          busArn(String(entry.EventBusName ?? 'default'), arns),
        ),
      );
      return [...buses].map((resource) => ({ action: `events:${operation}`, resource, context: {} }));
    }
    case 'S3':
      return [
        {
          action: `s3:${operation}`,
          resource:
            input.Key === undefined
              ? `arn:aws:s3:::${input.Bucket}`
              : `arn:aws:s3:::${input.Bucket}/${input.Key}`,
          context: {},
        },
      ];
    default:
      throw new Error(`no IAM mapping for ${service}.${operation}: add it to shared/local/iam/requests.ts`);
  }
}

const TRANSACT_ACTIONS: Record<string, string> = {
  Put: 'PutItem',
  Update: 'UpdateItem',
  Delete: 'DeleteItem',
  ConditionCheck: 'ConditionCheckItem',
  Get: 'GetItem',
};

function dynamoRequests(operation: string, input: Input, arns: Arns): IamRequest[] {
  const table = (name: unknown, index?: unknown) => {
    const base = String(name).startsWith('arn:')
      ? String(name)
      : `arn:aws:dynamodb:${arns.region}:${arns.account}:table/${name}`;
    return index ? `${base}/index/${index}` : base;
  };
  const leadingKeys = (keys: readonly unknown[]): Record<string, string[]> => {
    const values = keys.flatMap((key) => {
      const partition = partitionKeyOf(key);
      return partition === undefined ? [] : [partition];
    });
    return values.length > 0 ? { 'dynamodb:LeadingKeys': [...new Set(values)] } : {};
  };
  switch (operation) {
    case 'BatchGetItem':
      return Object.entries((input.RequestItems as Record<string, { Keys?: unknown[] }>) ?? {}).map(
        ([name, request]) => ({
          action: 'dynamodb:BatchGetItem',
          resource: table(name),
          context: leadingKeys(request.Keys ?? []),
        }),
      );
    case 'BatchWriteItem':
      return Object.entries((input.RequestItems as Record<string, Input[]>) ?? {}).map(([name, writes]) => ({
        action: 'dynamodb:BatchWriteItem',
        resource: table(name),
        context: leadingKeys(
          writes.map(
            (write) =>
              (write.PutRequest as Input | undefined)?.Item ??
              (write.DeleteRequest as Input | undefined)?.Key,
          ),
        ),
      }));
    case 'TransactWriteItems':
    case 'TransactGetItems':
      return ((input.TransactItems as Input[] | undefined) ?? []).flatMap((item) =>
        Object.entries(item).map(([kind, request]) => {
          const body = request as Input;
          return {
            action: `dynamodb:${TRANSACT_ACTIONS[kind] ?? kind}`,
            resource: table(body.TableName),
            context: leadingKeys([body.Key ?? body.Item]),
          };
        }),
      );
    case 'ExportTableToPointInTime':
      return [{ action: 'dynamodb:ExportTableToPointInTime', resource: String(input.TableArn), context: {} }];
    default:
      return [
        {
          action: `dynamodb:${operation}`,
          resource: table(input.TableName, input.IndexName),
          context: leadingKeys([input.Key ?? input.Item].filter((key) => key !== undefined)),
        },
      ];
  }
}

/** Partition key of a key or item, marshalled (`{ S: '…' }`) or not. */
function partitionKeyOf(key: unknown): string | undefined {
  const attribute = (key as Record<string, unknown> | undefined)?.[TABLE.partitionKey];
  if (typeof attribute === 'string') return attribute;
  const marshalled = (attribute as { S?: unknown } | undefined)?.S;
  return typeof marshalled === 'string' ? marshalled : undefined;
}

const SQS_BATCH_ACTIONS: Record<string, string> = {
  SendMessageBatch: 'SendMessage',
  DeleteMessageBatch: 'DeleteMessage',
  ChangeMessageVisibilityBatch: 'ChangeMessageVisibility',
};

function sqsRequests(operation: string, input: Input, arns: Arns): IamRequest[] {
  const name =
    typeof input.QueueUrl === 'string'
      ? (input.QueueUrl.split('/').pop() ?? '')
      : String(input.QueueName ?? '*');
  return [
    {
      action: `sqs:${SQS_BATCH_ACTIONS[operation] ?? operation}`,
      resource: `arn:aws:sqs:${arns.region}:${arns.account}:${name}`,
      context: {},
    },
  ];
}

function busArn(nameOrArn: string, arns: Arns): string {
  return nameOrArn.startsWith('arn:')
    ? nameOrArn
    : `arn:aws:events:${arns.region}:${arns.account}:event-bus/${nameOrArn}`;
}
