/**
 * EventBridge's event-pattern matching, for the local bus: the same rule patterns as the CDK stack
 * select the same events. Implements the documented semantics
 * (https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-event-patterns.html and
 * eb-create-pattern-operators.html): every field of the pattern must match (AND); the values of a
 * field's array are alternatives (OR); an array in the event matches when any element does;
 * exact values (strings, numbers, booleans, null), `prefix`, `suffix`, `equals-ignore-case`,
 * `anything-but` (value, list or prefix/suffix), `numeric` ranges, `exists`, and `$or`.
 */

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

const MISSING = Symbol('missing');
type Value = Json | typeof MISSING;

/**
 * @example
 * matchesPattern({ source: ['credmon.control'], detail: { tier: [{ 'anything-but': 'feed' }] } },
 *   { source: 'credmon.control', detail: { tier: 'daily' } }); // true
 */
export function matchesPattern(pattern: unknown, event: unknown): boolean {
  if (!isObject(pattern)) throw new Error('an event pattern must be a JSON object');
  return matchObject(pattern, isObject(event) ? event : {});
}

function matchObject(pattern: Record<string, unknown>, event: Record<string, Json>): boolean {
  for (const [field, expected] of Object.entries(pattern)) {
    if (field === '$or') {
      if (!Array.isArray(expected)) throw new Error('$or takes an array of patterns');
      if (!expected.some((alternative) => isObject(alternative) && matchObject(alternative, event)))
        return false;
      continue;
    }
    const actual: Value = Object.hasOwn(event, field) ? (event[field] as Json) : MISSING;
    if (Array.isArray(expected)) {
      if (!matchField(expected, actual)) return false;
    } else if (isObject(expected)) {
      if (actual === MISSING || !isObject(actual)) return false;
      if (!matchObject(expected, actual)) return false;
    } else {
      throw new Error(`event pattern field '${field}' must be an array or an object`);
    }
  }
  return true;
}

/** One field: any of the pattern's alternatives against the value (any element when an array). */
function matchField(alternatives: readonly unknown[], actual: Value): boolean {
  return alternatives.some((matcher) => {
    if (isObject(matcher) && 'exists' in matcher) {
      // Existence is about leaf values: an object is not a leaf, an empty array has no value.
      const exists =
        actual !== MISSING && !isObject(actual) && !(Array.isArray(actual) && actual.length === 0);
      return matcher.exists === exists;
    }
    if (actual === MISSING) return false;
    const values: Json[] = Array.isArray(actual) ? actual : [actual];
    if (isObject(matcher) && 'anything-but' in matcher) {
      return values.some((value) => anythingBut(matcher['anything-but'], value));
    }
    return values.some((value) => matchValue(matcher, value));
  });
}

function matchValue(matcher: unknown, value: Json): boolean {
  if (matcher === null || typeof matcher !== 'object') return matcher === value;
  if (!isObject(matcher)) return false;
  if ('prefix' in matcher) {
    const prefix = matcher.prefix;
    if (isObject(prefix) && typeof prefix['equals-ignore-case'] === 'string') {
      return (
        typeof value === 'string' &&
        value.toLowerCase().startsWith(prefix['equals-ignore-case'].toLowerCase())
      );
    }
    return typeof value === 'string' && typeof prefix === 'string' && value.startsWith(prefix);
  }
  if ('suffix' in matcher) {
    const suffix = matcher.suffix;
    if (isObject(suffix) && typeof suffix['equals-ignore-case'] === 'string') {
      return (
        typeof value === 'string' && value.toLowerCase().endsWith(suffix['equals-ignore-case'].toLowerCase())
      );
    }
    return typeof value === 'string' && typeof suffix === 'string' && value.endsWith(suffix);
  }
  if ('equals-ignore-case' in matcher) {
    const expected = matcher['equals-ignore-case'];
    return (
      typeof value === 'string' &&
      typeof expected === 'string' &&
      value.toLowerCase() === expected.toLowerCase()
    );
  }
  if ('numeric' in matcher) return typeof value === 'number' && numeric(matcher.numeric, value);
  throw new Error(`unsupported event pattern matcher ${JSON.stringify(matcher)}`);
}

function anythingBut(excluded: unknown, value: Json): boolean {
  if (Array.isArray(excluded)) return !excluded.some((item) => item === value);
  if (isObject(excluded)) return !matchValue(excluded, value);
  return excluded !== value;
}

function numeric(conditions: unknown, value: number): boolean {
  if (!Array.isArray(conditions) || conditions.length === 0 || conditions.length % 2 !== 0) {
    throw new Error(`numeric takes operator/number pairs, got ${JSON.stringify(conditions)}`);
  }
  for (let i = 0; i < conditions.length; i += 2) {
    const operator = conditions[i];
    const bound = conditions[i + 1];
    if (typeof bound !== 'number')
      throw new Error(`numeric bound must be a number, got ${JSON.stringify(bound)}`);
    const ok =
      operator === '='
        ? value === bound
        : operator === '<'
          ? value < bound
          : operator === '<='
            ? value <= bound
            : operator === '>'
              ? value > bound
              : operator === '>='
                ? value >= bound
                : null;
    if (ok === null) throw new Error(`unknown numeric operator ${JSON.stringify(operator)}`);
    if (!ok) return false;
  }
  return true;
}

function isObject(value: unknown): value is Record<string, Json> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
