/** The analytics construct: scheduled export, hardened buckets, Glue table, Athena workgroup and named queries. */
import { App, Duration, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as kms from 'aws-cdk-lib/aws-kms';
import { CredmonAnalytics } from '#lib/constructs/analytics.ts';
import { NAMED_QUERIES } from '#shared/analytics/queries.ts';
import { FIXTURE_ENTRY_ROOT, synthCredmon } from './synth.ts';

describe('analytics', () => {
  const { template } = synthCredmon();

  it('schedules a daily full export through a function that may only start exports of the credmon table', () => {
    // Assess
    template.hasResourceProperties('AWS::Scheduler::Schedule', {
      ScheduleExpression: 'cron(30 2 * * ? *)',
      Target: Match.objectLike({ Input: JSON.stringify({ type: 'full' }) }),
    });
    template.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Sid: 'ExportTable', Action: 'dynamodb:ExportTableToPointInTime' }),
          Match.objectLike({ Sid: 'WriteExportFiles', Action: ['s3:PutObject', 's3:AbortMultipartUpload'] }),
        ]),
      },
    });
  });

  it('keeps exports and results in KMS-encrypted, TLS-only, private buckets that expire objects', () => {
    // Assess
    const buckets = template.findResources('AWS::S3::Bucket', {
      Properties: {
        BucketEncryption: {
          ServerSideEncryptionConfiguration: [
            Match.objectLike({
              ServerSideEncryptionByDefault: Match.objectLike({ SSEAlgorithm: 'aws:kms' }),
            }),
          ],
        },
        PublicAccessBlockConfiguration: {
          BlockPublicAcls: true,
          BlockPublicPolicy: true,
          IgnorePublicAcls: true,
          RestrictPublicBuckets: true,
        },
        LifecycleConfiguration: { Rules: Match.arrayWith([Match.objectLike({ ExpirationInDays: 90 })]) },
      },
    });
    expect(Object.keys(buckets)).toHaveLength(2);
    template.hasResourceProperties('AWS::S3::BucketPolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
        ]),
      },
    });
  });

  it('describes the export to Glue as DynamoDB JSON in projected daily partitions', () => {
    // Assess
    template.hasResourceProperties('AWS::Glue::Table', {
      TableInput: Match.objectLike({
        PartitionKeys: [{ Name: 'dt', Type: 'string' }],
        Parameters: Match.objectLike({ 'projection.enabled': 'true', 'projection.dt.type': 'date' }),
        StorageDescriptor: Match.objectLike({
          Columns: [{ Name: 'item', Type: Match.stringLikeRegexp('^struct<pk:struct<S:string>') }],
          SerdeInfo: Match.objectLike({ SerializationLibrary: 'org.openx.data.jsonserde.JsonSerDe' }),
        }),
      }),
    });
  });

  it('enforces encrypted query results in the workgroup and publishes every named query', () => {
    // Assess
    template.hasResourceProperties('AWS::Athena::WorkGroup', {
      WorkGroupConfiguration: Match.objectLike({
        EnforceWorkGroupConfiguration: true,
        ResultConfiguration: Match.objectLike({
          EncryptionConfiguration: Match.objectLike({ EncryptionOption: 'SSE_KMS' }),
        }),
      }),
    });
    const queries = Object.values(template.findResources('AWS::Athena::NamedQuery'));
    expect(queries.map((query) => query.Properties.Name).sort()).toEqual(
      NAMED_QUERIES.map((query) => `credmon-${query.name}`).sort(),
    );
    for (const query of queries) {
      expect(query.Properties.QueryString).toMatch(/^WITH latest AS \(/);
      expect(query.Properties.QueryString).toContain('"credmon"."table_export"');
      expect(query.Properties.QueryString).not.toMatch(/:(from|to)\b/);
    }
  });

  it('adds an incremental export schedule covering its own window when configured', () => {
    // Prepare
    const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
    const stack = new Stack(app, 'Incremental');
    const table = new dynamodb.Table(stack, 'Table', {
      partitionKey: { name: 'pk', type: dynamodb.AttributeType.STRING },
    });
    // Act
    new CredmonAnalytics(stack, 'Analytics', {
      table,
      encryptionKey: new kms.Key(stack, 'Key'),
      incrementalEvery: Duration.hours(1),
      entryRoot: FIXTURE_ENTRY_ROOT,
    });
    // Assess
    Template.fromStack(stack).hasResourceProperties('AWS::Scheduler::Schedule', {
      ScheduleExpression: 'rate(1 hour)',
      Target: Match.objectLike({ Input: JSON.stringify({ type: 'incremental', windowMinutes: 60 }) }),
    });
    expect(
      () =>
        new CredmonAnalytics(stack, 'TooOften', {
          table,
          encryptionKey: new kms.Key(stack, 'Key2'),
          incrementalEvery: Duration.minutes(5),
          entryRoot: FIXTURE_ENTRY_ROOT,
        }),
    ).toThrow(/15 minutes to 24 hours/);
  });
});
