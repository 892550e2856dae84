/**
 * Flag parsing for every credmon command: one spec per command, one-line errors that name the flag,
 * and a usage error class the dispatcher turns into exit code 2.
 */
import { parseArgs } from 'node:util';

export class UsageError extends Error {
  override readonly name = 'UsageError';
}

type FlagKind = 'string' | 'integer' | 'number' | 'boolean' | 'fraction';

export interface FlagSpec {
  readonly kind: FlagKind;
  readonly description: string;
  /** Shown in --help; also the value when the flag is absent. */
  readonly default?: string | number | boolean;
  /** For integer/number flags: the smallest allowed value. */
  readonly min?: number;
}

export type FlagSpecs = Readonly<Record<string, FlagSpec>>;

type ValueOf<S extends FlagSpec> = S['kind'] extends 'boolean'
  ? boolean
  : S['kind'] extends 'string'
    ? string
    : number;

export type ParsedFlags<S extends FlagSpecs> = {
  [K in keyof S]: S[K]['default'] extends undefined ? ValueOf<S[K]> | undefined : ValueOf<S[K]>;
};

/**
 * Parses `argv` against `specs`. Throws {@link UsageError} naming the flag on an unknown flag,
 * a missing value or a value of the wrong kind.
 *
 * @example
 * const { flags } = parseFlags(['--days', '10'], { days: { kind: 'integer', default: 30, description: 'days' } });
 * flags.days; // 10
 */
export function parseFlags<S extends FlagSpecs>(
  argv: readonly string[],
  specs: S,
  options: { positionals?: { min: number; max: number; names: string } } = {},
): { flags: ParsedFlags<S>; positionals: string[]; help: boolean } {
  const parseOptions: Record<string, { type: 'string' | 'boolean' }> = { help: { type: 'boolean' } };
  for (const [name, spec] of Object.entries(specs)) {
    parseOptions[name] = { type: spec.kind === 'boolean' ? 'boolean' : 'string' };
  }
  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs({ args: [...argv], options: parseOptions, allowPositionals: true, strict: true });
  } catch (error) {
    throw new UsageError(describeParseError(error));
  }
  const help = parsed.values.help === true;
  const flags: Record<string, unknown> = {};
  for (const [name, spec] of Object.entries(specs)) {
    const raw = parsed.values[name];
    flags[name] = raw === undefined ? spec.default : convert(name, spec, raw);
  }
  const positionals = parsed.positionals;
  const expected = options.positionals ?? { min: 0, max: 0, names: '' };
  if (!help && positionals.length < expected.min) {
    throw new UsageError(`missing argument: ${expected.names}`);
  }
  if (positionals.length > expected.max) {
    throw new UsageError(`unexpected argument: ${positionals[expected.max]}`);
  }
  return { flags: flags as ParsedFlags<S>, positionals, help };
}

function convert(name: string, spec: FlagSpec, raw: string | boolean | (string | boolean)[]): unknown {
  if (Array.isArray(raw)) throw new UsageError(`--${name} given more than once`);
  if (spec.kind === 'boolean') return raw;
  const value = String(raw);
  if (spec.kind === 'string') {
    if (value === '') throw new UsageError(`--${name} needs a value`);
    return value;
  }
  const number = Number(value);
  if (value.trim() === '' || !Number.isFinite(number)) {
    throw new UsageError(`--${name} must be a number, got '${value}'`);
  }
  if (spec.kind === 'integer' && !Number.isInteger(number)) {
    throw new UsageError(`--${name} must be a whole number, got '${value}'`);
  }
  if (spec.kind === 'fraction' && (number < 0 || number > 1)) {
    throw new UsageError(`--${name} must be a fraction from 0 to 1, got '${value}'`);
  }
  if (spec.min !== undefined && number < spec.min) {
    throw new UsageError(`--${name} must be at least ${spec.min}, got '${value}'`);
  }
  return number;
}

function describeParseError(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  const unknown = /Unknown option '([^']+)'/.exec(message);
  if (unknown) return `unknown flag: ${unknown[1]}`;
  const missing = /Option '([^']+?)(?: <value>)?' argument missing/.exec(message);
  if (missing) return `${missing[1]?.split(',').pop()?.trim()} needs a value`;
  return message.split('\n')[0] ?? message;
}

/** Renders the flag table of a --help text. */
export function describeFlags(specs: FlagSpecs): string {
  const rows = Object.entries(specs).map(([name, spec]) => {
    const value = spec.kind === 'boolean' ? '' : ` <${spec.kind === 'string' ? 'value' : spec.kind}>`;
    const fallback =
      spec.default === undefined || spec.default === false ? '' : ` (default: ${spec.default})`;
    return `${`  --${name}${value}`.padEnd(30)}${spec.description}${fallback}`;
  });
  return [...rows, `${'  --help'.padEnd(30)}show this help`].join('\n');
}
