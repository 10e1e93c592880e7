/**
 * Whether a site is within its business hours at a moment, in the site's time zone. Shared by
 * the widget (which offers email capture outside hours) and the dashboard's preview; small, and
 * using only Intl, so it costs the widget a few hundred bytes.
 */
import type { BusinessHours } from './protocol.ts';

const formats = new Map<string, Intl.DateTimeFormat>();

/** The weekday (0 = Sunday) and "HH:MM" of a moment in a time zone. */
export function localTime(timeZone: string, at: Date): { day: number; time: string } {
  let format = formats.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-US', { timeZone, weekday: 'short', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
    formats.set(timeZone, format);
  }
  const parts = Object.fromEntries(format.formatToParts(at).map((p) => [p.type, p.value]));
  return { day: ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'].indexOf(parts.weekday!), time: `${parts.hour}:${parts.minute}` };
}

/** No hours set means always open. A range "09:00"–"17:30" includes 09:00 and excludes 17:30. */
export function isOpen(hours: BusinessHours | null, at: Date = new Date()): boolean {
  if (!hours) return true;
  let local: { day: number; time: string };
  try {
    local = localTime(hours.timeZone, at);
  } catch {
    return true; // An unknown time zone must not hide the chat.
  }
  return (hours.days[local.day] ?? []).some(([from, to]) => local.time >= from && local.time < to);
}
