import { diffSnapshots } from '#shared/domain/diff.ts';
import { detectEvents } from '#shared/domain/events.ts';
import { withLastKnownFacts } from '#shared/domain/last-known-facts.ts';
import { emptySnapshot, type Snapshot } from '#shared/domain/snapshot.ts';
import { equinor, risk } from './snapshot-builders.ts';

/** What Brønnøysund publishes of a deleted entity: name, form and deletion date, nothing else. */
function deleted(from: Snapshot): Snapshot {
  const bare = emptySnapshot({ subjectId: from.subjectId, kind: 'business', country: 'NO' });
  return {
    ...bare,
    identity: { ...bare.identity, registryId: from.identity.registryId, name: from.identity.name },
    status: { state: 'dissolved', since: '2026-07-26', proceedings: [], addressProtected: false },
    credit: from.credit,
  };
}

describe('withLastKnownFacts', () => {
  it('keeps what the registry stopped publishing, so a dissolution is one dissolved event', () => {
    // Prepare
    const active = equinor();
    const fetched = deleted(active);
    // Act
    const next = withLastKnownFacts(active, fetched);
    const changes = diffSnapshots(active, next);
    const events = detectEvents({
      previous: active,
      next,
      changes,
      previousRisk: risk('A'),
      nextRisk: risk('A'),
    });
    // Assess
    expect(next.addresses).toEqual(active.addresses);
    expect(next.roles).toEqual(active.roles);
    expect(next.accounts).toEqual(active.accounts);
    expect(changes.map((change) => change.path)).toEqual(['/status/since', '/status/state']);
    expect(events.map((event) => event.type)).toEqual(['dissolved']);
  });

  it('leaves an active subject exactly as fetched, and a first snapshot too', () => {
    const active = equinor();
    const moved = { ...active, addresses: { ...active.addresses, business: null } };
    expect(withLastKnownFacts(active, moved)).toBe(moved);
    const fetched = deleted(active);
    expect(withLastKnownFacts(null, fetched)).toBe(fetched);
  });
});
