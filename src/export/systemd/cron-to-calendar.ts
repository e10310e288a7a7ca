// A cron expression (5 fields, or 6 with seconds first: what croner reads for pm's scheduler) as
// systemd OnCalendar= expressions (systemd.time(7)): numbers, lists, ranges, steps, `*`, month and
// day names, `L` as the last day of the month. What has no equivalent (`W`, `#`, `L` on a weekday)
// is refused with the reason, for the report.

export type CalendarResult = { calendars: string[] } | { problem: string };

interface FieldRange {
  min: number;
  max: number;
  names?: readonly string[];
}

const MONTHS = ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'];
const DAYS = ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'];
const SYSTEMD_DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];

const SECOND: FieldRange = { min: 0, max: 59 };
const MINUTE: FieldRange = { min: 0, max: 59 };
const HOUR: FieldRange = { min: 0, max: 23 };
const DAY_OF_MONTH: FieldRange = { min: 1, max: 31 };
const MONTH: FieldRange = { min: 1, max: 12, names: MONTHS };
// 7 is Sunday too, as in cron.
const WEEKDAY: FieldRange = { min: 0, max: 7, names: DAYS };

class Unconvertible extends Error {}

function parseValue(text: string, range: FieldRange): number {
  const named = range.names?.indexOf(text.toUpperCase()) ?? -1;
  const value = named >= 0 ? named + (range === MONTH ? 1 : 0) : /^\d+$/.test(text) ? Number(text) : NaN;
  if (!(value >= range.min && value <= range.max)) throw new Unconvertible(`"${text}" is not a value here`);
  return value;
}

interface Part {
  from: number;
  to: number | null;
  step: number | null;
}

/** `*`, `a`, `a-b`, each with an optional `/step`; `*` is the whole range. */
function parsePart(text: string, range: FieldRange): Part {
  const [base, stepText, extra] = text.split('/');
  if (extra !== undefined || base === undefined || base === '') throw new Unconvertible(`"${text}"`);
  const step = stepText === undefined ? null : Number(stepText);
  if (step !== null && !(Number.isInteger(step) && step > 0)) throw new Unconvertible(`step in "${text}"`);
  if (base === '*' || base === '?') return { from: range.min, to: step === null ? null : range.max, step };
  const [low, high, more] = base.split('-');
  if (more !== undefined) throw new Unconvertible(`"${text}"`);
  const from = parseValue(low!, range);
  const to = high === undefined ? null : parseValue(high, range);
  if (to !== null && to < from) throw new Unconvertible(`the range "${base}" wraps around`);
  return { from, to, step };
}

const isWildcard = (field: string) => field === '*' || field === '?';
const pad = (value: number) => String(value).padStart(2, '0');

/** A numeric field: `*`, `a`, `a..b`, `a/n`, `a..b/n`, joined with commas. */
function convertNumeric(field: string, range: FieldRange): string {
  if (isWildcard(field)) return '*';
  return field
    .split(',')
    .map((text) => {
      const part = parsePart(text, range);
      const stepped = part.step === null ? '' : `/${part.step}`;
      // `a/n` runs to the end of the range in both cron and systemd; `*/n` starts at the minimum.
      if (part.to === null || (part.step !== null && part.to === range.max && !text.includes('-')))
        return `${pad(part.from)}${stepped}`;
      return `${pad(part.from)}..${pad(part.to)}${stepped}`;
    })
    .join(',');
}

/** The days of a weekday field (0 = 7 = Sunday), as systemd's names with `..` for runs. */
function convertWeekdays(field: string): string {
  const days = new Set<number>();
  for (const text of field.split(',')) {
    const part = parsePart(text, WEEKDAY);
    const to = part.to ?? (part.step === null ? part.from : WEEKDAY.max);
    for (let day = part.from; day <= to; day += part.step ?? 1) days.add(day % 7);
  }
  const sorted = [...days].sort((a, b) => a - b);
  const runs: string[] = [];
  for (let i = 0; i < sorted.length; ) {
    let j = i;
    while (j + 1 < sorted.length && sorted[j + 1] === sorted[j]! + 1) j++;
    const [first, last] = [SYSTEMD_DAYS[sorted[i]!]!, SYSTEMD_DAYS[sorted[j]!]!];
    runs.push(j === i ? first : j === i + 1 ? `${first},${last}` : `${first}..${last}`);
    i = j + 1;
  }
  return runs.join(',');
}

/** `L` (the month's last day) is `~01` in systemd; other day-of-month fields are numeric. */
function convertDayOfMonth(field: string): { separator: '-' | '~'; value: string } {
  if (field.toUpperCase() === 'L') return { separator: '~', value: '01' };
  return { separator: '-', value: convertNumeric(field, DAY_OF_MONTH) };
}

/** OnCalendar= lines for `cron` in `timezone`; two when both day fields are set (cron ORs them). */
export function cronToCalendar(cron: string, timezone?: string): CalendarResult {
  const fields = cron.trim().split(/\s+/);
  if (fields.length !== 5 && fields.length !== 6)
    return { problem: `found ${fields.length} fields, expected 5 or 6` };
  const [second, minute, hour, dayOfMonth, month, weekday] = fields.length === 6 ? fields : ['0', ...fields];
  // Names (JAN, SAT) hold these letters too: look at what is left without them.
  const special = (field: string) => /[LW#]/i.test(field.replace(/[A-Z]{3}/gi, ''));
  const unsupported = fields.find((field) => special(field) && field.toUpperCase() !== 'L');
  if (unsupported !== undefined || special(weekday!))
    return { problem: `"${unsupported ?? weekday}" (W, #, L on a weekday) has no OnCalendar= equivalent` };
  try {
    const time = [
      convertNumeric(hour!, HOUR),
      convertNumeric(minute!, MINUTE),
      convertNumeric(second!, SECOND),
    ];
    const day = convertDayOfMonth(dayOfMonth!);
    const date = (dom: { separator: string; value: string }) =>
      `*-${convertNumeric(month!, MONTH)}${dom.separator}${dom.value}`;
    const zone = timezone ? ` ${timezone}` : '';
    const at = (weekdays: string | null, dom: { separator: string; value: string }) =>
      `${weekdays ? `${weekdays} ` : ''}${date(dom)} ${time.join(':')}${zone}`;
    const wildDom = isWildcard(dayOfMonth!);
    const wildDow = isWildcard(weekday!);
    // Vixie cron (and croner) run when either day field matches if both are restricted; systemd ANDs
    // the parts of one expression, and a timer with several OnCalendar= fires on any of them.
    if (!wildDom && !wildDow)
      return { calendars: [at(null, day), at(convertWeekdays(weekday!), { separator: '-', value: '*' })] };
    return { calendars: [at(wildDow ? null : convertWeekdays(weekday!), day)] };
  } catch (error) {
    if (error instanceof Unconvertible) return { problem: `${error.message} cannot be converted` };
    throw error;
  }
}
