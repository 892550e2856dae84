/**
 * EventBridge Scheduler expressions (`cron(m h dom mon dow yr)`, `rate(n unit)`), evaluated the way
 * the cloud evaluates them, so the local scheduler fires the same schedules the CDK stack deploys.
 * Supports numbers, names, `*`, `?`, lists, ranges and steps; `L`, `W` and `#` are rejected clearly.
 */
const MONTHS = ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'];
const DAYS = ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'];

export type ScheduleExpression =
  | { readonly kind: 'rate'; readonly minutes: number }
  | {
      readonly kind: 'cron';
      readonly minutes: ReadonlySet<number>;
      readonly hours: ReadonlySet<number>;
      readonly daysOfMonth: ReadonlySet<number> | null;
      readonly months: ReadonlySet<number>;
      /** 1 = Sunday … 7 = Saturday, as in EventBridge. */
      readonly daysOfWeek: ReadonlySet<number> | null;
      readonly years: ReadonlySet<number> | null;
    };

/**
 * @example
 * parseScheduleExpression('cron(0 6 ? * MON *)'); // weekly on Mondays at 06:00
 */
export function parseScheduleExpression(expression: string): ScheduleExpression {
  const rate = /^rate\((\d+) (minute|minutes|hour|hours|day|days)\)$/.exec(expression);
  if (rate) {
    const count = Number(rate[1]);
    const unit = rate[2] ?? 'minutes';
    const factor = unit.startsWith('minute') ? 1 : unit.startsWith('hour') ? 60 : 1440;
    return { kind: 'rate', minutes: count * factor };
  }
  const cron = /^cron\((.+)\)$/.exec(expression);
  const fields = cron?.[1]?.trim().split(/\s+/);
  if (fields?.length !== 6) {
    throw new Error(`schedule expression '${expression}': expected cron(m h dom mon dow yr) or rate(n unit)`);
  }
  const [minutes, hours, dom, month, dow, year] = fields as [string, string, string, string, string, string];
  if ((dom === '?') === (dow === '?')) {
    throw new Error(
      `schedule expression '${expression}': exactly one of day-of-month and day-of-week must be '?'`,
    );
  }
  return {
    kind: 'cron',
    minutes: field(expression, minutes, 0, 59),
    hours: field(expression, hours, 0, 23),
    daysOfMonth: dom === '?' ? null : field(expression, dom, 1, 31),
    months: field(expression, month, 1, 12, MONTHS),
    daysOfWeek: dow === '?' ? null : field(expression, dow, 1, 7, DAYS),
    years: year === '*' ? null : field(expression, year, 1970, 2199),
  };
}

function field(expression: string, text: string, min: number, max: number, names?: string[]): Set<number> {
  const values = new Set<number>();
  const value = (token: string) => {
    const named = names?.indexOf(token.toUpperCase()) ?? -1;
    const number = named >= 0 ? named + 1 : Number(token);
    if (!Number.isInteger(number) || number < min || number > max) {
      throw new Error(`schedule expression '${expression}': '${token}' is not a value from ${min} to ${max}`);
    }
    return number;
  };
  for (const part of text.split(',')) {
    if (/[LW#]/.test(part) && !names?.some((name) => part.toUpperCase().includes(name))) {
      throw new Error(`schedule expression '${expression}': '${part}' (L, W, #) is not supported locally`);
    }
    const [range = '*', stepText] = part.split('/');
    const step = stepText === undefined ? 1 : Number(stepText);
    const [from, to] =
      range === '*' || range === '?'
        ? [min, max]
        : range.includes('-')
          ? (range.split('-').map(value) as [number, number])
          : [value(range), stepText === undefined ? value(range) : max];
    for (let v = from; v <= to; v += step) values.add(v);
  }
  return values;
}

/**
 * Whether a schedule fires at least once on a calendar date in its time zone (the local pipeline
 * advances simulated time a day at a time).
 *
 * @example
 * firesOnDate(parseScheduleExpression('cron(0 4 1 * ? *)'), '2026-03-01'); // true
 */
export function firesOnDate(schedule: ScheduleExpression, isoDate: string): boolean {
  if (schedule.kind === 'rate') return true;
  const [year, month, day] = isoDate.split('-').map(Number) as [number, number, number];
  const weekday = new Date(Date.UTC(year, month - 1, day)).getUTCDay() + 1;
  if (!schedule.months.has(month)) return false;
  if (schedule.years && !schedule.years.has(year)) return false;
  if (schedule.daysOfMonth && !schedule.daysOfMonth.has(day)) return false;
  if (schedule.daysOfWeek && !schedule.daysOfWeek.has(weekday)) return false;
  return schedule.minutes.size > 0 && schedule.hours.size > 0;
}
