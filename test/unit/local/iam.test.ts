/** Local IAM: template references resolved, SDK calls mapped to IAM requests, decisions enforced. */
import { DynamoDBClient, GetItemCommand, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { AccessDeniedError, IamDeniedError, IamEnforcer } from '#shared/local/iam/enforcer.ts';
import {
  type ResolutionContext,
  resolveIntrinsics,
  UnresolvedReferenceError,
} from '#shared/local/iam/intrinsics.ts';
import { iamRequestsOf } from '#shared/local/iam/requests.ts';

const arns = { region: 'eu-north-1', account: '000000000000' };
const TABLE_ARN = 'arn:aws:dynamodb:eu-north-1:000000000000:table/credmon-credmon';
const QUEUE_ARN = 'arn:aws:sqs:eu-north-1:000000000000:credmon-monitor-jobs';
const KEY_ARN = 'arn:aws:kms:eu-north-1:000000000000:key/credmon-local-key';

const context: ResolutionContext = {
  ...arns,
  ref: (id) =>
    ({ Table: 'credmon-credmon', Queue: 'http://sqs.local/000000000000/credmon-monitor-jobs' })[id],
  getAtt: (id, attribute) => (id === 'Table' && attribute === 'Arn' ? TABLE_ARN : undefined),
  secret: (name) => (name === 'credmon/token-key' ? 'local-token-key' : undefined),
};

describe('resolveIntrinsics', () => {
  it('resolves Ref, GetAtt, Join, Sub and dynamic secret references as CloudFormation does', () => {
    // Prepare
    const value = {
      table: { Ref: 'Table' },
      index: { 'Fn::Join': ['', [{ 'Fn::GetAtt': ['Table', 'Arn'] }, '/index/tier-index']] },
      // biome-ignore lint/suspicious/noTemplateCurlyInString: CloudFormation's Fn::Sub syntax, not a template literal
      sub: { 'Fn::Sub': 'arn:${AWS::Partition}:logs:${AWS::Region}:${AWS::AccountId}:x/${Table}' },
      bureaus: '{"apiKey":"{{resolve:secretsmanager:credmon/token-key:SecretString:::}}"}',
    };
    // Act
    const resolved = resolveIntrinsics(value, context, { where: 'test', strict: true });
    // Assess
    expect(resolved).toEqual({
      table: 'credmon-credmon',
      index: `${TABLE_ARN}/index/tier-index`,
      sub: 'arn:aws:logs:eu-north-1:000000000000:x/credmon-credmon',
      bureaus: '{"apiKey":"local-token-key"}',
    });
  });

  it('names what has no local counterpart when strict, and leaves a placeholder otherwise', () => {
    // Act / Assess
    expect(() =>
      resolveIntrinsics({ Ref: 'ExportBucket' }, context, { where: 'env of export', strict: true }),
    ).toThrow(
      new UnresolvedReferenceError(
        'env of export: Ref ExportBucket has no local counterpart in the embedded AWS',
      ),
    );
    expect(resolveIntrinsics({ Ref: 'ExportBucket' }, context, { where: 'policy' })).toBe(
      'unbound:Ref ExportBucket',
    );
  });
});

describe('iamRequestsOf', () => {
  it('maps an index query, a batch and a transaction to the actions and ARNs AWS authorizes', () => {
    // Act
    const query = iamRequestsOf(
      'DynamoDB',
      'Query',
      { TableName: 'credmon-credmon', IndexName: 'tier-index' },
      arns,
    );
    const batch = iamRequestsOf(
      'DynamoDB',
      'BatchGetItem',
      {
        RequestItems: {
          'credmon-credmon': { Keys: [{ pk: { S: 'SUBJECT#a' } }, { pk: { S: 'SUBJECT#b' } }] },
        },
      },
      arns,
    );
    const transaction = iamRequestsOf(
      'DynamoDB',
      'TransactWriteItems',
      { TransactItems: [{ Put: { TableName: 'credmon-credmon', Item: { pk: { S: 'SUBJECT#a' } } } }] },
      arns,
    );
    const send = iamRequestsOf(
      'SQS',
      'SendMessageBatch',
      { QueueUrl: 'http://sqs.local/000000000000/credmon-monitor-jobs' },
      arns,
    );
    // Assess
    expect(query).toEqual([
      { action: 'dynamodb:Query', resource: `${TABLE_ARN}/index/tier-index`, context: {} },
    ]);
    expect(batch).toEqual([
      {
        action: 'dynamodb:BatchGetItem',
        resource: TABLE_ARN,
        context: { 'dynamodb:LeadingKeys': ['SUBJECT#a', 'SUBJECT#b'] },
      },
    ]);
    expect(transaction).toEqual([
      { action: 'dynamodb:PutItem', resource: TABLE_ARN, context: { 'dynamodb:LeadingKeys': ['SUBJECT#a'] } },
    ]);
    expect(send).toEqual([{ action: 'sqs:SendMessage', resource: QUEUE_ARN, context: {} }]);
  });

  it('refuses a service it has no mapping for, rather than letting the call through unchecked', () => {
    expect(() => iamRequestsOf('Lambda', 'Invoke', {}, arns)).toThrow(/no IAM mapping for Lambda.Invoke/);
  });
});

describe('IamEnforcer', () => {
  const readOnly = {
    functionName: 'reader',
    roleArn: 'arn:aws:iam::000000000000:role/ReaderRole',
    policies: [
      {
        name: 'read',
        document: {
          Version: '2012-10-17',
          Statement: [
            { Effect: 'Allow', Action: ['dynamodb:GetItem'], Resource: TABLE_ARN },
            { Effect: 'Allow', Action: ['sqs:SendMessage'], Resource: QUEUE_ARN },
          ],
        },
      },
    ],
  };
  /** The key policy CDK writes: the account's IAM policies decide. */
  const keyPolicy = {
    Version: '2012-10-17',
    Statement: [
      {
        Effect: 'Allow',
        Principal: { AWS: 'arn:aws:iam::000000000000:root' },
        Action: 'kms:*',
        Resource: '*',
      },
    ],
  };

  function client<T extends DynamoDBClient | SQSClient>(made: T, enforcer: IamEnforcer): T {
    enforcer.instrumentFor('reader')(made);
    // The call must never reach a network: a terminal middleware answers in its place.
    (made.middlewareStack as unknown as { add(middleware: unknown, options: object): void }).add(
      () => async () => ({ output: { $metadata: {} }, response: {} }),
      {
        step: 'initialize',
        priority: 'low',
        name: 'answerLocally',
      },
    );
    return made;
  }

  it('lets an allowed call through and refuses another as AWS does, naming function, action and resource', async () => {
    // Prepare
    const enforcer = new IamEnforcer({ arns, principals: [readOnly] });
    const dynamodb = client(
      new DynamoDBClient({ region: 'eu-north-1', credentials: { accessKeyId: 'x', secretAccessKey: 'x' } }),
      enforcer,
    );
    // Act
    await dynamodb.send(
      new GetItemCommand({ TableName: 'credmon-credmon', Key: { pk: { S: 'SUBJECT#a' } } }),
    );
    const refused = dynamodb
      .send(new PutItemCommand({ TableName: 'credmon-credmon', Item: { pk: { S: 'SUBJECT#a' } } }))
      .catch((error: unknown) => error);
    // Assess
    const error = await refused;
    expect(error).toBeInstanceOf(AccessDeniedError);
    expect((error as Error).name).toBe('AccessDeniedException');
    expect((error as Error).message).toContain(
      `not authorized to perform: dynamodb:PutItem on resource: ${TABLE_ARN}`,
    );
    expect((error as Error).message).toContain('(function reader)');
    expect(enforcer.summary()).toEqual({ checked: 2, denied: 1 });
    expect(() => enforcer.assertNoDenials()).toThrow(IamDeniedError);
    expect(enforcer.deniedCalls()).toEqual([
      { functionName: 'reader', action: 'dynamodb:PutItem', resource: TABLE_ARN },
    ]);
  });

  it('asks KMS too when a queue is encrypted, and refuses the send when the role may not use the key', async () => {
    // Prepare
    const enforcer = new IamEnforcer({
      arns,
      principals: [readOnly],
      resourcePolicies: new Map([[KEY_ARN, keyPolicy]]),
      encryptionKeys: new Map([[QUEUE_ARN, KEY_ARN]]),
    });
    const sqs = client(
      new SQSClient({ region: 'eu-north-1', credentials: { accessKeyId: 'x', secretAccessKey: 'x' } }),
      enforcer,
    );
    // Act
    const refused = await sqs
      .send(
        new SendMessageCommand({
          QueueUrl: 'http://sqs.local/000000000000/credmon-monitor-jobs',
          MessageBody: '{}',
        }),
      )
      .catch((error: unknown) => error);
    // Assess
    expect((refused as Error).message).toContain(`kms:GenerateDataKey on resource: ${KEY_ARN}`);
    expect(enforcer.summary()).toEqual({ checked: 2, denied: 1 });
  });
});
