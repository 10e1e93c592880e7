/**
 * Allowed origins as the server accepts them (server/http/admin-routes.ts): an exact origin
 * ("https://shop.example.com", port allowed) or a wildcard subdomain ("https://*.example.com").
 * Checked here first so the owner sees which line is wrong before saving.
 */
export const ORIGIN_PATTERN = /^https?:\/\/(\*\.)?[A-Za-z0-9.-]+(:\d+)?$/;

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
