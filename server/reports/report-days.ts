/**
 * The days of a report period in the owner's time zone: where each local day starts, as epoch ms,
 * for the store to count by (ReportInput.bounds). Days are not all 24 hours long: a day on which
 * the clocks change is 23 or 25, and its bounds say so. Only Intl, no time-zone tables of our own.
 */

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const DAY_MS = 86_400_000;

/** Milliseconds to add to UTC to get the zone's wall clock at `at`. */
function offsetAt(format: Intl.DateTimeFormat, at: number): number {
  const p = Object.fromEntries(format.formatToParts(at).map((part) => [part.type, part.value]));
  const wall = Date.UTC(Number(p.year), Number(p.month) - 1, Number(p.day), Number(p.hour) % 24, Number(p.minute), Number(p.second));
  return wall - Math.floor(at / 1000) * 1000;
}

/** The instant the zone's wall clock shows 00:00 on this date (or the first instant after, when a change skips midnight). */
function localMidnight(format: Intl.DateTimeFormat, utcMidnight: number): number {
  // Twice: the offset at the first guess may be the other side of a change.
  let at = utcMidnight - offsetAt(format, utcMidnight);
  at = utcMidnight - offsetAt(format, at);
  return at;
}

/** A YYYY-MM-DD that names a real day, as its UTC midnight; null otherwise. */
export function parseDate(text: string): number | null {
  const match = DATE.exec(text);
  if (!match) return null;
  const at = Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3]));
  return new Date(at).toISOString().slice(0, 10) === text ? at : null;
}

export function validTimeZone(timeZone: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone });
    return true;
  } catch {
    return false;
  }
}

/** Today's date in the zone, as YYYY-MM-DD. */
export function todayIn(timeZone: string, now: number): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(now);
}

/**
 * Every date from `from` to `to` (inclusive, YYYY-MM-DD, from ≤ to, a valid zone: the caller
 * checked) and the bounds of those days: dates.length + 1 instants, ascending.
 */
export function dayBounds(from: string, to: string, timeZone: string): { dates: string[]; bounds: number[] } {
  const first = parseDate(from)!;
  const last = parseDate(to)!;
  const format = new Intl.DateTimeFormat('en-US', {
    timeZone, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit',
  });
  const dates: string[] = [];
  const bounds: number[] = [];
  for (let day = first; day <= last + DAY_MS; day += DAY_MS) {
    if (day <= last) dates.push(new Date(day).toISOString().slice(0, 10));
    bounds.push(localMidnight(format, day));
  }
  return { dates, bounds };
}
