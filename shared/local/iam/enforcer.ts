/**
 * IAM enforced on the embedded AWS. Every SDK call a local function makes is turned into the IAM
 * requests AWS would authorize (requests.ts) and evaluated with a kept IAM policy evaluator
 * (`@cloud-copilot/iam-simulate`) against that function's role policies and the resource's own
 * policy, both taken from the synthesized template. A denied call fails as AWS fails it (an
 * `AccessDeniedException` naming function, action and resource) and is counted, so a run that
 * would be refused in an account is refused locally too.
 */
import { runSimulation, type Simulation } from '@cloud-copilot/iam-simulate';
import { type Arns, type IamRequest, iamRequestsOf } from './requests.ts';

/** A function's identity: its role and the policies attached to it. */
export interface IamPrincipal {
  readonly functionName: string;
  readonly roleArn: string;
  readonly policies: readonly { readonly name: string; readonly document: unknown }[];
}

export interface IamEnforcerOptions {
  readonly arns: Arns;
  readonly principals: readonly IamPrincipal[];
  /** Resource policies (queue and topic policies) by resource ARN. */
  readonly resourcePolicies?: ReadonlyMap<string, unknown>;
  /** The KMS key ARN of each encrypted queue or topic: using one asks KMS too. */
  readonly encryptionKeys?: ReadonlyMap<string, string>;
}

export interface IamDenial {
  readonly functionName: string;
  readonly action: string;
  readonly resource: string;
}

export interface IamSummary {
  /** IAM requests evaluated (one SDK call may ask several). */
  readonly checked: number;
  readonly denied: number;
}

/** What AWS answers to a call no policy allows, as the SDK surfaces it. */
export class AccessDeniedError extends Error {
  override readonly name = 'AccessDeniedException';
  readonly $fault = 'client';
  readonly $metadata = { httpStatusCode: 400 };
  constructor(
    readonly denial: IamDenial,
    principal: string,
  ) {
    super(
      `User: ${principal} is not authorized to perform: ${denial.action} on resource: ${denial.resource} ` +
        `because no identity-based policy allows the ${denial.action} action (function ${denial.functionName})`,
    );
  }
}

/** A local run made calls its deployed roles would refuse. */
export class IamDeniedError extends Error {
  override readonly name = 'IamDeniedError';
  constructor(
    readonly denials: readonly IamDenial[],
    readonly calls: number,
  ) {
    super(
      `${calls} AWS call(s) would be denied in AWS: ${denials
        .slice(0, 10)
        .map((d) => `${d.functionName} may not ${d.action} on ${d.resource}`)
        .join('; ')}${denials.length > 10 ? '; …' : ''}`,
    );
  }
}

interface Instrumentable {
  readonly middlewareStack: { add(middleware: unknown, options: Record<string, unknown>): void };
}

type Next = (args: { input: Record<string, unknown> }) => Promise<unknown>;
interface MiddlewareContext {
  readonly clientName?: string;
  readonly commandName?: string;
}

/** KMS asks of a call to an encrypted queue or topic (SQS and SNS developer guides, "Key management"). */
const KMS_ACTIONS: Record<string, readonly string[]> = {
  'sqs:SendMessage': ['kms:GenerateDataKey', 'kms:Decrypt'],
  'sqs:ReceiveMessage': ['kms:Decrypt'],
  'sns:Publish': ['kms:GenerateDataKey', 'kms:Decrypt'],
};

/**
 * @example
 * const enforcer = new IamEnforcer({ arns, principals: [monitorPrincipal] });
 * createAwsClients({ region, endpoints, instrument: enforcer.instrumentFor('monitor') });
 * enforcer.assertNoDenials(); // throws IamDeniedError naming each refused call
 */
export class IamEnforcer {
  private readonly principals: ReadonlyMap<string, IamPrincipal>;
  private readonly decisions = new Map<string, Promise<boolean>>();
  private readonly conditionKeys: ReadonlySet<string>;
  /** Each refused call once, in the order first refused. */
  private readonly denials = new Map<string, IamDenial>();
  private checked = 0;
  private denied = 0;

  constructor(private readonly options: IamEnforcerOptions) {
    this.principals = new Map(options.principals.map((principal) => [principal.functionName, principal]));
    const documents = [
      ...options.principals.flatMap((principal) => principal.policies.map((policy) => policy.document)),
      ...(options.resourcePolicies?.values() ?? []),
    ];
    this.conditionKeys = new Set(documents.flatMap(conditionKeysOf));
  }

