/**
 * The deployed functions on the embedded AWS: each function's environment exactly as its template
 * has it (references resolved to the local resources, secrets to the local keys), plus only what
 * locality changes (the service endpoints and the path of bundled files), and an IAM enforcer
 * holding each function's role.
 */
import type { QueueKey } from '#shared/catalogue.ts';
import type { LocalResources } from './bootstrap.ts';
import type { DeployedStack } from './deployed-stack.ts';
import type { EmbeddedAws } from './embedded-aws.ts';
import type { LocalEventBus } from './event-bus.ts';
import { IamEnforcer, type IamPrincipal } from './iam/enforcer.ts';
import { type ResolutionContext, resolveIntrinsics, UnresolvedReferenceError } from './iam/intrinsics.ts';

/** Secrets of a local run: fixed, since local data is simulated, not real people's. */
export const LOCAL_SECRETS = {
  tokenKey: 'credmon-local-token-key',
  sealKey: 'credmon-local-seal-key',
  companiesHouseApiKey: 'credmon-local-companies-house-key',
} as const;

/** Variables a local environment adds to the deployed one: where the emulated services listen. */
export const LOCAL_ONLY_VARIABLES = [
  'AWS_REGION',
  'AWS_ENDPOINT_URL_DYNAMODB',
  'AWS_ENDPOINT_URL_SQS',
  'AWS_ENDPOINT_URL_SNS',
  'AWS_ENDPOINT_URL_EVENTBRIDGE',
] as const;

export interface LocalDeployment {
  /** Each function's environment, by short name (`monitor`, `fan-out`, …). */
  readonly environments: Readonly<Record<string, Readonly<Record<string, string>>>>;
  /**
   * Why a function cannot run on the embedded AWS (its environment names a resource it lacks, such
   * as the export bucket), by short name.
   */
  readonly unavailable: Readonly<Record<string, string>>;
  readonly enforcer: IamEnforcer;
}

export interface LocalTargets {
  readonly aws: Pick<EmbeddedAws, 'region' | 'endpoints'>;
  readonly resources: LocalResources;
  readonly bus: Pick<LocalEventBus, 'busName' | 'endpoint'>;
}

/**
 * @example
 * const { environments, enforcer } = localDeployment(await deployedStack(), { aws, resources, bus });
 * loadRuntimeConfig(environments.monitor ?? {});
 */
export function localDeployment(deployed: DeployedStack, targets: LocalTargets): LocalDeployment {
  const context = resolutionContext(deployed, targets);
  const environments: Record<string, Record<string, string>> = {};
  const unavailable: Record<string, string> = {};
  const principals: IamPrincipal[] = [];
  for (const fn of Object.values(deployed.functions)) {
    let resolved: Record<string, unknown>;
    try {
      resolved = resolveIntrinsics(fn.environment, context, {
        where: `the ${fn.name} function's environment`,
        strict: true,
      }) as Record<string, unknown>;
    } catch (error) {
      if (!(error instanceof UnresolvedReferenceError)) throw error;
      unavailable[fn.name] = error.message;
      continue;
    }
    const environment: Record<string, string> = {};
    for (const [name, value] of Object.entries(resolved)) {
      // A bundled file is read from its source: the repository stands in for /var/task.
      environment[name] = fn.bundledFiles[String(value)] ?? String(value);
    }
    environments[fn.name] = {
      ...environment,
      AWS_REGION: targets.aws.region,
      AWS_ENDPOINT_URL_DYNAMODB: targets.aws.endpoints.dynamodb,
      AWS_ENDPOINT_URL_SQS: targets.aws.endpoints.sqs,
      AWS_ENDPOINT_URL_SNS: targets.aws.endpoints.sns,
      AWS_ENDPOINT_URL_EVENTBRIDGE: targets.bus.endpoint,
    };
    principals.push({
      functionName: fn.name,
      roleArn: `arn:aws:iam::${context.account}:role/${fn.roleLogicalId}`,
      policies: fn.policies.map((policy) => ({
        name: policy.name,
        document: resolveIntrinsics(policy.document, context, { where: `policy ${policy.name}` }),
      })),
    });
  }
  const { resourcePolicies, encryptionKeys } = resourceFacts(deployed, context);
  const enforcer = new IamEnforcer({
    arns: { region: context.region, account: context.account },
    principals,
    resourcePolicies,
    encryptionKeys,
  });
  return { environments, unavailable, enforcer };
}

