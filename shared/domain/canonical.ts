/**
 * Noise control before hashing and diffing. Bureaus return the same facts in varying list order,
 * with stray whitespace and with addresses in mixed letter case; none of that is a change of the
 * subject. Canonicalization removes exactly that noise and nothing else: no fact is dropped, so a
 * canonical snapshot still carries everything the risk model and the users need.
 */
import type { Address, Role, Snapshot } from './snapshot.ts';

/**
 * The snapshot in canonical form: every string trimmed with inner whitespace collapsed, address
 * lines, city and municipality upper-cased, postal codes upper-cased without spaces, empty address
 * lines dropped, and every list sorted by the identity of its items (roles by type, party ref, from;
 * remarks, collection cases and debt entries by id; proceedings by kind and since). Idempotent.
 *
 * Employee-count jitter is deliberately left in place: it is judged by the diff, not hidden here.
 *
 * @example
 * const a = canonicalizeSnapshot(snapshot);
 * canonicalizeSnapshot(a); // deep-equals a
 */
export function canonicalizeSnapshot(s: Snapshot): Snapshot {
  const tidy = collapseWhitespace(s) as Snapshot;
  return {
    ...tidy,
    status: {
      ...tidy.status,
      proceedings: sortBy(tidy.status.proceedings, (p) => [p.kind, p.since ?? '']),
    },
    addresses: {
      business: canonicalAddress(tidy.addresses.business),
      postal: canonicalAddress(tidy.addresses.postal),
      home: canonicalAddress(tidy.addresses.home),
    },
    roles: sortBy(tidy.roles, roleSortKey),
    credit: {
      ...tidy.credit,
      paymentRemarks: sortBy(tidy.credit.paymentRemarks, (r) => [r.id]),
      collectionCases: sortBy(tidy.credit.collectionCases, (c) => [c.id]),
      debtRegister: sortBy(tidy.credit.debtRegister, (d) => [d.id]),
    },
  };
}

function roleSortKey(role: Role): string[] {
  return [role.type, role.party.ref, role.from ?? ''];
}

function canonicalAddress(address: Address | null): Address | null {
  if (address === null) return null;
  return {
    lines: address.lines.map((line) => line.toUpperCase()).filter((line) => line !== ''),
    postalCode: address.postalCode === null ? null : address.postalCode.replace(/\s+/g, '').toUpperCase(),
    city: address.city === null ? null : address.city.toUpperCase(),
    country: address.country === null ? null : address.country.toUpperCase(),
    municipality: address.municipality === null ? null : address.municipality.toUpperCase(),
  };
}

/** Whitespace that `collapse` would change: anything but single inner spaces. */
const UNTIDY = /[^\S ]| {2}|^ | $/;

function collapseWhitespace(value: unknown): unknown {
  // Most strings are already tidy: testing is far cheaper than rebuilding each one.
  if (typeof value === 'string') return UNTIDY.test(value) ? value.replace(/\s+/g, ' ').trim() : value;
  if (Array.isArray(value)) return value.map(collapseWhitespace);
  if (value !== null && typeof value === 'object') {
    const tidy: Record<string, unknown> = {};
    for (const [key, inner] of Object.entries(value)) {
      // A data property even for a key named __proto__, as Object.fromEntries would make it.
      if (key === '__proto__')
        Object.defineProperty(tidy, key, {
          value: collapseWhitespace(inner),
          enumerable: true,
          writable: true,
          configurable: true,
        });
      else tidy[key] = collapseWhitespace(inner);
    }
    return tidy;
  }
  return value;
}

/**
 * Sorts by the given key, then by the item's whole content, so that items sharing a key (two
 * appointments of one person on one day) still land in one order whatever order they came in.
 */
function sortBy<T>(items: readonly T[], key: (item: T) => string[]): T[] {
  // The whole content is only needed to break ties, so it is serialized only for those.
  const keyed = items.map((item) => ({ item, key: key(item), whole: undefined as string | undefined }));
  const whole = (entry: (typeof keyed)[number]): string => {
    entry.whole ??= stableStringify(entry.item);
    return entry.whole;
  };
  return keyed
    .sort((a, b) => compareKeys(a.key, b.key) || compareStrings(whole(a), whole(b)))
    .map(({ item }) => item);
}

function compareKeys(a: string[], b: string[]): number {
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const order = compareStrings(a[i] ?? '', b[i] ?? '');
    if (order !== 0) return order;
  }
  return 0;
}

/** Code-unit order, not locale order: the same on every machine and runtime. */
export function compareStrings(a: string, b: string): number {
  if (a < b) return -1;
  return a > b ? 1 : 0;
}

/**
 * JSON with object keys sorted at every level: equal values give equal text whatever the key order.
 *
 * @example
 * stableStringify({ b: 1, a: [{ d: 2, c: 3 }] }); // '{"a":[{"c":3,"d":2}],"b":1}'
 */
export function stableStringify(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map(stableStringify).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const record = value as Record<string, unknown>;
    // Array.prototype.sort orders strings by code unit, as compareStrings does.
    const keys = Object.keys(record).sort();
    let text = '{';
    for (const key of keys) {
      const inner = record[key];
      if (inner === undefined) continue;
      if (text.length > 1) text += ',';
      text += `${JSON.stringify(key)}:${stableStringify(inner)}`;
    }
    return `${text}}`;
  }
  return JSON.stringify(value) ?? 'null';
}