  /** The SDK middleware that enforces `functionName`'s role on a client (CompositionOptions.instrument). */
  instrumentFor(functionName: string): (client: unknown) => void {
    const principal = this.principals.get(functionName);
    if (!principal) throw new Error(`no role for function '${functionName}' in the synthesized template`);
    const middleware =
      (next: Next, context: MiddlewareContext): Next =>
      async (args) => {
        const service = (context.clientName ?? '').replace(/Client$/, '');
        const operation = (context.commandName ?? '').replace(/Command$/, '');
        for (const request of this.withKms(
          iamRequestsOf(service, operation, args.input, this.options.arns),
        )) {
          await this.authorize(principal, request);
        }
        return next(args);
      };
    return (client) =>
      (client as Instrumentable).middlewareStack.add(middleware, {
        step: 'initialize',
        name: 'credmonLocalIam',
        priority: 'high',
      });
  }

  summary(): IamSummary {
    return { checked: this.checked, denied: this.denied };
  }

  /** Each distinct call refused so far (function, action, resource). */
  deniedCalls(): readonly IamDenial[] {
    return [...this.denials.values()];
  }

  /** Throws {@link IamDeniedError} when any call was refused. */
  assertNoDenials(): void {
    if (this.denied > 0) throw new IamDeniedError(this.deniedCalls(), this.denied);
  }

  private withKms(requests: readonly IamRequest[]): IamRequest[] {
    return requests.flatMap((request) => {
      const key = this.options.encryptionKeys?.get(request.resource);
      const kms = key ? (KMS_ACTIONS[request.action] ?? []) : [];
      return [request, ...kms.map((action) => ({ action, resource: key ?? '', context: {} }))];
    });
  }

  private async authorize(principal: IamPrincipal, request: IamRequest): Promise<void> {
    this.checked++;
    const context = Object.fromEntries(
      Object.entries({ 'aws:SecureTransport': 'true', ...request.context }).filter(([key]) =>
        this.conditionKeys.has(key.toLowerCase()),
      ),
    );
    const cacheKey = `${principal.functionName}|${request.action}|${request.resource}|${JSON.stringify(context)}`;
    let decision = this.decisions.get(cacheKey);
    if (!decision) {
      decision = this.evaluate(principal, request, context);
      this.decisions.set(cacheKey, decision);
    }
    if (await decision) return;
    const denial = {
      functionName: principal.functionName,
      action: request.action,
      resource: request.resource,
    };
    this.denied++;
    this.denials.set(`${denial.functionName}|${denial.action}|${denial.resource}`, denial);
    throw new AccessDeniedError(denial, principal.roleArn);
  }

  private async evaluate(
    principal: IamPrincipal,
    request: IamRequest,
    context: Record<string, string | readonly string[]>,
  ): Promise<boolean> {
    const simulation: Simulation = {
      request: {
        principal: principal.roleArn,
        action: request.action,
        resource: { resource: request.resource, accountId: this.options.arns.account },
        contextVariables: context as Record<string, string | string[]>,
      },
      identityPolicies: principal.policies.map((policy) => ({ name: policy.name, policy: policy.document })),
      serviceControlPolicies: [],
      resourceControlPolicies: [],
      resourcePolicy: this.options.resourcePolicies?.get(request.resource),
    };
    const result = await runSimulation(simulation, {});
    if (result.resultType === 'error') {
      throw new Error(
        `the IAM evaluator refused the request ${request.action} on ${request.resource}: ${JSON.stringify(result.errors)}`,
      );
    }
    return result.overallResult === 'Allowed';
  }
}

/** Condition keys a policy document tests, lower-cased (IAM compares them case-insensitively). */
function conditionKeysOf(document: unknown): string[] {
  const statements = (document as { Statement?: unknown } | undefined)?.Statement;
  const list = Array.isArray(statements) ? statements : statements ? [statements] : [];
  return list.flatMap((statement: { Condition?: Record<string, Record<string, unknown>> }) =>
    Object.values(statement.Condition ?? {}).flatMap((tests) =>
      Object.keys(tests).map((key) => key.toLowerCase()),
    ),
  );
}
