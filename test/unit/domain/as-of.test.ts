import { asOfOf, freshnessOf, mergeAsOf } from '#shared/domain/as-of.ts';

describe('asOfOf', () => {
  it('takes each source’s stated as-of, else its fetch time, normalized, the latest per source', () => {
    // Prepare
    const sources = [
      { provider: 'brreg', fetchedAt: '2026-07-20T08:00:01+02:00' },
      { provider: 'credmon-bureau', fetchedAt: '2026-07-20T06:00:01Z', asOf: '2026-07-19T00:00:00Z' },
      { provider: 'brreg', fetchedAt: '2026-07-20T05:00:00Z' },
    ];
    // Act
    const asOf = asOfOf(sources);
    // Assess
    expect(asOf).toEqual({ brreg: '2026-07-20T06:00:01.000Z', 'credmon-bureau': '2026-07-19T00:00:00.000Z' });
  });
});

describe('freshnessOf', () => {
  const stored = { brreg: '2026-07-20T06:00:00.000Z', 'credmon-bureau': '2026-07-20T00:00:00.000Z' };

  it('calls an answer older when any one source is older, even if another is newer', () => {
    // Act
    const late = freshnessOf(stored, {
      brreg: '2026-07-21T06:00:00.000Z',
      'credmon-bureau': '2026-07-19T00:00:00.000Z',
    });
    // Assess
    expect(late).toBe('older');
  });

  it('calls an answer the same when every source equals the stored as-of, newer when any is later or new', () => {
    // Act
    const same = freshnessOf(stored, { ...stored });
    const later = freshnessOf(stored, { ...stored, brreg: '2026-07-20T06:00:00.001Z' });
    const added = freshnessOf({ brreg: stored.brreg }, stored);
    const first = freshnessOf(null, stored);
    // Assess
    expect([same, later, added, first]).toEqual(['same', 'newer', 'newer', 'newer']);
  });

  it('compares instants, not text: offsets and precision do not decide', () => {
    // Act
    const result = freshnessOf({ brreg: '2026-07-20T06:00:00.000Z' }, { brreg: '2026-07-20T08:00:00+02:00' });
    // Assess
    expect(result).toBe('same');
  });
});

describe('mergeAsOf', () => {
  it('keeps per source the later as-of, and the sources the answer lacks', () => {
    // Act
    const merged = mergeAsOf(
      { brreg: '2026-07-20T06:00:00.000Z', 'companies-house': '2026-07-01T06:00:00.000Z' },
      { brreg: '2026-07-21T06:00:00.000Z', 'credmon-bureau': '2026-07-21T00:00:00.000Z' },
    );
    // Assess
    expect(merged).toEqual({
      brreg: '2026-07-21T06:00:00.000Z',
      'companies-house': '2026-07-01T06:00:00.000Z',
      'credmon-bureau': '2026-07-21T00:00:00.000Z',
    });
  });
});
