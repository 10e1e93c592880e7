/**
 * Which of Parley's reply addresses an email was sent to (issue 12). Outgoing email says
 * `Reply-To: reply+<token>@<INBOUND_EMAIL_DOMAIN>`; `reply@<domain>` without a token is accepted
 * too, because some mail systems strip the `+tag` of an address, and such a reply can still be
 * matched by its References. Anything else at the domain is no mailbox; another domain is relaying.
 */

export type ReplyAddress =
  | { kind: 'token'; token: string }
  | { kind: 'bare' }
  | { kind: 'no-mailbox' }
  | { kind: 'other-domain' };

const LOCAL = /^reply(?:\+([^@]*))?$/i;

/** `domain` null: any domain (the webhook before INBOUND_EMAIL_DOMAIN is set; the token decides). */
export function replyAddress(address: string, domain: string | null): ReplyAddress {
  const at = address.lastIndexOf('@');
  if (at <= 0) return { kind: 'no-mailbox' };
  const local = address.slice(0, at);
  const host = address.slice(at + 1).replace(/\.$/, '').toLowerCase();
  if (domain !== null && host !== domain) return { kind: 'other-domain' };
  const match = LOCAL.exec(local);
  if (!match) return { kind: 'no-mailbox' };
  return match[1] === undefined ? { kind: 'bare' } : { kind: 'token', token: match[1].toLowerCase() };
}

/** Every address in a header value or list of them ("Ann <a@x>, b@y"), without names or brackets. */
export function addressesIn(value: unknown): string[] {
  if (value == null) return [];
  if (Array.isArray(value)) return value.flatMap(addressesIn);
  if (typeof value === 'object' && 'value' in value) {
    return ((value as { value: Array<{ address?: string; group?: unknown[] }> }).value).flatMap((entry) =>
      entry.group ? addressesIn({ value: entry.group }) : entry.address ? [entry.address] : []);
  }
  return String(value).match(/[^\s<>,;:"']+@[^\s<>,;:"']+/g) ?? [];
}
