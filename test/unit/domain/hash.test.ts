import fc from 'fast-check';
import { diffSnapshots, isSignificantEmployeeChange } from '#shared/domain/diff.ts';
import { snapshotHash } from '#shared/domain/hash.ts';
import { equinor, snapshotArb, withNoise } from './snapshot-builders.ts';

describe('snapshotHash', () => {
  it('is 64 hex digits', () => {
    expect(snapshotHash(equinor())).toMatch(/^[0-9a-f]{64}$/);
  });

  it('changes when a tracked fact changes', () => {
    // Prepare
    const before = equinor();
    const after = { ...before, status: { ...before.status, state: 'bankruptcy' as const } };
    // Act / Assess
    expect(snapshotHash(after)).not.toBe(snapshotHash(before));
  });

  it('ignores list order, whitespace and address letter case', () => {
    fc.assert(
      fc.property(snapshotArb, fc.integer(), (s, seed) => {
        expect(snapshotHash(withNoise(s, seed))).toBe(snapshotHash(s));
      }),
    );
  });

  it('is equal exactly when the diff is empty (employee jitter aside)', () => {
    fc.assert(
      fc.property(snapshotArb, snapshotArb, fc.boolean(), fc.integer(), (a, drawn, sameFacts, seed) => {
        // Prepare: half the pairs share their facts, half are drawn independently.
        const b0 = sameFacts ? withNoise(a, seed) : drawn;
        const b = isSignificantEmployeeChange(a.employees, b0.employees)
          ? b0
          : { ...b0, employees: a.employees };
        // Act
        const diffEmpty = diffSnapshots(a, b).length === 0;
        // Assess
        expect(diffEmpty).toBe(snapshotHash(a) === snapshotHash(b));
      }),
      { numRuns: 500 },
    );
  });
});
