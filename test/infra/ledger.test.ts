import { Match } from 'aws-cdk-lib/assertions';
import { EDGE_FUNCTIONS } from '#shared/catalogue.ts';
import { synthCredmon } from './synth.ts';

interface Statement {
  readonly Effect: string;
  readonly Action: string | string[];
  readonly Resource: unknown;
}

describe('ledger drop folder', () => {
  const { template } = synthCredmon();

  const [fnId, fn] = Object.entries(
    template.findResources('AWS::Lambda::Function', {
      Properties: { Description: `credmon ${EDGE_FUNCTIONS.ledgerDrop.name}` },
    }),
  )[0] ?? [undefined, undefined];
  const roleId: string = fn?.Properties.Role['Fn::GetAtt'][0];
  const statements = Object.values(template.findResources('AWS::IAM::Policy'))
    .filter((policy) => policy.Properties.Roles.some((role: { Ref: string }) => role.Ref === roleId))
    .flatMap((policy) => policy.Properties.PolicyDocument.Statement as Statement[]);
  const actions = (list: Statement[]) =>
    list.flatMap((s) => (Array.isArray(s.Action) ? s.Action : [s.Action]));
  const [bucketId] = Object.keys(
    template.findResources('AWS::S3::Bucket', {
      Properties: { LoggingConfiguration: Match.objectLike({ LogFilePrefix: 'ledger/' }) },
    }),
  );

  it('has its own KMS-encrypted, versioned, private, access-logged bucket announcing objects on EventBridge', () => {
    expect(fnId).toBeDefined();
    expect(bucketId).toBeDefined();
    template.hasResourceProperties('AWS::S3::Bucket', {
      LoggingConfiguration: Match.objectLike({ LogFilePrefix: 'ledger/' }),
      BucketEncryption: {
        ServerSideEncryptionConfiguration: [
          Match.objectLike({ ServerSideEncryptionByDefault: Match.objectLike({ SSEAlgorithm: 'aws:kms' }) }),
        ],
      },
      VersioningConfiguration: { Status: 'Enabled' },
      PublicAccessBlockConfiguration: {
        BlockPublicAcls: true,
        BlockPublicPolicy: true,
        IgnorePublicAcls: true,
        RestrictPublicBuckets: true,
      },
      NotificationConfiguration: { EventBridgeConfiguration: { EventBridgeEnabled: true } },
    });
  });

  it('invokes the function for objects under incoming/ only, with retries and a dead-letter queue', () => {
    template.hasResourceProperties('AWS::Events::Rule', {
      EventPattern: Match.objectLike({
        source: ['aws.s3'],
        'detail-type': ['Object Created'],
        detail: Match.objectLike({
          bucket: { name: [{ Ref: bucketId }] },
          object: { key: [{ prefix: 'incoming/' }] },
        }),
      }),
      Targets: [
        Match.objectLike({
          Arn: { 'Fn::GetAtt': [fnId, 'Arn'] },
          RetryPolicy: Match.objectLike({ MaximumRetryAttempts: 2 }),
          DeadLetterConfig: Match.objectLike({ Arn: Match.anyValue() }),
        }),
      ],
    });
  });

  it('lets the function update subject items, read incoming/ and write reports/, nothing more', () => {
    expect(actions(statements)).toEqual(
      expect.arrayContaining(['dynamodb:UpdateItem', 's3:GetObject', 's3:PutObject']),
    );
    const byAction = (action: string) =>
      JSON.stringify(statements.filter((s) => actions([s]).includes(action)));
    expect(byAction('s3:GetObject')).toContain('/incoming/*');
    expect(byAction('s3:GetObject')).not.toContain('/reports/*');
    expect(byAction('s3:PutObject')).toContain('/reports/*');
    expect(byAction('s3:PutObject')).not.toContain('/incoming/*');
    for (const forbidden of [
      'dynamodb:Scan',
      'dynamodb:Query',
      'dynamodb:GetItem',
      'dynamodb:PutItem',
      'dynamodb:DeleteItem',
      'dynamodb:*',
      's3:DeleteObject',
      's3:*',
    ]) {
      expect(actions(statements)).not.toContain(forbidden);
    }
    expect(Object.keys(fn?.Properties.Environment.Variables ?? {})).toContain('TABLE_NAME');
    expect(Object.keys(fn?.Properties.Environment.Variables ?? {})).not.toContain('CREDMON_SEAL_KEY');
  });
});
