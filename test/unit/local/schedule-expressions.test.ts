import { SCHEDULES } from '#shared/catalogue.ts';
import { firesOnDate, parseScheduleExpression } from '#shared/local/schedule-expressions.ts';

describe('schedule expressions', () => {
  it('fires the daily tier every day, the weekly on Mondays and the monthly on the 1st', () => {
    // Prepare
    const byTier = Object.fromEntries(SCHEDULES.map((s) => [s.tier, parseScheduleExpression(s.expression)]));
    const days = ['2026-03-01', '2026-03-02', '2026-03-03']; // Sunday, Monday, Tuesday
    // Act
    const fired = days.map((day) => ({
      daily: firesOnDate(byTier.daily!, day),
      weekly: firesOnDate(byTier.weekly!, day),
      monthly: firesOnDate(byTier.monthly!, day),
    }));
    // Assess
    expect(fired).toEqual([
      { daily: true, weekly: false, monthly: true },
      { daily: true, weekly: true, monthly: false },
      { daily: true, weekly: false, monthly: false },
    ]);
  });

  it('reads lists, ranges, steps and names like EventBridge', () => {
    const expression = parseScheduleExpression('cron(0/15 8-10 ? JAN,JUL MON-FRI 2026)');
    expect(expression.kind).toBe('cron');
    if (expression.kind !== 'cron') return;
    expect([...expression.minutes]).toEqual([0, 15, 30, 45]);
    expect([...expression.hours]).toEqual([8, 9, 10]);
    expect([...(expression.daysOfWeek ?? [])]).toEqual([2, 3, 4, 5, 6]);
    expect(firesOnDate(expression, '2026-07-04')).toBe(false); // Saturday
    expect(firesOnDate(expression, '2026-07-06')).toBe(true);
    expect(firesOnDate(expression, '2027-07-06')).toBe(false);
  });

  it('turns rates into minutes and fires them daily', () => {
    const rate = parseScheduleExpression('rate(5 minutes)');
    expect(rate).toEqual({ kind: 'rate', minutes: 5 });
    expect(firesOnDate(rate, '2026-01-01')).toBe(true);
    expect(parseScheduleExpression('rate(2 hours)')).toEqual({ kind: 'rate', minutes: 120 });
  });

  it.each([
    ['cron(0 6 * * *)', /expected cron/],
    ['cron(0 6 * * MON *)', /exactly one of day-of-month and day-of-week/],
    ['cron(61 6 * * ? *)', /'61' is not a value from 0 to 59/],
    ['cron(0 6 L * ? *)', /not supported/],
  ])('rejects %s with a clear reason', (expression, reason) => {
    expect(() => parseScheduleExpression(expression)).toThrow(reason);
  });
});
