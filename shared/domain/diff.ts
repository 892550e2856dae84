/**
 * Typed changes between two snapshots, addressed by JSON-Pointer-like paths. List items are keyed by
 * their identity (a remark's id, a role's type and party), never by position, so reordering is no
 * change. Granularity follows what a reader of an alert wants to see: a moved address is one change
 * with the whole old and new address; a new remark is one change with the whole remark.
 */
import { z } from 'zod';
import { canonicalizeSnapshot, compareStrings, stableStringify } from './canonical.ts';
import type { AnnualAccounts, Proceeding, Role, Snapshot, TruncatedList } from './snapshot.ts';

export const Change = z.object({
  /** e.g. `/status/state`, `/addresses/business`, `/roles/managing-director/<partyRef>`. */
  path: z.string(),
  /** The value before; null when the item did not exist. */
  old: z.unknown(),
  /** The value after; null when the item no longer exists. */
  new: z.unknown(),
});
export type Change = z.infer<typeof Change>;

/**
 * Employee counts move by a few people between fetches (registries round, bureaus lag). A move is a
 * change only when it is at least `absolute` people and at least `relative` of the old count, e.g.
 * 100 → 109 is noise, 100 → 110 is a change; 20 → 24 is noise, 20 → 25 is a change.
 */
export const EMPLOYEE_CHANGE_THRESHOLD = { absolute: 5, relative: 0.1 } as const;

/** What stands in for an individual's own name in changes: a name change is visible, the name is not. */
export const REDACTED = '[redacted]';

/**
 * Whether an employee count moved enough to be a change (see {@link EMPLOYEE_CHANGE_THRESHOLD}).
 * Appearing or disappearing counts (null on one side) always are.
 *
 * @example
 * isSignificantEmployeeChange(100, 109); // false
 * isSignificantEmployeeChange(100, 110); // true
 */
export function isSignificantEmployeeChange(previous: number | null, next: number | null): boolean {
  if (previous === null || next === null) return previous !== next;
  const threshold = Math.max(
    EMPLOYEE_CHANGE_THRESHOLD.absolute,
    EMPLOYEE_CHANGE_THRESHOLD.relative * previous,
  );
  return Math.abs(next - previous) >= threshold;
}

/**
 * The snapshot to store after a check: `next`, except that an employee count that moved less than
 * the threshold keeps the previous value. The stored count is then the last one reported, so slow
 * drift (100, 104, 108, 112) is reported once it adds up, instead of being measured step by step
 * and never.
 *
 * @example
 * holdBackEmployeeJitter(withEmployees(100), withEmployees(104)).employees; // 100
 * holdBackEmployeeJitter(withEmployees(100), withEmployees(112)).employees; // 112
 */
export function holdBackEmployeeJitter(previous: Snapshot | null, next: Snapshot): Snapshot {
  if (previous === null || previous.employees === next.employees) return next;
  if (isSignificantEmployeeChange(previous.employees, next.employees)) return next;
  return { ...next, employees: previous.employees };
}

/**
 * The changes from `previous` to `next`, compared after {@link canonicalizeSnapshot}, sorted by path.
 * Empty exactly when the snapshots hash alike, except for two deliberate blind spots: employee
 * jitter below the threshold, and a person's name on a role whose party ref is unchanged (the ref
 * identifies the person; names never travel in changes). Roles held by persons appear as
 * `{ type, sourceCode, party: { kind, ref }, from, to }`; an individual's own name as {@link REDACTED}.
 *
 * @example
 * diffSnapshots(before, { ...before, status: { ...before.status, state: 'bankruptcy' } });
 * // [{ path: '/status/state', old: 'active', new: 'bankruptcy' }]
 */
