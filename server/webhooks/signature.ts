/**
 * Webhook signatures (issue 15): `X-Parley-Signature: sha256=<hex HMAC-SHA256(secret, "<timestamp>.<body>")>`
 * with `X-Parley-Timestamp: <Unix seconds>`. The timestamp is inside what is signed, so an old
 * delivery replayed by someone who captured it fails the receiver's window check, and a fresh
 * timestamp cannot be put on it without the secret. verifySignature is what docs/webhooks.md
 * shows receivers (and what the tests check deliveries with).
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { WEBHOOK_LIMITS } from '../../protocol/protocol.ts';
import { randomToken } from '../auth/secrets.ts';

/** A new endpoint secret: 192 random bits, prefixed so it is recognisable in a config file. */
export const newWebhookSecret = (): string => `whsec_${randomToken(24)}`;

export function signWebhook(secret: string, timestamp: number, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`;
}

/** True when the signature is the secret's for this timestamp and body, and the timestamp is within the window of `nowSeconds`. */
export function verifySignature(input: { secret: string; signature: string; timestamp: string; body: string; nowSeconds: number; windowSeconds?: number }): boolean {
  const timestamp = Number(input.timestamp);
  if (!/^\d+$/.test(input.timestamp) || Math.abs(input.nowSeconds - timestamp) > (input.windowSeconds ?? WEBHOOK_LIMITS.replayWindowSeconds)) return false;
  const expected = Buffer.from(signWebhook(input.secret, timestamp, input.body));
  const given = Buffer.from(input.signature);
  return expected.length === given.length && timingSafeEqual(expected, given);
}
