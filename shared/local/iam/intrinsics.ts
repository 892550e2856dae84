/**
 * CloudFormation intrinsic functions resolved as a deployment would resolve them, against the
 * resources the embedded AWS provides: `Ref`, `Fn::GetAtt`, `Fn::Join`, `Fn::Sub`, `Fn::Select`,
 * `Fn::Split`, the pseudo parameters and `{{resolve:secretsmanager:…}}` dynamic references.
 */

/** How a template's references resolve locally. */
export interface ResolutionContext {
  readonly region: string;
  readonly account: string;
  /** `Ref` of a logical id; undefined when the embedded AWS has no such resource. */
  ref(logicalId: string): string | undefined;
  /** `Fn::GetAtt` of a logical id; undefined when unknown. */
  getAtt(logicalId: string, attribute: string): string | undefined;
  /** A Secrets Manager secret's value by name; undefined when unknown. */
  secret(name: string): string | undefined;
}

/** A reference the embedded AWS cannot resolve: names the resource or secret and where it was used. */
export class UnresolvedReferenceError extends Error {
  override readonly name = 'UnresolvedReferenceError';
}

const DYNAMIC_REFERENCE = /\{\{resolve:secretsmanager:([^:}]+)(?::SecretString)?(?::[^}]*)?\}\}/g;

/**
 * Resolves every intrinsic in a template value. References to resources the embedded AWS does not
 * provide resolve to a placeholder (`unbound:<logicalId>`) when `strict` is off (policies may name
 * resources no local call uses) and throw when it is on (an environment variable must resolve).
 *
 * @example
 * resolveIntrinsics({ 'Fn::Join': ['', [{ 'Fn::GetAtt': ['Table', 'Arn'] }, '/index/tier-index']] }, context, { where: 'policy' });
 * // 'arn:aws:dynamodb:eu-north-1:000000000000:table/credmon-credmon/index/tier-index'
 */
export function resolveIntrinsics(
  value: unknown,
  context: ResolutionContext,
  options: { readonly where: string; readonly strict?: boolean },
): unknown {
  const unbound = (what: string): string => {
    if (options.strict) {
      throw new UnresolvedReferenceError(
        `${options.where}: ${what} has no local counterpart in the embedded AWS`,
      );
    }
    return `unbound:${what}`;
  };
  const pseudo = (name: string): string | undefined =>
    ({
      'AWS::Region': context.region,
      'AWS::AccountId': context.account,
      'AWS::Partition': 'aws',
      'AWS::URLSuffix': 'amazonaws.com',
      'AWS::StackName': 'Credmon',
      'AWS::NoValue': '',
    })[name];
  const ref = (name: string): string => pseudo(name) ?? context.ref(name) ?? unbound(`Ref ${name}`);
  const getAtt = (name: string, attribute: string): string =>
    context.getAtt(name, attribute) ?? unbound(`Fn::GetAtt ${name}.${attribute}`);
  const secrets = (text: string): string =>
    text.replace(DYNAMIC_REFERENCE, (_, name: string) => context.secret(name) ?? unbound(`secret ${name}`));

  const visit = (node: unknown): unknown => {
    if (typeof node === 'string') return secrets(node);
    if (Array.isArray(node)) return node.map(visit);
    if (node === null || typeof node !== 'object') return node;
    const entries = Object.entries(node);
    const [first] = entries;
    if (entries.length === 1 && first) {
      const [key, argument] = first;
      switch (key) {
        case 'Ref':
          return ref(String(argument));
        case 'Fn::GetAtt': {
          const [name, attribute] = Array.isArray(argument) ? argument : String(argument).split('.');
          return getAtt(String(name), String(attribute));
        }
        case 'Fn::Join': {
          const [separator, parts] = argument as [string, unknown[]];
          return (visit(parts) as unknown[]).join(separator);
        }
        case 'Fn::Select': {
          const [index, list] = argument as [unknown, unknown];
          return (visit(list) as unknown[])[Number(visit(index))];
        }
        case 'Fn::Split': {
          const [separator, text] = argument as [string, unknown];
          return String(visit(text)).split(separator);
        }
        case 'Fn::Sub': {
          const [text, variables] = (Array.isArray(argument) ? argument : [argument, {}]) as [
            string,
            Record<string, unknown>,
          ];
          return secrets(
            text.replace(/\$\{([^}]+)\}/g, (_, name: string) => {
              if (name in variables) return String(visit(variables[name]));
              const [logicalId, attribute] = name.split('.');
              return attribute ? getAtt(logicalId ?? '', attribute) : ref(name);
            }),
          );
        }
        default:
          if (key.startsWith('Fn::')) return unbound(key);
      }
    }
    return Object.fromEntries(entries.map(([key, child]) => [key, visit(child)]));
  };
  return visit(value);
}