export function diffSnapshots(previous: Snapshot, next: Snapshot): Change[] {
  const a = canonicalizeSnapshot(previous);
  const b = canonicalizeSnapshot(next);
  const changes: Change[] = [];
  const leaf = (path: string, old: unknown, now: unknown): void => {
    if (stableStringify(old) !== stableStringify(now)) changes.push({ path, old, new: now });
  };

  leaf('/schema', a.schema, b.schema);
  leaf('/subjectId', a.subjectId, b.subjectId);
  leaf('/kind', a.kind, b.kind);

  const isIndividual = a.kind === 'individual' || b.kind === 'individual';
  for (const field of Object.keys(a.identity) as (keyof Snapshot['identity'])[]) {
    if (field === 'name' && isIndividual) {
      if (a.identity.name !== b.identity.name) {
        changes.push({ path: '/identity/name', old: redact(a.identity.name), new: redact(b.identity.name) });
      }
      continue;
    }
    leaf(`/identity/${field}`, a.identity[field], b.identity[field]);
  }

  leaf('/status/state', a.status.state, b.status.state);
  leaf('/status/since', a.status.since, b.status.since);
  leaf('/status/addressProtected', a.status.addressProtected, b.status.addressProtected);
  keyedLists(
    '/status/proceedings',
    a.status.proceedings,
    b.status.proceedings,
    (p: Proceeding) => p.kind,
    (p) => p.since ?? '-',
    (p) => p,
    leaf,
  );

  leaf('/addresses/business', a.addresses.business, b.addresses.business);
  leaf('/addresses/postal', a.addresses.postal, b.addresses.postal);
  leaf('/addresses/home', a.addresses.home, b.addresses.home);

  keyedLists(
    '/roles',
    a.roles,
    b.roles,
    (r: Role) => `${r.type}/${escapeSegment(r.party.ref)}`,
    (r) => r.from ?? '-',
    roleForChange,
    leaf,
  );

  diffAccounts(a.accounts, b.accounts, leaf);
  if (a.accountsFiling === null || b.accountsFiling === null) {
    leaf('/accountsFiling', a.accountsFiling, b.accountsFiling);
  } else {
    leaf('/accountsFiling/lastPeriodEnd', a.accountsFiling.lastPeriodEnd, b.accountsFiling.lastPeriodEnd);
    leaf('/accountsFiling/nextDue', a.accountsFiling.nextDue, b.accountsFiling.nextDue);
    leaf('/accountsFiling/overdue', a.accountsFiling.overdue, b.accountsFiling.overdue);
  }

  const byId = <T extends { id: string }>(item: T): string => escapeSegment(item.id);
  const same = <T>(item: T): T => item;
  const noSuffix = (): string => '-';
  keyedLists(
    '/credit/paymentRemarks',
    a.credit.paymentRemarks,
    b.credit.paymentRemarks,
    byId,
    noSuffix,
    same,
    leaf,
  );
  keyedLists(
    '/credit/collectionCases',
    a.credit.collectionCases,
    b.credit.collectionCases,
    byId,
    noSuffix,
    same,
    leaf,
  );
  keyedLists(
    '/credit/debtRegister',
    a.credit.debtRegister,
    b.credit.debtRegister,
    byId,
    noSuffix,
    same,
    leaf,
  );
  leaf('/credit/score', a.credit.score, b.credit.score);
  leaf('/credit/creditLimit', a.credit.creditLimit, b.credit.creditLimit);

  if (isSignificantEmployeeChange(a.employees, b.employees)) leaf('/employees', a.employees, b.employees);
  leaf('/shareCapital', a.shareCapital, b.shareCapital);
  // A change when other lists are cut, not when the counts move (they do daily on a long list).
  if (stableStringify(truncatedLists(a)) !== stableStringify(truncatedLists(b)))
    changes.push({ path: '/truncated', old: a.truncated ?? null, new: b.truncated ?? null });

  // An item missing from a cut list may only have been cut: its absence is not a removal.
  const cut = (b.truncated ?? []).map((t) => `${LIST_PATHS[t.list]}/`);
  const kept =
    cut.length === 0
      ? changes
      : changes.filter((c) => c.new !== null || !cut.some((prefix) => c.path.startsWith(prefix)));
  return kept.sort((x, y) => compareStrings(x.path, y.path));
}

const LIST_PATHS: Record<TruncatedList, string> = {
  roles: '/roles',
  paymentRemarks: '/credit/paymentRemarks',
  collectionCases: '/credit/collectionCases',
  debtRegister: '/credit/debtRegister',
};

function truncatedLists(snapshot: Snapshot): TruncatedList[] | null {
  const lists = (snapshot.truncated ?? []).map((t) => t.list).sort();
  return lists.length === 0 ? null : lists;
}

function redact(name: string | null): string | null {
  return name === null ? null : REDACTED;
}

/** A role as it may appear in a change: a person is their ref, never their name. */
function roleForChange(role: Role): unknown {
  if (role.party.kind === 'organisation') return role;
  return { ...role, party: { kind: role.party.kind, ref: role.party.ref } };
}

/**
 * One set of accounts for a new period is one change (the whole accounts); figures revised within
 * the same period are one change per figure, so that a restated equity reads as exactly that.
 */
function diffAccounts(
  a: AnnualAccounts | null,
  b: AnnualAccounts | null,
  leaf: (path: string, old: unknown, now: unknown) => void,
): void {
  if (a === null || b === null || a.periodEnd !== b.periodEnd) {
    leaf('/accounts', a, b);
    return;
  }
  for (const field of Object.keys(a) as (keyof AnnualAccounts)[])
    leaf(`/accounts/${field}`, a[field], b[field]);
}

/**
 * Diffs two lists keyed by identity. When a key is held by several items on either side (a person
 * appointed twice to the same role), all items of that key get a suffix on both sides, so adding a
 * second appointment never renames the first.
 */
function keyedLists<T>(
  base: string,
  before: readonly T[],
  after: readonly T[],
  key: (item: T) => string,
  suffix: (item: T) => string,
  present: (item: T) => unknown,
  leaf: (path: string, old: unknown, now: unknown) => void,
): void {
  const countKeys = (items: readonly T[]): Map<string, number> => {
    const counts = new Map<string, number>();
    for (const item of items) counts.set(key(item), (counts.get(key(item)) ?? 0) + 1);
    return counts;
  };
  const countsBefore = countKeys(before);
  const countsAfter = countKeys(after);
  const ambiguous = (k: string): boolean => (countsBefore.get(k) ?? 0) > 1 || (countsAfter.get(k) ?? 0) > 1;

  const index = (items: readonly T[]): Map<string, unknown> => {
    const byPath = new Map<string, unknown>();
    for (const item of items) {
      const k = key(item);
      const stem = ambiguous(k) ? `${base}/${k}@${escapeSegment(suffix(item))}` : `${base}/${k}`;
      let path = stem;
      for (let n = 2; byPath.has(path); n++) path = `${stem}#${n}`;
      byPath.set(path, present(item));
    }
    return byPath;
  };
  const old = index(before);
  const now = index(after);
  for (const path of new Set([...old.keys(), ...now.keys()]))
    leaf(path, old.get(path) ?? null, now.get(path) ?? null);
}

/**
 * JSON Pointer escaping (RFC 6901), so a ref containing `/` cannot forge a deeper path, plus
 * percent-escapes for `%`, `@` and `#`, which mark the suffixes of ambiguous keys.
 */
function escapeSegment(segment: string): string {
  return segment
    .replace(/~/g, '~0')
    .replace(/\//g, '~1')
    .replace(/%/g, '%25')
    .replace(/@/g, '%40')
    .replace(/#/g, '%23');
}
