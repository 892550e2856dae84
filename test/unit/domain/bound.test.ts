import { boundSnapshot, SNAPSHOT_BUDGET_BYTES } from '#shared/domain/bound.ts';
import { stableStringify } from '#shared/domain/canonical.ts';
import { diffSnapshots } from '#shared/domain/diff.ts';
import { detectEvents } from '#shared/domain/events.ts';
import { snapshotHash } from '#shared/domain/hash.ts';
import { type Role, Snapshot } from '#shared/domain/snapshot.ts';
import { equinor, risk } from './snapshot-builders.ts';

const bytes = (s: Snapshot): number => Buffer.byteLength(stableStringify(s), 'utf8');

function boardMember(n: number): Role {
  return {
    type: 'board-member',
    sourceCode: 'MEDL',
    party: { kind: 'person', ref: `pt_member_${String(n).padStart(5, '0')}`, name: `Member ${n}` },
    from: `20${String(10 + (n % 15)).padStart(2, '0')}-01-01`,
    to: null,
  };
}

/** Equinor with `members` extra board members (about 150 bytes each). */
function withBoard(members: number): Snapshot {
  const s = equinor();
  return { ...s, roles: [...s.roles, ...Array.from({ length: members }, (_, n) => boardMember(n))] };
}

describe('boundSnapshot', () => {
  it('returns a snapshot within the budget as it is', () => {
    const s = equinor();
    expect(boundSnapshot(s)).toBe(s);
  });

  it('cuts the longest list to the budget, keeps the managing director, and says what it cut', () => {
    // Prepare: 5,000 board members, about 750 KB
    const huge = withBoard(5000);
    expect(bytes(huge)).toBeGreaterThan(SNAPSHOT_BUDGET_BYTES * 8);

    // Act
    const bounded = boundSnapshot(huge);

    // Assess
    expect(bytes(bounded)).toBeLessThanOrEqual(SNAPSHOT_BUDGET_BYTES);
    expect(bytes(bounded)).toBeGreaterThan(SNAPSHOT_BUDGET_BYTES * 0.8);
    expect(Snapshot.parse(bounded)).toEqual(bounded);
    const roles = bounded.truncated?.find((t) => t.list === 'roles');
    expect(roles).toEqual({ list: 'roles', kept: bounded.roles.length, total: huge.roles.length });
    for (const original of equinor().roles.filter((r) => r.type !== 'board-member' && r.type !== 'other')) {
      expect(bounded.roles).toContainEqual(original);
    }
    expect(bounded.credit).toEqual(huge.credit);
  });

  it('is deterministic: the same answer in another order bounds to the same hash', () => {
    const huge = withBoard(3000);
    const shuffled = { ...huge, roles: [...huge.roles].reverse() };
    expect(snapshotHash(boundSnapshot(shuffled))).toBe(snapshotHash(boundSnapshot(huge)));
  });

  it('keeps open payment remarks before resolved ones', () => {
    const s = equinor();
    const remarks = Array.from({ length: 3000 }, (_, n) => ({
      id: `pr-${n}`,
      kind: 'inkasso',
      amount: { amount: 1000 + n, currency: 'NOK' },
      registeredOn: '2025-01-01',
      resolvedOn: n < 100 ? null : '2025-06-01',
    }));
    const bounded = boundSnapshot({ ...s, credit: { ...s.credit, paymentRemarks: remarks } });
    const open = bounded.credit.paymentRemarks.filter((r) => r.resolvedOn === null);
    expect(open).toHaveLength(100);
    expect(bounded.truncated?.[0]).toMatchObject({ list: 'paymentRemarks', total: 3000 });
  });
});

describe('a bounded snapshot through diff and events', () => {
  it('raises one snapshot-truncated event when a list is first cut, and no removals for what was cut', () => {
    // Prepare
    const before = withBoard(100);
    const after = boundSnapshot(withBoard(5000));

    // Act
    const changes = diffSnapshots(before, after);
    const events = detectEvents({
      previous: before,
      next: after,
      changes,
      previousRisk: risk('A'),
      nextRisk: risk('A'),
    });

    // Assess
    expect(changes.filter((c) => c.new === null)).toEqual([]);
    const truncated = events.find((e) => e.type === 'snapshot-truncated');
    expect(truncated?.changes).toEqual([{ path: '/truncated', old: null, new: after.truncated }]);
    expect(truncated?.severity).toBe('low');
  });

  it('says nothing when only the counts of a cut list move', () => {
    const a = boundSnapshot(withBoard(5000));
    const b = boundSnapshot(withBoard(5200));
    const changes = diffSnapshots(a, b);
    expect(changes.filter((c) => c.path === '/truncated' || c.new === null)).toEqual([]);
  });
});
