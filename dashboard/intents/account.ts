/**
 * The signed-in person's own profile (the name and avatar visitors see beside replies), and what an
 * invitation or reset link is for, asked as soon as its page opens: a used or expired link says so
 * before anyone types a password. Each answers the sentence to show when it did not work.
 */
import type { LinkInfo, UpdateAccountRequest } from '../../protocol/protocol.ts';
import { ApiError } from '../api.ts';
import * as session from '../state/session.ts';
import { messageOf, type ControllerDeps } from './deps.ts';
import { linkRefusal } from './session.ts';

export function createAccountIntents(deps: ControllerDeps) {
  const { api } = deps;
  return {
    /** The link's purpose, or why it cannot be used (the same sentence submitting it would give). */
    async checkLink(token: string): Promise<{ link: LinkInfo; refusal: null } | { link: null; refusal: string }> {
      try {
        return { link: await api.checkLink(token), refusal: null };
      } catch (error) {
        return { link: null, refusal: linkRefusal(error) };
      }
    },

    async updateProfile(patch: UpdateAccountRequest): Promise<string | null> {
      try {
        session.userChanged((await api.updateAccount(patch)).user);
        return null;
      } catch (error) {
        if (error instanceof ApiError && error.status === 401) return null; // back to login already
        if (error instanceof ApiError && error.code === 'PARLEY_ERR_BAD_REQUEST') return 'Give a name, and an avatar address starting with https:// (or none).';
        return messageOf(error);
      }
    },
  };
}
