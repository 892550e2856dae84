/**
 * A snapshot's size, bounded. A registry entry can grow without limit (a group with thousands of
 * officers, a debtor with hundreds of remarks) while a DynamoDB item holds 400 KB, and the state item
 * carries the snapshot, its changes and the alerts that quote them. An unbounded snapshot would be
 * refused on every check and the subject would never update again; a bounded one keeps the items
 * that matter most for credit (open remarks, the managing director and the board before deputies),
 * drops the rest, says so in `truncated`, and the credit team gets one `snapshot-truncated` alert.
 */
import { compareStrings, stableStringify } from './canonical.ts';
import type { Role, RoleType, Snapshot, TruncatedList } from './snapshot.ts';

/**
 * The snapshot budget in bytes of its JSON: with the changes against the previous snapshot (at most
 * both lists) and the alerts quoting them, the state item stays well under DynamoDB's 400 KB.
 */
export const SNAPSHOT_BUDGET_BYTES = 64 * 1024;

/** Which lists may be cut, in the order they are cut when more than one is long. */
const LISTS: readonly TruncatedList[] = ['roles', 'paymentRemarks', 'collectionCases', 'debtRegister'];

const ROLE_RANK: Record<RoleType, number> = {
  'managing-director': 0,
  chair: 1,
  'deputy-chair': 2,
  auditor: 3,
  'board-member': 4,
  accountant: 5,
  'deputy-board-member': 6,
  other: 7,
};

/** Open items first, then the newest: what a credit decision reads first. */
const byOpenThenNewest =
  <T>(closedOn: (item: T) => string | null, since: (item: T) => string | null) =>
  (a: T, b: T): number => {
    const open = Number(closedOn(a) !== null) - Number(closedOn(b) !== null);
    if (open !== 0) return open;
    return (since(b) ?? '').localeCompare(since(a) ?? '');
  };

const ORDER: { [L in TruncatedList]: (a: ItemOf<L>, b: ItemOf<L>) => number } = {
  roles: (a: Role, b: Role) =>
    ROLE_RANK[a.type] - ROLE_RANK[b.type] || (b.from ?? '').localeCompare(a.from ?? ''),
  paymentRemarks: byOpenThenNewest(
    (r) => r.resolvedOn,
    (r) => r.registeredOn,
  ),
  collectionCases: byOpenThenNewest(
    (c) => c.closedOn,
    (c) => c.openedOn,
  ),
  debtRegister: (a, b) => b.amount.amount - a.amount.amount,
};

type ItemOf<L extends TruncatedList> = L extends 'roles'
  ? Role
  : Snapshot['credit'][Exclude<L, 'roles'>][number];

/**
 * The snapshot cut to `budgetBytes` of JSON: the longest list first loses its least important items
 * until the whole fits. A snapshot within the budget is returned as it is (the same object). A cut
 * list keeps its items in their original order, and `truncated` names it with the kept and total
 * counts. The cut is a pure function of the snapshot, so the same answer always hashes the same.
 *
 * @example
 * const bounded = boundSnapshot(snapshot);
 * bounded.truncated; // undefined, or e.g. [{ list: 'roles', kept: 310, total: 4200 }]
 */
export function boundSnapshot(snapshot: Snapshot, budgetBytes = SNAPSHOT_BUDGET_BYTES): Snapshot {
  let size = byteLength(snapshot);
  if (size <= budgetBytes) return snapshot;
  const totals = new Map<TruncatedList, number>(LISTS.map((list) => [list, listOf(snapshot, list).length]));
  let bounded = snapshot;
  // Each round cuts the list holding the most bytes by at least the overflow; a few rounds suffice.
  for (let round = 0; round < 32 && size > budgetBytes; round++) {
    const sizes = LISTS.map((list) => ({ list, bytes: byteLength(listOf(bounded, list)) }));
    const longest = sizes.reduce((a, b) => (b.bytes > a.bytes ? b : a));
    const items = listOf(bounded, longest.list);
    if (items.length === 0) break;
    const perItem = longest.bytes / items.length;
    const drop = Math.max(1, Math.ceil((size - budgetBytes) / perItem));
    bounded = withList(bounded, longest.list, keepMostImportant(longest.list, items, items.length - drop));
    size = byteLength(bounded);
  }
  const truncated = LISTS.flatMap((list) => {
    const total = totals.get(list) ?? 0;
    const kept = listOf(bounded, list).length;
    return kept < total ? [{ list, kept, total }] : [];
  });
  return truncated.length === 0 ? bounded : { ...bounded, truncated };
}

function keepMostImportant<L extends TruncatedList>(
  list: L,
  items: readonly ItemOf<L>[],
  keep: number,
): ItemOf<L>[] {
  const order = ORDER[list] as (a: ItemOf<L>, b: ItemOf<L>) => number;
  // Ties go by identity, not by position: the same items in another order make the same cut.
  const ranked = items.map((item, index) => ({ item, index, id: identityOf(item) }));
  ranked.sort((a, b) => order(a.item, b.item) || compareStrings(a.id, b.id));
  return ranked
    .slice(0, Math.max(0, keep))
    .sort((a, b) => a.index - b.index)
    .map(({ item }) => item);
}

function identityOf(item: Role | { id: string }): string {
  return 'id' in item ? item.id : `${item.type}/${item.party.ref}/${item.from ?? ''}`;
}

function listOf<L extends TruncatedList>(snapshot: Snapshot, list: L): ItemOf<L>[] {
  return (list === 'roles' ? snapshot.roles : snapshot.credit[list as Exclude<L, 'roles'>]) as ItemOf<L>[];
}

function withList<L extends TruncatedList>(snapshot: Snapshot, list: L, items: ItemOf<L>[]): Snapshot {
  if (list === 'roles') return { ...snapshot, roles: items as Role[] };
  return { ...snapshot, credit: { ...snapshot.credit, [list]: items } };
}

function byteLength(value: unknown): number {
  return Buffer.byteLength(stableStringify(value), 'utf8');
}
