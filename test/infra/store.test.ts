import { Match } from 'aws-cdk-lib/assertions';
import { TABLE } from '#shared/catalogue.ts';
import { synthCredmon } from './synth.ts';

describe('CredmonStore', () => {
  const { template } = synthCredmon();

  it('keys the table by pk/sk with TTL, PITR and a customer-managed key', () => {
    // Prepare / Act: synthesized once above
    // Assess
    template.hasResourceProperties('AWS::DynamoDB::Table', {
      KeySchema: [
        { AttributeName: TABLE.partitionKey, KeyType: 'HASH' },
        { AttributeName: TABLE.sortKey, KeyType: 'RANGE' },
      ],
      BillingMode: 'PAY_PER_REQUEST',
      TimeToLiveSpecification: { AttributeName: TABLE.ttlAttribute, Enabled: true },
      PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
      SSESpecification: { SSEEnabled: true, SSEType: 'KMS', KMSMasterKeyId: Match.anyValue() },
      DeletionProtectionEnabled: true,
    });
  });

  it('is retained when the stack is deleted', () => {
    template.hasResource('AWS::DynamoDB::Table', { DeletionPolicy: 'Retain', UpdateReplacePolicy: 'Retain' });
    template.hasResource('AWS::KMS::Key', { DeletionPolicy: 'Retain' });
    template.hasResourceProperties('AWS::KMS::Key', { EnableKeyRotation: true });
  });

  it.each(Object.values(TABLE.indexes))('has the $name index from the catalogue', (index) => {
    const projection =
      index.projection === 'job'
        ? { ProjectionType: 'INCLUDE', NonKeyAttributes: Match.arrayWith([...TABLE.jobAttributes]) }
        : { ProjectionType: 'KEYS_ONLY' };
    template.hasResourceProperties('AWS::DynamoDB::Table', {
      GlobalSecondaryIndexes: Match.arrayWith([
        {
          IndexName: index.name,
          KeySchema: [
            { AttributeName: index.partitionKey, KeyType: 'HASH' },
            { AttributeName: index.sortKey, KeyType: 'RANGE' },
          ],
          Projection: projection,
        },
      ]),
    });
  });

  it('projects what fan-out needs (pk, version, hash) into the tier index', () => {
    expect(TABLE.indexes.tier.projection).toBe('job');
    expect(TABLE.jobAttributes).toEqual(expect.arrayContaining(['version', 'hash']));
    expect(TABLE.indexes.tier.sortKey).toBe(TABLE.partitionKey);
  });

  it('drops deletion protection and retention only for a destroyable dev deployment', () => {
    // Prepare / Act
    const dev = synthCredmon({ config: { environment: 'dev', removalPolicy: 'destroy' } }).template;
    // Assess
    dev.hasResource('AWS::DynamoDB::Table', {
      DeletionPolicy: 'Delete',
      Properties: Match.objectLike({ DeletionProtectionEnabled: false }),
    });
  });
});
