import { Match } from 'aws-cdk-lib/assertions';
import { synthCredmon } from './synth.ts';

describe('CredmonAlerts', () => {
  const { template } = synthCredmon();

  it('encrypts the alerts topic with the customer-managed key', () => {
    template.hasResourceProperties('AWS::SNS::Topic', {
      DisplayName: 'credmon alerts',
      KmsMasterKeyId: { 'Fn::GetAtt': [Match.stringLikeRegexp('Key'), 'Arn'] },
    });
  });

  it('denies publishing and subscribing without TLS on every topic', () => {
    const policies = template.findResources('AWS::SNS::TopicPolicy');
    expect(Object.keys(policies)).toHaveLength(2);
    for (const policy of Object.values(policies)) {
      expect(policy.Properties.PolicyDocument.Statement).toContainEqual(
        expect.objectContaining({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
      );
    }
  });

  it('has a KMS-encrypted credmon event bus, an archive of alert events and an account-only policy', () => {
    template.hasResourceProperties('AWS::Events::EventBus', {
      Name: 'credmon',
      KmsKeyIdentifier: Match.anyValue(),
    });
    template.hasResourceProperties('AWS::Events::Archive', {
      EventPattern: { source: ['credmon'] },
      RetentionDays: 400,
      KmsKeyIdentifier: Match.anyValue(),
    });
    template.hasResourceProperties('AWS::Events::EventBusPolicy', {
      Statement: Match.objectLike({
        Action: 'events:PutEvents',
        Principal: { AWS: Match.anyValue() },
      }),
    });
  });

  it('keeps archived alert events for the configured alert retention', () => {
    const { template: custom } = synthCredmon({ config: { alertRetentionDays: 90 } });
    custom.hasResourceProperties('AWS::Events::Archive', { RetentionDays: 90 });
  });
});
