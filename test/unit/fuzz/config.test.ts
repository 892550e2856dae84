import fc from 'fast-check';
import { loadDeploymentConfig } from '#lib/config.ts';
import { loadCreditPolicy } from '#shared/domain/policy.ts';
import { ConfigError } from '#shared/errors.ts';
import policy from '../../../config/credit-policy.json' with { type: 'json' };

/** Replaces one value somewhere in a JSON document (the mutation the fuzzer applies). */
function mutate(value: unknown, path: readonly number[], replacement: unknown): unknown {
  if (path.length === 0 || value === null || typeof value !== 'object') return replacement;
  const entries = Array.isArray(value) ? value.map((v, i) => [String(i), v] as const) : Object.entries(value);
  if (entries.length === 0) return replacement;
  const index = (path[0] ?? 0) % entries.length;
  const copy: Record<string, unknown> | unknown[] = Array.isArray(value) ? [...value] : { ...value };
  const [key, child] = entries[index] ?? ['', null];
  (copy as Record<string, unknown>)[key] = mutate(child, path.slice(1), replacement);
  return copy;
}

function expectClearError(load: () => unknown): void {
  try {
    load();
  } catch (error) {
    // A clear error: ours, with a message that says where (never a TypeError from deep inside).
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as Error).message).toMatch(/\S+: /);
  }
}

describe('fuzz: credit policy and deployment config', () => {
  it('loadCreditPolicy answers any JSON with a policy or a ConfigError naming the field', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (json) => expectClearError(() => loadCreditPolicy(json, 'policy.json'))),
      { numRuns: 300 },
    );
  });

  it('loadCreditPolicy answers a mutated default policy with a policy or a ConfigError', () => {
    fc.assert(
      fc.property(fc.array(fc.nat(), { maxLength: 6 }), fc.jsonValue(), (path, replacement) =>
        expectClearError(() => loadCreditPolicy(mutate(policy, path, replacement), 'policy.json')),
      ),
      { numRuns: 500 },
    );
  });

  it('loadDeploymentConfig answers any value with a config or a ConfigError', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) =>
        expectClearError(() => loadDeploymentConfig({ value, label: 'fuzz' })),
      ),
      { numRuns: 300 },
    );
  });
});
