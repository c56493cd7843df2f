// A location's business calendar. K-Series reports days as business days that start at a
// merchant-configured local time (e.g. 05:00 in the location's time zone), not at midnight UTC:
// the time zone comes from /f/data/businesses, the start of day from `nextStartOfDayAsIso8601`.
export interface BusinessCalendar {
  timezone: string;
  /** Local time at which a business day starts, "HH:MM". */
  startOfDay: string;
  /** "kseries" once learnt from K-Series; "default" (UTC midnight) before the first sync. */
  source: 'kseries' | 'default';
}

export const DEFAULT_CALENDAR: BusinessCalendar = { timezone: 'UTC', startOfDay: '00:00', source: 'default' };

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const DAY_MS = 24 * 3600 * 1000;

export function isValidTimezone(timezone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: timezone });
    return true;
  } catch {
    return false;
  }
}

/** "05:30" from "2023-07-28T05:30:00-05:00": the local time of day K-Series says a day starts. */
export function startOfDayFrom(iso: string | undefined): string | null {
  const match = iso ? /T(\d{2}):(\d{2})/.exec(iso) : null;
  return match ? `${match[1]}:${match[2]}` : null;
}

const formatters = new Map<string, Intl.DateTimeFormat>();
function formatter(timezone: string): Intl.DateTimeFormat {
  let f = formatters.get(timezone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone: timezone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    formatters.set(timezone, f);
  }
  return f;
}

/** Wall-clock fields of an instant in a time zone, as a UTC timestamp (ms). */
function wallClock(timezone: string, ms: number): number {
  const parts = Object.fromEntries(
    formatter(timezone)
      .formatToParts(new Date(ms))
      .map((p) => [p.type, p.value]),
  );
  return Date.UTC(
    Number(parts.year),
    Number(parts.month) - 1,
    Number(parts.day),
    Number(parts.hour),
    Number(parts.minute),
    Number(parts.second),
  );
}

/** The instant at which `date` `time` happens in `timezone` (DST-aware). */
export function zonedInstant(timezone: string, date: string, time: string): Date {
  const [, y, m, d] = DATE.exec(date) ?? [];
  const [hh, mm] = time.split(':').map(Number);
  const guess = Date.UTC(Number(y), Number(m) - 1, Number(d), hh ?? 0, mm ?? 0);
  let result = guess - (wallClock(timezone, guess) - guess);
  // Near a DST change the offset at the result can differ from the one at the guess.
  const corrected = guess - (wallClock(timezone, result) - result);
  if (corrected !== result) result = corrected;
  return new Date(result);
}

export function addDays(date: string, days: number): string {
  const [, y, m, d] = DATE.exec(date) ?? [];
  return new Date(Date.UTC(Number(y), Number(m) - 1, Number(d)) + days * DAY_MS).toISOString().slice(0, 10);
}

/** Whole days from `from` to `to` (0 when equal). */
export function daysBetween(from: string, to: string): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / DAY_MS);
}

/** [start, end) of the business days `fromDate`..`toDate` (inclusive). */
export function businessDayBounds(
  calendar: BusinessCalendar,
  fromDate: string,
  toDate: string,
): { start: Date; end: Date } {
  return {
    start: zonedInstant(calendar.timezone, fromDate, calendar.startOfDay),
    end: zonedInstant(calendar.timezone, addDays(toDate, 1), calendar.startOfDay),
  };
}

/** The business date an instant belongs to. */
export function businessDateOf(calendar: BusinessCalendar, instant: Date): string {
  const [hh, mm] = calendar.startOfDay.split(':').map(Number);
  const shifted = wallClock(calendar.timezone, instant.getTime()) - ((hh ?? 0) * 60 + (mm ?? 0)) * 60_000;
  return new Date(shifted).toISOString().slice(0, 10);
}

/** "HH:MM" as a Postgres interval literal, for grouping by business date in SQL. */
export function startOfDayInterval(calendar: BusinessCalendar): string {
  return `${calendar.startOfDay}:00`;
}

/** K-Series path timestamps: ISO-8601 UTC without milliseconds. */
export function kseriesInstant(date: Date): string {
  return date.toISOString().replace(/\.\d{3}Z$/, 'Z');
}
