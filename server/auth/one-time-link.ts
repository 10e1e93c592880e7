/**
 * One-time links: an invitation, or a password reset that signs its holder in. The token is made
 * here and only its hash is stored (like a session's); the link carries it in the fragment, which
 * browsers never send to a server, so it reaches no log. Shared by the owner's Settings and the
 * `npm run login-link` command, so both make the same kind of link.
 */
import { REDEEM_PAGE, type LinkResponse, type User } from '../../protocol/protocol.ts';
import type { Invite, Store } from '../store/store.ts';
import { randomToken, sha256 } from './secrets.ts';

export async function createOneTimeLink(store: Store, publicUrl: string, invite: Invite): Promise<LinkResponse> {
  const token = randomToken();
  await store.createInvite(sha256(token), invite);
  return { url: `${publicUrl}${REDEEM_PAGE}#token=${token}&kind=${invite.kind}`, expiresAt: invite.expiresAt };
}

/** A password reset for this user: redeemed, it sets a new password, ends their other sessions and signs in. */
export const resetFor = (user: User, expiresAt: number): Invite => ({
  kind: 'reset', email: user.email, name: user.name, role: user.role, siteIds: user.siteIds, userId: user.id, expiresAt,
});
