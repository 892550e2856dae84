import { isStaleDay, lateAnswerBook, reportKeyOf } from '#shared/simulator/late.ts';

const same = (a: string, b: string) => a === b;

describe('late answers', () => {
  it('keys credit-bureau reports by company path or person looked up, and nothing else', () => {
    // Act
    const company = reportKeyOf({
      method: 'GET',
      path: '/credit-bureau/v1/companies/no/923609016',
      query: {},
      body: undefined,
    });
    const person = reportKeyOf({
      method: 'POST',
      path: '/credit-bureau/v1/persons/lookup',
      query: {},
      body: { country: 'no', nationalId: '010190 12345' },
    });
    const registry = reportKeyOf({
      method: 'GET',
      path: '/enhetsregisteret/api/enheter/923609016',
      query: {},
      body: undefined,
    });
    // Assess
    expect([company, person, registry]).toEqual(['company:NO:923609016', 'person:NO:01019012345', null]);
  });

  it('picks stale subject-days as a pure function of seed, key and day, near the rate', () => {
    // Act
    const days = Array.from({ length: 2000 }, (_, day) => isStaleDay(7, 0.1, 'company:NO:923609016', day));
    const again = Array.from({ length: 2000 }, (_, day) => isStaleDay(7, 0.1, 'company:NO:923609016', day));
    // Assess
    expect(again).toEqual(days);
    const share = days.filter(Boolean).length / days.length;
    expect(share).toBeGreaterThan(0.07);
    expect(share).toBeLessThan(0.13);
    expect(isStaleDay(7, 0, 'company:NO:923609016', 3)).toBe(false);
  });

  it('serves the first request of a stale day a differing report of two checked days back, held; then today’s', () => {
    // Prepare: every day stale; reports on days 1, 2 and 3
    const book = lateAnswerBook<string>(1, { staleRate: 1, delayRate: 0, delayMs: 50 });
    const key = 'company:NO:923609016';
    book.served(key, 1, 'report-1');
    book.served(key, 2, 'report-2');
    // Act
    const first = book.olderAnswer(key, 3, 'report-3', same);
    const second = book.olderAnswer(key, 3, 'report-3', same);
    const unchanged = book.olderAnswer(key, 4, 'report-1', same);
    // Assess
    expect([first, second, unchanged]).toEqual(['report-1', undefined, undefined]);
    expect([book.delayMs(true), book.delayMs(false)]).toEqual([50, 0]);
  });

  it('serves no older report from untilDay on', () => {
    // Prepare
    const book = lateAnswerBook<string>(1, { staleRate: 1, delayRate: 0, delayMs: 50, untilDay: 3 });
    const key = 'company:NO:923609016';
    book.served(key, 1, 'report-1');
    book.served(key, 2, 'report-2');
    // Act
    const older = book.olderAnswer(key, 3, 'report-3', same);
    // Assess
    expect(older).toBeUndefined();
  });
});
