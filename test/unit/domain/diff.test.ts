import fc from 'fast-check';
import {
  Change,
  diffSnapshots,
  EMPLOYEE_CHANGE_THRESHOLD,
  isSignificantEmployeeChange,
  REDACTED,
} from '#shared/domain/diff.ts';
import { equinor, INDIVIDUAL_NAME, individual, snapshotArb, withNoise } from './snapshot-builders.ts';

describe('diffSnapshots', () => {
  it('finds nothing between a snapshot and itself', () => {
    fc.assert(fc.property(snapshotArb, (s) => expect(diffSnapshots(s, s)).toEqual([])));
  });

  it('finds nothing between the same facts reordered, re-spaced or re-cased', () => {
    fc.assert(
      fc.property(snapshotArb, fc.integer(), (s, seed) =>
        expect(diffSnapshots(s, withNoise(s, seed))).toEqual([]),
      ),
    );
  });

  it('returns valid changes sorted by path with unique paths', () => {
    fc.assert(
      fc.property(snapshotArb, snapshotArb, (a, b) => {
        const changes = diffSnapshots(a, b);
        const paths = changes.map((c) => c.path);
        expect(paths).toEqual([...paths].sort());
        expect(new Set(paths).size).toBe(paths.length);
        for (const change of changes) expect(Change.safeParse(change).success).toBe(true);
      }),
    );
  });

  it('reports a state move as one leaf change', () => {
    // Prepare
    const before = equinor();
    const after = {
      ...before,
      status: { ...before.status, state: 'bankruptcy' as const, since: '2025-03-01' },
    };
    // Act
    const changes = diffSnapshots(before, after);
    // Assess
    expect(changes).toEqual([
      { path: '/status/since', old: null, new: '2025-03-01' },
      { path: '/status/state', old: 'active', new: 'bankruptcy' },
    ]);
  });

  it('reports a moved address as one change with whole old and new addresses', () => {
    // Prepare
    const before = equinor();
    const after = equinor();
    after.addresses.business = {
      lines: ['Arkitekt Ebbells gate 10'],
      postalCode: '7053',
      city: 'Ranheim',
      country: 'NO',
      municipality: 'TRONDHEIM',
    };
    // Act
    const changes = diffSnapshots(before, after);
    // Assess
    expect(changes).toEqual([
      {
        path: '/addresses/business',
        old: {
          lines: ['FORUSBEEN 50'],
          postalCode: '4035',
          city: 'STAVANGER',
          country: 'NO',
          municipality: 'STAVANGER',
        },
        new: {
          lines: ['ARKITEKT EBBELLS GATE 10'],
          postalCode: '7053',
          city: 'RANHEIM',
          country: 'NO',
          municipality: 'TRONDHEIM',
        },
      },
    ]);
  });

  it('keys roles by type and party, and never carries a person name', () => {
    // Prepare
    const before = equinor();
    const after = equinor();
    after.roles = after.roles.filter((r) => r.type !== 'managing-director');
    after.roles.push({
      type: 'managing-director',
      sourceCode: 'DAGL',
      party: { kind: 'person', ref: 'pp_new', name: 'Ny Direktør' },
      from: '2025-09-01',
      to: null,
    });
    // Act
    const changes = diffSnapshots(before, after);
    // Assess
    expect(changes).toEqual([
      {
        path: '/roles/managing-director/pp_5d1c0e8e2f6a4b7c9d0e1f2a3b4c5d6e',
        old: expect.objectContaining({ to: null }),
        new: null,
      },
      {
        path: '/roles/managing-director/pp_new',
        old: null,
        new: {
          type: 'managing-director',
          sourceCode: 'DAGL',
          party: { kind: 'person', ref: 'pp_new' },
          from: '2025-09-01',
          to: null,
        },
      },
    ]);
    expect(JSON.stringify(changes)).not.toMatch(/Anders|Direktør/);
  });

  it('escapes party refs so that they cannot forge a path', () => {
    // Prepare
    const before = equinor();
    const after = equinor();
    after.roles.push({
      type: 'board-member',
      sourceCode: 'MEDL',
      party: { kind: 'organisation', ref: 'a/b~c', name: 'X AS' },
      from: null,
      to: null,
    });
    // Act / Assess
    expect(diffSnapshots(before, after).map((c) => c.path)).toEqual(['/roles/board-member/a~1b~0c']);
  });

  it('keeps the first appointment path stable when a second one of the same person arrives', () => {
    // Prepare
    const before = equinor();
    const [director] = before.roles;
    const after = equinor();
    after.roles.push({ ...director!, from: '2026-01-01' });
    // Act
    const paths = diffSnapshots(before, after).map((c) => c.path);
    // Assess
    expect(paths).toEqual(['/roles/managing-director/pp_5d1c0e8e2f6a4b7c9d0e1f2a3b4c5d6e@2026-01-01']);
  });

  it('reports a new accounts period as one change and revised figures one by one', () => {
    // Prepare
    const before = equinor();
    const nextYear = equinor();
    nextYear.accounts = {
      ...nextYear.accounts!,
      periodStart: '2025-01-01',
      periodEnd: '2025-12-31',
      revenue: 70e9,
    };
    const revised = equinor();
    revised.accounts = { ...revised.accounts!, equity: 40e9 };
    // Act
    const published = diffSnapshots(before, nextYear).map((c) => c.path);
    const restated = diffSnapshots(before, revised);
    // Assess
    expect(published).toEqual(['/accounts']);
    expect(restated).toEqual([{ path: '/accounts/equity', old: 41_090_000_000, new: 40e9 }]);
  });

  it('redacts the own name of an individual', () => {
    // Prepare
    const before = individual();
    const after = { ...individual(), identity: { ...individual().identity, name: 'Kari Nordmann Hansen' } };
    // Act
    const changes = diffSnapshots(before, after);
    // Assess
    expect(changes).toEqual([{ path: '/identity/name', old: REDACTED, new: REDACTED }]);
    expect(JSON.stringify(changes)).not.toContain(INDIVIDUAL_NAME);
  });

  it.each([
    [100, 109, false],
    [100, 110, true],
    [20, 24, false],
    [20, 25, true],
    [21_272, 21_500, false],
    [21_272, 19_000, true],
    [null, 3, true],
  ])('employees %p → %p is a change: %p', (old, now, expected) => {
    // Prepare
    const before = { ...equinor(), employees: old };
    const after = { ...equinor(), employees: now };
    // Act
    const changed = diffSnapshots(before, after).some((c) => c.path === '/employees');
    // Assess
    expect(changed).toBe(expected);
    expect(isSignificantEmployeeChange(old, now)).toBe(expected);
  });

  it('documents the employee threshold as at least 5 people and 10 %', () => {
    expect(EMPLOYEE_CHANGE_THRESHOLD).toEqual({ absolute: 5, relative: 0.1 });
  });
});
