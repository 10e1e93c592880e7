import { ALLOWED_ORIGIN_PATTERN } from '../../protocol/protocol.ts';

/**
 * Allowed origins as the server accepts them (the protocol's pattern), checked here first so the
 * owner sees which line is wrong before saving.
 */
export const ORIGIN_PATTERN = new RegExp(ALLOWED_ORIGIN_PATTERN);

/** One origin a line; blank lines ignored; a trailing slash (as copied from the address bar) dropped. */
export function parseOrigins(text: string): { origins: string[]; invalid: string[] } {
  const lines = text.split(/\r?\n/).map((line) => line.trim().replace(/\/$/, '')).filter(Boolean);
  const origins = [...new Set(lines)];
  return { origins, invalid: origins.filter((origin) => !ORIGIN_PATTERN.test(origin)) };
}

/** The Parley server's origin, from the snippet's script src (PUBLIC_URL), for the CSP lines. */
export function serverOrigin(snippet: string, fallback: string): string {
  const match = /src="(https?:\/\/[^/"]+)/.exec(snippet);
  return match ? match[1]! : fallback;
}
