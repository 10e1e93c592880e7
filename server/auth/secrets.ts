/**
 * Tokens, hashes and signed tickets. Long-lived secrets (visitor tokens, session cookies) are
 * stored only as SHA-256 hashes, so a copy of the database cannot be replayed as credentials.
 */
import { createHash, createHmac, randomBytes, scrypt, timingSafeEqual } from 'node:crypto';
import { promisify } from 'node:util';

const scryptAsync = promisify(scrypt) as (password: string, salt: Buffer, keylen: number, options: object) => Promise<Buffer>;

export const randomToken = (bytes = 32): string => randomBytes(bytes).toString('base64url');
export const sha256 = (text: string): string => createHash('sha256').update(text).digest('base64url');

export function safeEqual(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}

// scrypt with OWASP's recommended cost (N=2^17, r=8, p=1); the parameters are stored with each hash.
const SCRYPT = { N: 2 ** 17, r: 8, p: 1, maxmem: 256 * 1024 * 1024 };

export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16);
  const key = await scryptAsync(password.normalize('NFKC'), salt, 32, SCRYPT);
  return `scrypt$${SCRYPT.N}$${SCRYPT.r}$${SCRYPT.p}$${salt.toString('base64url')}$${key.toString('base64url')}`;
}

export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const [scheme, n, r, p, salt, hash] = stored.split('$');
  if (scheme !== 'scrypt' || !salt || !hash) return false;
  const expected = Buffer.from(hash, 'base64url');
  const key = await scryptAsync(password.normalize('NFKC'), Buffer.from(salt, 'base64url'), expected.length,
    { N: Number(n), r: Number(r), p: Number(p), maxmem: SCRYPT.maxmem });
  return timingSafeEqual(key, expected);
}

/**
 * Short-lived, single-purpose tickets: `<base64url payload>.<HMAC>`. Used where a credential must
 * travel in a URL (EventSource cannot send headers), so the long-lived token never does.
 */
export function signTicket(secret: string, purpose: string, subject: string, expiresAt: number): string {
  const payload = Buffer.from(JSON.stringify({ p: purpose, s: subject, e: expiresAt })).toString('base64url');
  return `${payload}.${createHmac('sha256', secret).update(payload).digest('base64url')}`;
}

export function verifyTicket(secret: string, purpose: string, ticket: string, now: number): string | null {
  const [payload, mac] = ticket.split('.');
  if (!payload || !mac) return null;
  if (!safeEqual(mac, createHmac('sha256', secret).update(payload).digest('base64url'))) return null;
  try {
    const { p, s, e } = JSON.parse(Buffer.from(payload, 'base64url').toString());
    return p === purpose && typeof s === 'string' && typeof e === 'number' && e > now ? s : null;
  } catch {
    return null;
  }
}

/** The identity proof a site's own server computes: hex HMAC-SHA256 of the user id with the site secret. */
export function identityHash(siteSecret: string, id: string): string {
  return createHmac('sha256', siteSecret).update(id).digest('hex');
}
