import fc from 'fast-check';
import { canonicalizeSnapshot, stableStringify } from '#shared/domain/canonical.ts';
import { Snapshot } from '#shared/domain/snapshot.ts';
import { equinor, snapshotArb, withNoise } from './snapshot-builders.ts';

describe('canonicalizeSnapshot', () => {
  it('upper-cases addresses, strips postal code spaces and collapses whitespace', () => {
    // Prepare
    const s = equinor();
    s.addresses.business = {
      lines: ['  Forusbeen   50 ', ''],
      postalCode: ' 40 35',
      city: 'Stavanger',
      country: 'no',
      municipality: null,
    };
    s.identity.name = '  EQUINOR \t ASA ';
    // Act
    const canonical = canonicalizeSnapshot(s);
    // Assess
    expect(canonical.addresses.business).toEqual({
      lines: ['FORUSBEEN 50'],
      postalCode: '4035',
      city: 'STAVANGER',
      country: 'NO',
      municipality: null,
    });
    expect(canonical.identity.name).toBe('EQUINOR ASA');
  });

  it('sorts roles by type, party ref and from date', () => {
    // Prepare
    const s = equinor();
    s.roles = [...s.roles].reverse();
    // Act
    const types = canonicalizeSnapshot(s).roles.map((r) => r.type);
    // Assess
    expect(types).toEqual(['auditor', 'chair', 'managing-director']);
  });

  it('keeps a valid snapshot valid and is idempotent', () => {
    fc.assert(
      fc.property(snapshotArb, (s) => {
        const once = canonicalizeSnapshot(s);
        expect(Snapshot.safeParse(once).success).toBe(true);
        expect(canonicalizeSnapshot(once)).toEqual(once);
      }),
    );
  });

  it('gives the same canonical form to the same facts presented differently', () => {
    fc.assert(
      fc.property(snapshotArb, fc.integer(), (s, seed) => {
        expect(stableStringify(canonicalizeSnapshot(withNoise(s, seed)))).toBe(
          stableStringify(canonicalizeSnapshot(s)),
        );
      }),
    );
  });
});

describe('stableStringify', () => {
  it('sorts object keys at every level and keeps array order', () => {
    expect(stableStringify({ b: 1, a: [{ d: 2, c: 3 }, 1] })).toBe('{"a":[{"c":3,"d":2},1],"b":1}');
  });
});
