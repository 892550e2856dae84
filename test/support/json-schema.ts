/**
 * A small JSON Schema checker for tests: the keywords z.toJSONSchema emits for the alert contract
 * (docs/alert-contract/alert.schema.json), enough to check that what the pipeline publishes matches
 * the published document without a validator dependency.
 */

/**
 * Checks a value against the JSON Schema keywords that z.toJSONSchema emits; returns the failing paths.
 *
 * @example
 * jsonSchemaErrors({ type: 'string' }, 1); // ['/: expected string, got number']
 */
export function jsonSchemaErrors(schema: unknown, value: unknown, path = ''): string[] {
  if (typeof schema !== 'object' || schema === null) return [];
  const s = schema as Record<string, unknown>;
  const errors: string[] = [];
  const fail = (why: string) => errors.push(`${path || '/'}: ${why}`);
  const types = s.type === undefined ? undefined : ([] as string[]).concat(s.type as string | string[]);
  const actual = value === null ? 'null' : Array.isArray(value) ? 'array' : typeof value;
  const typeMatches = (type: string) => (type === 'integer' ? Number.isInteger(value) : type === actual);
  if (types !== undefined && !types.some(typeMatches)) fail(`expected ${types.join('|')}, got ${actual}`);
  if ('const' in s && s.const !== value) fail(`expected ${JSON.stringify(s.const)}`);
  if (Array.isArray(s.enum) && !s.enum.includes(value)) fail('not in enum');
  if (typeof value === 'number') {
    if (typeof s.minimum === 'number' && value < s.minimum) fail('below minimum');
    if (typeof s.maximum === 'number' && value > s.maximum) fail('above maximum');
  }
  if (typeof value === 'string') {
    if (typeof s.minLength === 'number' && value.length < s.minLength) fail('too short');
    if (typeof s.pattern === 'string' && !new RegExp(s.pattern).test(value))
      fail(`does not match ${s.pattern}`);
    if (s.format === 'date-time' && Number.isNaN(Date.parse(value))) fail('not a date-time');
  }
  if (Array.isArray(value) && s.items)
    for (const [i, item] of value.entries()) errors.push(...jsonSchemaErrors(s.items, item, `${path}/${i}`));
  if (actual === 'object' && s.properties) {
    const record = value as Record<string, unknown>;
    const properties = s.properties as Record<string, unknown>;
    for (const key of (s.required as string[] | undefined) ?? [])
      if (!(key in record)) fail(`missing ${key}`);
    for (const [key, inner] of Object.entries(record)) {
      if (key in properties) errors.push(...jsonSchemaErrors(properties[key], inner, `${path}/${key}`));
      else if (s.additionalProperties === false) fail(`unexpected ${key}`);
    }
  }
  for (const keyword of ['anyOf', 'oneOf'] as const) {
    const options = s[keyword] as unknown[] | undefined;
    if (options === undefined) continue;
    const matching = options.filter((option) => jsonSchemaErrors(option, value, path).length === 0).length;
    if (keyword === 'anyOf' ? matching === 0 : matching !== 1) fail(`${keyword} matched ${matching}`);
  }
  return errors;
}