function resolutionContext(deployed: DeployedStack, targets: LocalTargets): ResolutionContext {
  const { aws, resources, bus } = targets;
  const account = resources.queueArns.monitorJobs.split(':')[4] ?? '000000000000';
  const region = aws.region;
  const queueArn = (url: string) => `arn:aws:sqs:${region}:${account}:${url.split('/').pop()}`;
  const keyArn = `arn:aws:kms:${region}:${account}:key/credmon-local-key`;
  const busArn = `arn:aws:events:${region}:${account}:event-bus/${bus.busName}`;
  const bound = new Map<string, { ref: string; attributes: Record<string, string> }>();
  const { bindings } = deployed;
  bound.set(bindings.table, {
    ref: resources.tableName,
    attributes: { Arn: `arn:aws:dynamodb:${region}:${account}:table/${resources.tableName}` },
  });
  for (const key of Object.keys(bindings.queues) as QueueKey[]) {
    const ids = bindings.queues[key];
    const urls = { queue: resources.queueUrls[key], deadLetterQueue: resources.dlqUrls[key] };
    for (const which of ['queue', 'deadLetterQueue'] as const) {
      const url = urls[which];
      if (!ids || !url) continue;
      bound.set(ids[which], {
        ref: url,
        attributes: { Arn: queueArn(url), QueueUrl: url, QueueName: url.split('/').pop() ?? '' },
      });
    }
  }
  bound.set(bindings.alertsTopic, {
    ref: resources.alertsTopicArn,
    attributes: {
      TopicArn: resources.alertsTopicArn,
      TopicName: resources.alertsTopicArn.split(':').pop() ?? '',
    },
  });
  bound.set(bindings.eventBus, { ref: bus.busName, attributes: { Arn: busArn, Name: bus.busName } });
  bound.set(bindings.encryptionKey, {
    ref: 'credmon-local-key',
    attributes: { Arn: keyArn, KeyId: 'credmon-local-key' },
  });
  const secrets: Record<string, string> = {
    [deployed.secretNames.tokenKey]: LOCAL_SECRETS.tokenKey,
    [deployed.secretNames.sealKey]: LOCAL_SECRETS.sealKey,
    [deployed.secretNames.companiesHouseApiKey]: LOCAL_SECRETS.companiesHouseApiKey,
  };
  return {
    region,
    account,
    ref: (id) => bound.get(id)?.ref,
    getAtt: (id, attribute) => bound.get(id)?.attributes[attribute],
    secret: (name) => secrets[name],
  };
}

/** Queue, topic and key policies, and the key of each encrypted queue and topic, by resource ARN. */
function resourceFacts(deployed: DeployedStack, context: ResolutionContext) {
  const resourcePolicies = new Map<string, unknown>();
  const encryptionKeys = new Map<string, string>();
  const arnOf = (id: string, type: string): string | undefined =>
    type === 'AWS::SQS::Queue' ? context.getAtt(id, 'Arn') : context.ref(id);
  for (const [id, resource] of Object.entries(deployed.resources)) {
    const properties = resource.Properties ?? {};
    if (resource.Type === 'AWS::SQS::QueuePolicy' || resource.Type === 'AWS::SNS::TopicPolicy') {
      const targets = (
        resource.Type === 'AWS::SQS::QueuePolicy' ? properties.Queues : properties.Topics
      ) as unknown[];
      for (const target of targets ?? []) {
        const logicalId = (target as { Ref?: string }).Ref;
        const targetType = resource.Type === 'AWS::SQS::QueuePolicy' ? 'AWS::SQS::Queue' : 'AWS::SNS::Topic';
        const arn = logicalId ? arnOf(logicalId, targetType) : undefined;
        if (arn)
          resourcePolicies.set(arn, resolveIntrinsics(properties.PolicyDocument, context, { where: id }));
      }
    }
    // KMS consults the key policy first: IAM policies count only where it lets the account's IAM decide.
    if (resource.Type === 'AWS::KMS::Key') {
      const arn = context.getAtt(id, 'Arn');
      if (arn) resourcePolicies.set(arn, resolveIntrinsics(properties.KeyPolicy, context, { where: id }));
    }
    if (
      (resource.Type === 'AWS::SQS::Queue' || resource.Type === 'AWS::SNS::Topic') &&
      properties.KmsMasterKeyId
    ) {
      const arn = arnOf(id, resource.Type);
      const key = resolveIntrinsics(properties.KmsMasterKeyId, context, { where: id });
      if (arn && typeof key === 'string') encryptionKeys.set(arn, key);
    }
  }
  return { resourcePolicies, encryptionKeys };
}
