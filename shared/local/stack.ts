/**
 * A local stack: the embedded AWS, credmon's resources on it (from the catalogue) and the
 * composed adapters. The pipeline adds pollers to it; the other CLI commands (portfolio, export,
 * report, …) open one on a data directory to read and write the same state.
 */
import { type AwsClientOptions, createAwsClients } from '#shared/adapters/aws/clients.ts';
import type { HttpTransport } from '#shared/adapters/bureaus/transport.ts';
import { SnsAlertPublisher } from '#shared/adapters/messaging/sns-alert-publisher.ts';
import { type Composition, type CompositionOptions, compose } from '#shared/composition.ts';
import { loadRuntimeConfig, type RuntimeConfig } from '#shared/config.ts';
import { enforceAwsLimits } from './aws-limits.ts';
import { bootstrapResources, type LocalResources } from './bootstrap.ts';
import { LOCAL_SECRETS, localDeployment } from './deployed-functions.ts';
import { type DeployedStackOptions, deployedStack } from './deployed-stack.ts';
import type { EmbeddedAws } from './embedded-aws.ts';
import { startEmbeddedAwsThread } from './embedded-aws-thread.ts';
import { type LocalEventBus, startLocalEventBus } from './event-bus.ts';
import type { IamEnforcer } from './iam/enforcer.ts';
import { type BureauPacing, bureauOrigins, routedTransport, withPacing } from './simulated-bureaus.ts';

/** Secrets of a local run: fixed, since local data is simulated, not real people's. */
export const LOCAL_TOKEN_KEY = LOCAL_SECRETS.tokenKey;
export const LOCAL_SEAL_KEY = LOCAL_SECRETS.sealKey;

export interface LocalStackOptions {
  /** Directory of on-disk state; in memory when absent. */
  readonly dataDir?: string;
  /**
   * The deployment this stack stands in for: a deployment config (input) or its file.
   * @default config/deployment.json, else config/deployment.example.json
   */
  readonly deployment?: DeployedStackOptions['deployment'];
  /**
   * Where the deployed bureaus' hosts are routed (the simulator); a stack without one makes no
   * bureau call (commands that only read and write state).
   */
  readonly simulatorUrl?: string;
  /** Resilience settings scaled to a simulated clock (see SIMULATED_PACING). @default as deployed */
  readonly pacing?: BureauPacing;
  readonly now?: () => Date;
  /** The network under the routing to the simulator. @default keepAliveTransport */
  readonly transport?: HttpTransport;
  readonly instrument?: AwsClientOptions['instrument'];
  readonly afterCommit?: (subjectId: string) => void;
  /** See MonitorDependencies.skipUnchanged. @default true */
  readonly skipUnchanged?: boolean;
  /** Fixed ports of the embedded AWS (`credmon local --serve --port`); free ones when absent. */
  readonly ports?: { readonly dynamodb?: number; readonly sqs?: number };
}

export interface LocalStack {
  readonly aws: EmbeddedAws;
  /** The embedded EventBridge bus: control events, the alert stream and its archive. */
  readonly bus: LocalEventBus;
  readonly resources: LocalResources;
  /** The monitor's configuration: what the operator's commands (enrol, export, …) use too. */
  readonly config: RuntimeConfig;
  /** The operator's adapters: the CLI's, with the operator's own (unrestricted) credentials. */
  readonly composition: Composition;
  /** Each deployed function's environment, by short name (`monitor`, `fan-out`, …). */
  readonly environments: Readonly<Record<string, Readonly<Record<string, string>>>>;
  /** The bureaus' transport: their deployed hosts routed to the simulator. */
  readonly transport: HttpTransport;
  /** Every call a function's composition makes is authorized against its deployed role. */
  readonly iam: IamEnforcer;
  /**
   * The adapters of one deployed function: its own environment, its role enforced on every call.
   * Each call builds a new composition, as each Lambda execution environment does.
   */
  composeFunction(name: string, options?: Pick<CompositionOptions, 'afterCommit'>): Composition;
  stop(): Promise<void>;
}

/**
 * @example
 * const stack = await startLocalStack({ dataDir: '.credmon' });
 * await stack.composition.store.get('acme');
 * await stack.stop();
 */
export async function startLocalStack(options: LocalStackOptions = {}): Promise<LocalStack> {
  const deployed = deployedStack({ ...(options.deployment ? { deployment: options.deployment } : {}) });
  // In a worker thread: the emulated services' CPU is AWS's in production, not the pipeline's.
  const aws = await startEmbeddedAwsThread({
    ...(options.dataDir ? { dataDir: options.dataDir } : {}),
    ...(options.ports?.dynamodb ? { dynamodbPort: options.ports.dynamodb } : {}),
    ...(options.ports?.sqs ? { sqsPort: options.ports.sqs } : {}),
  });
  let stopBus = async () => {};
  try {
    const admin = createAwsClients({ region: aws.region, endpoints: aws.endpoints });
    // Long enough that a slow invocation is never handed to a second worker; failures retry sooner.
    const resources = await bootstrapResources(
      { dynamodb: admin.dynamodbRaw, sqs: admin.sqs, sns: admin.sns },
      { visibilityTimeoutSeconds: { fanOut: 60, monitorJobs: 60 } },
    );
    const bus = await startLocalEventBus({
      sqs: admin.sqs,
      queueUrls: resources.queueUrls,
      alertsTopic: new SnsAlertPublisher(admin.sns, resources.alertsTopicArn),
      region: aws.region,
      ...(options.dataDir ? { dataDir: options.dataDir } : {}),
    });
    stopBus = () => bus.stop();
    const { environments, unavailable, enforcer } = localDeployment(await deployed, { aws, resources, bus });
    const configOf = (name: string): RuntimeConfig => {
      const environment = environments[name];
      if (!environment)
        throw new Error(unavailable[name] ?? `the synthesized stack has no function '${name}'`);
      const config = loadRuntimeConfig(environment);
      return { ...config, bureaus: withPacing(config.bureaus, options.pacing) };
    };
    const config = configOf('monitor');
    const transport = routedTransport(bureauOrigins(config.bureaus), options.simulatorUrl, options.transport);
    const shared: CompositionOptions = {
      transport,
      ...(options.now ? { now: options.now } : {}),
      ...(options.skipUnchanged !== undefined ? { skipUnchanged: options.skipUnchanged } : {}),
    };
    const composition = compose(config, {
      ...shared,
      instrument: (client) => {
        enforceAwsLimits(client);
        options.instrument?.(client);
      },
      ...(options.afterCommit ? { afterCommit: options.afterCommit } : {}),
    });
    return {
      aws,
      bus,
      resources,
      config,
      composition,
      environments,
      transport,
      iam: enforcer,
      composeFunction(name, functionOptions = {}) {
        const enforce = enforcer.instrumentFor(name);
        return compose(configOf(name), {
          ...shared,
          instrument: (client) => {
            enforce(client);
            enforceAwsLimits(client);
            options.instrument?.(client);
          },
          ...(functionOptions.afterCommit ? { afterCommit: functionOptions.afterCommit } : {}),
        });
      },
      async stop() {
        await bus.stop();
        await aws.stop();
      },
    };
  } catch (error) {
    await stopBus();
    await aws.stop();
    throw error;
  }
}
