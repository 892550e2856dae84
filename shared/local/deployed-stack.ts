/**
 * The stack a deployment would create, as the local runtime needs it: each function's environment
 * and role policies, and the logical ids of the resources the embedded AWS stands in for. Read from
 * the CloudFormation template `cdk synth` writes (offline, bundling skipped), so a local run uses
 * exactly the configuration and permissions that AWS would.
 *
 * Synthesizing takes seconds; the result is cached on disk, keyed by the deployment config and the
 * sources the stack is built from, so the many local stacks of a test run synthesize once.
 */
import { createHash } from 'node:crypto';
import {
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import type { DeploymentConfigInput } from '#lib/config.ts';
import type { QueueKey } from '#shared/catalogue.ts';

/** What a local run deploys when none is named: the operator's file, else the documented example. */
export const LOCAL_DEPLOYMENT_FILES = ['config/deployment.json', 'config/deployment.example.json'] as const;

const RawObject = z.record(z.string(), z.unknown());

const DeployedFunction = z.object({
  /** The catalogue's short name: `monitor`, `fan-out`, … */
  name: z.string(),
  logicalId: z.string(),
  roleLogicalId: z.string(),
  /** `Environment.Variables` as the template has them (intrinsics unresolved). */
  environment: RawObject,
  /** The role's policy documents (intrinsics unresolved). */
  policies: z.array(z.object({ name: z.string(), document: z.unknown() })),
  /** Files bundled beside the handler: path in the bundle (`/var/task/x`) → source file. */
  bundledFiles: z.record(z.string(), z.string()),
});
export type DeployedFunction = z.infer<typeof DeployedFunction>;

const DeployedStack = z.object({
  /** The template's `Resources`. */
  resources: z.record(z.string(), z.object({ Type: z.string(), Properties: RawObject.optional() })),
  functions: z.record(z.string(), DeployedFunction),
  /** Logical ids of what the embedded AWS provides. */
  bindings: z.object({
    table: z.string(),
    queues: z.record(z.string(), z.object({ queue: z.string(), deadLetterQueue: z.string() })),
    alertsTopic: z.string(),
    eventBus: z.string(),
    encryptionKey: z.string(),
  }),
  /** Secrets Manager secret names the environments refer to, by purpose. */
  secretNames: z.object({ tokenKey: z.string(), sealKey: z.string(), companiesHouseApiKey: z.string() }),
});
export type DeployedStack = z.infer<typeof DeployedStack> & {
  readonly bindings: {
    readonly queues: Readonly<Record<QueueKey, { queue: string; deadLetterQueue: string }>>;
  };
};

export interface DeployedStackOptions {
  /** Deployment config input, or the path of a deployment config file. @default LOCAL_DEPLOYMENT_FILES */
  readonly deployment?: DeploymentConfigInput | string;
  /** Directory of the synthesized-template cache. @default node_modules/.cache/credmon-stack */
  readonly cacheDir?: string;
}

const REPO_ROOT = path.resolve(import.meta.dirname, '../..');
/** The sources a template depends on: a change to any of them synthesizes again. */
const SOURCE_ROOTS = ['lib', 'shared', 'config', 'package-lock.json'];

/**
 * @example
 * const deployed = await deployedStack();
 * deployed.functions.monitor?.environment.TABLE_NAME; // { Ref: 'CredmonStoreTable4A0BC10A' }
 */
export async function deployedStack(options: DeployedStackOptions = {}): Promise<DeployedStack> {
  const deployment = deploymentInput(options.deployment);
  const cacheDir = options.cacheDir ?? path.join(REPO_ROOT, 'node_modules', '.cache', 'credmon-stack');
  const key = createHash('sha256')
    .update(JSON.stringify(deployment.input))
    .update(sourcesDigest())
    .digest('hex');
  const cacheFile = path.join(cacheDir, `${key.slice(0, 32)}.json`);
  if (existsSync(cacheFile)) {
    const cached = DeployedStack.safeParse(JSON.parse(readFileSync(cacheFile, 'utf8')));
    if (cached.success) return cached.data as DeployedStack;
  }
  const synthesized = await synthesize(deployment.input, deployment.source);
  mkdirSync(cacheDir, { recursive: true });
  // Written aside and renamed: concurrent test workers never read half a file.
  const partial = `${cacheFile}.${process.pid}.tmp`;
  writeFileSync(partial, JSON.stringify(synthesized));
  renameSync(partial, cacheFile);
  return synthesized;
}

function deploymentInput(deployment: DeployedStackOptions['deployment']): {
  input: DeploymentConfigInput;
  source: string;
} {
  if (deployment !== undefined && typeof deployment !== 'string')
    return { input: deployment, source: '(given)' };
  const file =
    deployment ??
    LOCAL_DEPLOYMENT_FILES.map((name) => path.join(REPO_ROOT, name)).find((name) => existsSync(name));
  if (!file) return { input: {}, source: '(defaults)' };
  const input = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
  // Paths in it are the repository's, where bin/app.ts runs, whatever the working directory here.
  if (typeof input.policyFile === 'string') input.policyFile = path.resolve(REPO_ROOT, input.policyFile);
  return { input: input as DeploymentConfigInput, source: file };
}

function sourcesDigest(): string {
  const hash = createHash('sha256');
  const visit = (entry: string): void => {
    const stats = statSync(entry);
    if (stats.isDirectory()) {
      for (const child of readdirSync(entry).sort()) visit(path.join(entry, child));
    } else if (/\.(ts|json)$/.test(entry)) {
      hash.update(entry).update(readFileSync(entry));
    }
  };
  for (const root of SOURCE_ROOTS) {
    const entry = path.join(REPO_ROOT, root);
    if (existsSync(entry)) visit(entry);
  }
  return hash.digest('hex');
}

async function synthesize(input: DeploymentConfigInput, source: string): Promise<DeployedStack> {
  // Loaded only on a cache miss: aws-cdk-lib takes seconds to import.
  // A config is cached only once it synthesized, so an invalid one is always validated (and named) here.
  const [{ App, Stack }, { CredmonStack }, { CredmonFunction }, { parseDeploymentConfig }] =
    await Promise.all([
      import('aws-cdk-lib'),
      import('#lib/credmon-stack.ts'),
      import('#lib/constructs/function.ts'),
      import('#lib/config.ts'),
    ]);
  const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
  const stack = new CredmonStack(app, 'Credmon', {
    config: parseDeploymentConfig(input, source),
    entryRoot: REPO_ROOT,
  });
  const template = app.synth().getStackByName(stack.stackName).template as {
    Resources: Record<string, { Type: string; Properties?: Record<string, unknown> }>;
  };
  const logicalId = (construct: { node: { defaultChild?: unknown } } | object): string => {
    const child =
      'node' in construct ? (construct.node as { defaultChild?: unknown }).defaultChild : undefined;
    return Stack.of(stack).getLogicalId((child ?? construct) as never);
  };
  const { credmon } = stack;
  const functions: Record<string, DeployedFunction> = {};
  for (const construct of stack.node.findAll()) {
    if (!(construct instanceof CredmonFunction)) continue;
    const id = logicalId(construct);
    const roleId = logicalId(construct.executionRole);
    const properties = template.Resources[id]?.Properties ?? {};
    const variables = (properties.Environment as { Variables?: Record<string, unknown> } | undefined)
      ?.Variables;
    const policies = Object.entries(template.Resources)
      .filter(
        ([, resource]) =>
          resource.Type === 'AWS::IAM::Policy' &&
          JSON.stringify(resource.Properties?.Roles ?? []).includes(JSON.stringify({ Ref: roleId })),
      )
      .map(([name, resource]) => ({ name, document: resource.Properties?.PolicyDocument }));
    const inline = (template.Resources[roleId]?.Properties?.Policies ?? []) as {
      PolicyName: string;
      PolicyDocument: unknown;
    }[];
    const policyFile = variables?.CREDMON_POLICY_FILE;
    functions[construct.shortName] = {
      name: construct.shortName,
      logicalId: id,
      roleLogicalId: roleId,
      environment: variables ?? {},
      policies: [...policies, ...inline.map((p) => ({ name: p.PolicyName, document: p.PolicyDocument }))],
      bundledFiles:
        typeof policyFile === 'string' && input.policyFile ? { [policyFile]: String(input.policyFile) } : {},
    };
  }
  const queues = Object.fromEntries(
    Object.entries(credmon.monitoring.queues).map(([key, workQueue]) => [
      key,
      { queue: logicalId(workQueue.queue), deadLetterQueue: logicalId(workQueue.deadLetterQueue) },
    ]),
  );
  const parsed = parseDeploymentConfig(input, source);
  return {
    resources: template.Resources,
    functions,
    bindings: {
      table: logicalId(credmon.store.table),
      queues,
      alertsTopic: logicalId(credmon.alerts.topic),
      eventBus: logicalId(credmon.alerts.eventBus),
      encryptionKey: logicalId(credmon.encryptionKey),
    },
    secretNames: {
      tokenKey: parsed.tokenKeySecretName,
      sealKey: parsed.sealKeySecretName,
      companiesHouseApiKey: parsed.companiesHouseApiKeySecretName,
    },
  } as DeployedStack;
}
