import { Match } from 'aws-cdk-lib/assertions';
import { PORTFOLIO_ROUTES } from '#lib/constructs/portfolio.ts';
import { EDGE_FUNCTIONS, TABLE } from '#shared/catalogue.ts';
import { synthCredmon } from './synth.ts';

interface Statement {
  readonly Effect: string;
  readonly Action: string | string[];
  readonly Resource: unknown;
}

describe('portfolio API and drop folder', () => {
  const { template } = synthCredmon();

  function statementsOf(functionName: string): Statement[] {
    const [fn] = Object.values(
      template.findResources('AWS::Lambda::Function', {
        Properties: { Description: `credmon ${functionName}` },
      }),
    );
    const roleId: string = fn?.Properties.Role['Fn::GetAtt'][0];
    return Object.values(template.findResources('AWS::IAM::Policy'))
      .filter((policy) => policy.Properties.Roles.some((role: { Ref: string }) => role.Ref === roleId))
      .flatMap((policy) => policy.Properties.PolicyDocument.Statement as Statement[]);
  }
  const actions = (statements: Statement[]) =>
    statements.flatMap((s) => (Array.isArray(s.Action) ? s.Action : [s.Action]));

  it('serves every route through an HTTP API with IAM authorization', () => {
    template.resourceCountIs('AWS::ApiGatewayV2::Api', 1);
    const routes = Object.values(template.findResources('AWS::ApiGatewayV2::Route'));
    expect(routes.map((r) => r.Properties.RouteKey).sort()).toEqual(
      PORTFOLIO_ROUTES.map((r) => `${r.method} ${r.path}`).sort(),
    );
    for (const route of routes) expect(route.Properties.AuthorizationType).toBe('AWS_IAM');
    template.hasResourceProperties('AWS::ApiGatewayV2::Stage', {
      AccessLogSettings: Match.objectLike({ DestinationArn: Match.anyValue() }),
    });
  });

  it('keeps the drop bucket KMS-encrypted, versioned, private, TLS-only and access-logged', () => {
    template.hasResourceProperties('AWS::S3::Bucket', {
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
      LoggingConfiguration: Match.objectLike({ LogFilePrefix: 'drop/' }),
    });
    template.hasResourceProperties('AWS::S3::BucketPolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
        ]),
      },
    });
    template.hasResourceProperties('AWS::S3::Bucket', {
      NotificationConfiguration: { EventBridgeConfiguration: { EventBridgeEnabled: true } },
    });
    template.hasResourceProperties('AWS::Events::Rule', {
      EventPattern: Match.objectLike({
        source: ['aws.s3'],
        'detail-type': ['Object Created'],
        detail: Match.objectLike({ object: { key: [{ suffix: '.csv' }] } }),
      }),
    });
  });

  it('grants the API only what its routes need: the portfolio index, never Scan or DeleteItem', () => {
    const api = statementsOf(EDGE_FUNCTIONS.portfolioApi.name);
    expect(actions(api)).toEqual(
      expect.arrayContaining([
        'dynamodb:GetItem',
        'dynamodb:UpdateItem',
        'dynamodb:Query',
        'dynamodb:BatchGetItem',
      ]),
    );
    expect(JSON.stringify(api)).toContain(`/index/${TABLE.indexes.portfolio.name}`);
    expect(JSON.stringify(api)).not.toContain('/index/*');
    for (const forbidden of ['dynamodb:Scan', 'dynamodb:DeleteItem', 'dynamodb:*', 's3:GetObject']) {
      expect(actions(api)).not.toContain(forbidden);
    }
  });

  it('lets both functions put baseline requests on the credmon bus, and nowhere else', () => {
    // Prepare
    const [busId] = Object.keys(template.findResources('AWS::Events::EventBus'));
    const functions = [EDGE_FUNCTIONS.portfolioApi.name, EDGE_FUNCTIONS.portfolioDrop.name];

    // Act
    const grants = functions.map((name) =>
      statementsOf(name).filter((s) => actions([s]).some((a) => a.startsWith('events:'))),
    );
    const environments = functions.map(
      (name) =>
        Object.values(
          template.findResources('AWS::Lambda::Function', {
            Properties: { Description: `credmon ${name}` },
          }),
        )[0]?.Properties.Environment.Variables,
    );

    // Assess
    for (const statements of grants) {
      expect(statements).toEqual([
        expect.objectContaining({
          Effect: 'Allow',
          Action: 'events:PutEvents',
          Resource: { 'Fn::GetAtt': [busId, 'Arn'] },
        }),
      ]);
    }
    for (const variables of environments) expect(variables?.EVENT_BUS_NAME).toEqual({ Ref: busId });
  });

  it('lets the drop function read CSV files and write reports only, and enrol subjects', () => {
    const drop = statementsOf(EDGE_FUNCTIONS.portfolioDrop.name);
    expect(actions(drop)).toEqual(
      expect.arrayContaining(['s3:GetObject', 's3:PutObject', 'dynamodb:UpdateItem']),
    );
    const s3 = JSON.stringify(drop.filter((s) => actions([s]).some((a) => a.startsWith('s3:'))));
    expect(s3).toContain('/*.csv');
    expect(s3).toContain('/*.result.json');
    for (const forbidden of [
      'dynamodb:Scan',
      'dynamodb:Query',
      'dynamodb:BatchWriteItem',
      's3:DeleteObject',
    ]) {
      expect(actions(drop)).not.toContain(forbidden);
    }
  });
});
