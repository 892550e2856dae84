import { emptySnapshot, Snapshot } from '#shared/domain/snapshot.ts';

describe('emptySnapshot', () => {
  it('is a valid canonical snapshot', () => {
    // Prepare / Act
    const snapshot = emptySnapshot({ subjectId: 's-1', kind: 'business', country: 'NO' });
    // Assess
    expect(Snapshot.parse(snapshot)).toEqual(snapshot);
  });
});
