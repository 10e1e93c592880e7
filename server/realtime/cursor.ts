/**
 * Where a stream or poll resumes from: the `Last-Event-ID` header (what EventSource sends on a
 * reconnect) or else the query string. An empty value means "from now", like no value at all: an
 * empty string is not a cursor, and treating it as one would answer with a needless reset.
 */
export function requestedCursor(...candidates: unknown[]): string | null {
  for (const value of candidates) if (typeof value === 'string' && value !== '') return value;
  return null;
}
