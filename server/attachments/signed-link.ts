/**
 * Short-lived signed links to files (issue 13): what an `<img src>` or a download link can carry
 * instead of a credential. The signature covers the file's id and the expiry, with the server's
 * secret; it grants that one file, until then, to whoever holds the link. Who may get a link at
 * all is decided where links are handed out (attachment-routes.ts).
 */
import { createHmac } from 'node:crypto';
import { FILE_PATH, LIMITS, path } from '../../protocol/protocol.ts';
import { safeEqual } from '../auth/secrets.ts';

const mac = (secret: string, id: string, expiresAt: number) =>
  createHmac('sha256', secret).update(`attachment:${id}:${expiresAt}`).digest('base64url');

/**
 * The link, a path on this server, and its expiry. The expiry is rounded up to a whole minute so
 * that the same file listed twice within a minute gets the same URL, which browsers then cache.
 */
export function signLink(secret: string, id: string, now: number): { url: string; expiresAt: number } {
  const expiresAt = Math.ceil((now + LIMITS.attachmentLinkTtlMs) / 60_000) * 60_000;
  return { url: `${path(FILE_PATH, { attachmentId: id })}?expires=${expiresAt}&sig=${mac(secret, id, expiresAt)}`, expiresAt };
}

export function linkValid(secret: string, id: string, expiresAt: number, sig: string, now: number): boolean {
  return expiresAt > now && safeEqual(sig, mac(secret, id, expiresAt));
}
