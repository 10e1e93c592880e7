/**
 * Which browser origins may use a site's widget API. Patterns are exact origins
 * ("https://shop.example.com") or one leading wildcard label ("https://*.example.com", which
 * matches subdomains at any depth but not example.com itself). Scheme and port must match exactly.
 */
export function originAllowed(origin: string, patterns: string[]): boolean {
  let parsed: URL;
  try {
    parsed = new URL(origin);
  } catch {
    return false;
  }
  if (parsed.origin !== origin) return false;
  return patterns.some((pattern) => {
    if (pattern === origin) return true;
    const match = /^(https?):\/\/\*\.([^/:]+)(:\d+)?$/.exec(pattern);
    if (!match) return false;
    const [, scheme, domain, port = ''] = match;
    return parsed.protocol === `${scheme}:` && (parsed.port ? `:${parsed.port}` : '') === port
      && parsed.hostname.endsWith(`.${domain}`);
  });
}

/**
 * The form browsers send an origin in: lower-case host, no default port. A pattern saved as
 * "https://Shop.example.com:443" would otherwise never match anything.
 */
export function normalizeOrigin(pattern: string): string {
  const wildcard = pattern.match(/^(https?:\/\/)\*\.(.*)$/i);
  const url = new URL(wildcard ? `${wildcard[1]}wildcard.${wildcard[2]}` : pattern);
  const origin = url.origin.toLowerCase();
  return wildcard ? origin.replace('//wildcard.', '//*.') : origin;
}
