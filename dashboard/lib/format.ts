/** Small formatting helpers for times and durations shown to agents. */

/** "45 s", "3 min", "2 h 5 min", "3 d" — how long someone has waited. */
export function formatDuration(ms: number): string {
  const seconds = Math.max(0, Math.floor(ms / 1000));
  if (seconds < 60) return `${seconds} s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes} min`;
  const hours = Math.floor(minutes / 60);
  if (hours < 24) return minutes % 60 ? `${hours} h ${minutes % 60} min` : `${hours} h`;
  return `${Math.floor(hours / 24)} d`;
}

/** Clock time of a message; the date too when it is not today. */
export function formatMessageTime(at: number, now: number): string {
  const date = new Date(at);
  const sameDay = new Date(now).toDateString() === date.toDateString();
  return sameDay
    ? date.toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit' })
    : date.toLocaleString(undefined, { month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit' });
}

/** The visitor's wall-clock time, e.g. "14:05 (Europe/Paris)"; null for an unknown zone. */
export function localTimeIn(timeZone: string | undefined, now: number): string | null {
  if (!timeZone) return null;
  try {
    const time = new Date(now).toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit', timeZone });
    return `${time} (${timeZone})`;
  } catch {
    return null;
  }
}
