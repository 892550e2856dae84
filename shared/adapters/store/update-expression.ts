/**
 * Builds DynamoDB update expressions with every attribute name aliased, so that no attribute can
 * collide with DynamoDB's several hundred reserved words (`snapshot`, `status`, `name`, …).
 */
export interface UpdateParts {
  /** Attributes to set. */
  readonly set?: Readonly<Record<string, unknown>>;
  /** Attributes to set only when absent. */
  readonly setIfAbsent?: Readonly<Record<string, unknown>>;
  readonly remove?: readonly string[];
}

export interface BuiltUpdate {
  readonly UpdateExpression: string;
  readonly ExpressionAttributeNames: Record<string, string>;
  readonly ExpressionAttributeValues: Record<string, unknown>;
}

/**
 * @example
 * buildUpdate({ set: { snapshot: {...} }, remove: ['outboxSince'] });
 * // { UpdateExpression: 'SET #n0 = :v0 REMOVE #n1', ... }
 */
export function buildUpdate(parts: UpdateParts, extraValues: Record<string, unknown> = {}): BuiltUpdate {
  const names: Record<string, string> = {};
  const values: Record<string, unknown> = { ...extraValues };
  let counter = 0;
  const alias = (attribute: string) => {
    const token = `#n${counter++}`;
    names[token] = attribute;
    return token;
  };
  const assignments: string[] = [];
  for (const [attribute, value] of Object.entries(parts.set ?? {})) {
    const name = alias(attribute);
    values[`:v${counter}`] = value;
    assignments.push(`${name} = :v${counter}`);
  }
  for (const [attribute, value] of Object.entries(parts.setIfAbsent ?? {})) {
    const name = alias(attribute);
    values[`:v${counter}`] = value;
    assignments.push(`${name} = if_not_exists(${name}, :v${counter})`);
  }
  const removals = (parts.remove ?? []).map((attribute) => attribute.split('.').map(alias).join('.'));
  const expression = [
    assignments.length > 0 ? `SET ${assignments.join(', ')}` : '',
    removals.length > 0 ? `REMOVE ${removals.join(', ')}` : '',
  ]
    .filter(Boolean)
    .join(' ');
  return { UpdateExpression: expression, ExpressionAttributeNames: names, ExpressionAttributeValues: values };
}

/** Aliases the names in a condition so it can be combined with {@link buildUpdate}'s output. */
export function withCondition(
  update: BuiltUpdate,
  condition: string,
  names: Record<string, string>,
  values: Record<string, unknown> = {},
): BuiltUpdate & { ConditionExpression: string } {
  return {
    ...update,
    ConditionExpression: condition,
    ExpressionAttributeNames: { ...update.ExpressionAttributeNames, ...names },
    ExpressionAttributeValues: { ...update.ExpressionAttributeValues, ...values },
  };
}
