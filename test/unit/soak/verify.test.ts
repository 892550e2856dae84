import type { AlertV1 } from '#shared/domain/alert.ts';
import {
  duplicateAlertGroups,
  matchChanges,
  missedChanges,
  readDeadLetter,
  reannouncedAlerts,
  undeliveredAlerts,
  unexplainedAlerts,
} from '#shared/soak/verify.ts';

function alert(
  subjectId: string,
  version: number,
  type: string,
  alertId: string,
  detectedAt: string,
): AlertV1 {
  return {
    alertId,
    type,
    detectedAt,
    subject: { id: subjectId },
    source: { snapshotVersion: version },
  } as unknown as AlertV1;
}

describe('soak checks', () => {
  it('flags one change announced under two ids, not a redelivery of the same id', () => {
    // Prepare
    const delivered = [
      alert('a', 2, 'address-changed', 'al_1', '2026-07-16T06:00:00.000Z'),
      alert('a', 2, 'address-changed', 'al_1', '2026-07-16T06:00:00.000Z'),
      alert('b', 3, 'bankruptcy', 'al_2', '2026-07-16T06:00:00.000Z'),
      alert('b', 3, 'bankruptcy', 'al_3', '2026-07-16T06:00:00.000Z'),
    ];

    // Act
    const groups = duplicateAlertGroups(delivered);

    // Assess
    expect(groups).toEqual([{ key: 'b#3#bankruptcy', alertIds: ['al_2', 'al_3'] }]);
    expect(undeliveredAlerts(['al_1', 'al_9'], new Set(['al_1']))).toEqual(['al_9']);
  });

  it('flags a once-only event announced again under a new id in a later version', () => {
    // Prepare: the bankruptcy of version 2, turned back by an older answer, announced again in version 4
    const delivered = [
      alert('b', 2, 'bankruptcy', 'al_1', '2026-07-16T06:00:00.000Z'),
      alert('b', 2, 'bankruptcy', 'al_1', '2026-07-16T06:00:00.000Z'),
      alert('b', 4, 'bankruptcy', 'al_9', '2026-07-17T06:00:00.000Z'),
      alert('c', 2, 'address-changed', 'al_2', '2026-07-16T06:00:00.000Z'),
      alert('c', 3, 'address-changed', 'al_3', '2026-07-17T06:00:00.000Z'),
    ];

    // Act
    const groups = reannouncedAlerts(delivered);

    // Assess
    expect(groups).toEqual([{ key: 'b#bankruptcy', alertIds: ['al_1', 'al_9'] }]);
  });

  it('flags alerts of a type the world made fewer changes of by their day', () => {
    // Prepare: one remark added on day 1; announced on day 1 and again on day 3 (after an older
    // answer had turned it back); one collection case opened on days 1 and 2, announced on each
    const changes = [
      { day: 1, subjectId: 'a', kind: 'payment-remark-added' },
      { day: 1, subjectId: 'b', kind: 'collection-opened' },
      { day: 2, subjectId: 'b', kind: 'collection-opened' },
    ];
    const delivered = [
      alert('a', 2, 'payment-remark-added', 'al_1', '2026-07-16T06:00:00.000Z'),
      alert('a', 4, 'payment-remark-added', 'al_2', '2026-07-18T06:00:00.000Z'),
      alert('b', 2, 'debt-collection-opened', 'al_3', '2026-07-16T06:00:00.000Z'),
      alert('b', 3, 'debt-collection-opened', 'al_4', '2026-07-17T06:00:00.000Z'),
      alert('b', 3, 'debt-collection-opened', 'al_4', '2026-07-17T06:00:00.000Z'),
      alert('b', 3, 'risk-class-changed', 'al_5', '2026-07-17T06:00:00.000Z'),
    ];

    // Act
    const unexplained = unexplainedAlerts(changes, delivered, '2026-07-15');

    // Assess
    expect(unexplained).toEqual(['a#payment-remark-added']);
  });

  it('reports a change when an alert for its subject came on its day or later', () => {
    // Prepare: day 0 is 2026-07-15; the change on day 2 of b has only an older alert.
    const changes = [
      { day: 1, subjectId: 'a', kind: 'address' },
      { day: 2, subjectId: 'b', kind: 'score' },
      { day: 9, subjectId: 'a', kind: 'name' },
    ];
    const delivered = [
      alert('a', 2, 'address-changed', 'al_1', '2026-07-17T06:00:00.000Z'),
      alert('b', 2, 'score-changed', 'al_2', '2026-07-16T06:00:00.000Z'),
    ];

    // Act
    const match = matchChanges(changes, delivered, '2026-07-15', 5);

    // Assess
    expect(match).toEqual({ changesMade: 2, changesReported: 1, unmatchedByKind: { score: 1 } });
  });

  it('demands of a daily subject an alert of the expected type for each change, on its day or later', () => {
    // Prepare: day 0 is 2026-07-15. Subject a is watched, w is not.
    const changes = [
      { day: 1, subjectId: 'a', kind: 'address' }, // alerted on day 1
      { day: 2, subjectId: 'a', kind: 'accounts-published' }, // only an older accounts alert: missed
      { day: 3, subjectId: 'a', kind: 'collection-opened' }, // an alert of another type: missed
      { day: 3, subjectId: 'a', kind: 'collection-closed' }, // alerted on day 3
      { day: 3, subjectId: 'a', kind: 'score' }, // raises nothing by design
      { day: 4, subjectId: 'w', kind: 'bankruptcy' }, // not watched
    ];
    const delivered = [
      alert('a', 2, 'address-changed', 'al_1', '2026-07-16T06:00:00.000Z'),
      alert('a', 2, 'accounts-published', 'al_2', '2026-07-16T06:00:00.000Z'),
      alert('a', 3, 'debt-register-changed', 'al_3', '2026-07-18T06:00:00.000Z'),
      alert('a', 3, 'debt-collection-closed', 'al_4', '2026-07-18T06:00:00.000Z'),
    ];
    // Act
    const missed = missedChanges(changes, delivered, new Set(['a']), '2026-07-15', 10);
    // Assess
    expect(missed).toEqual({
      due: 4,
      missedByKind: { 'accounts-published': 1, 'collection-opened': 1 },
      examples: ['a@2:accounts-published', 'a@3:collection-opened'],
      excused: 0,
    });
  });

  it('excuses an unreported change the dead-lettered check of its day or the day before hid, and no other', () => {
    // Prepare: a's check of day 2 was dead-lettered. The address change of day 2 and its undoing on
    // day 3 were never seen (the stored state never differed); the name change lasted and was
    // reported on day 3; the board change of day 5 came after a good check.
    const changes = [
      { day: 2, subjectId: 'a', kind: 'address' },
      { day: 2, subjectId: 'a', kind: 'name' },
      { day: 3, subjectId: 'a', kind: 'address' },
      { day: 5, subjectId: 'a', kind: 'board' }, // due, and missed
    ];
    const delivered = [alert('a', 2, 'name-changed', 'al_1', '2026-07-18T06:00:00.000Z')];
    // Act
    const missed = missedChanges(changes, delivered, new Set(['a']), '2026-07-15', 10, new Set(['a@2']));
    // Assess
    expect(missed).toEqual({ due: 2, missedByKind: { board: 1 }, examples: ['a@5:board'], excused: 2 });
  });

  it('reads the reasons of a dead-lettered job and of a job the queue moved itself', () => {
    // Act
    const handled = readDeadLetter(
      JSON.stringify({
        subjects: [{}, {}],
        failures: { a: 'MalformedPayloadError: x', b: 'TransientError: y' },
      }),
    );
    const moved = readDeadLetter(JSON.stringify({ subjects: [{}] }));

    // Assess
    expect(handled).toEqual({ subjects: 2, reasons: { MalformedPayloadError: 1, TransientError: 1 } });
    expect(moved).toEqual({ subjects: 1, reasons: { 'queue-redrive': 1 } });
    expect(readDeadLetter('{').reasons).toEqual({ 'unparseable-body': 1 });
  });
});
