/**
 * Signing in and out, and what lives exactly as long as a session: the live connection (one
 * stream and outbox for all of the agent's tabs), the read-receipt effect, the canned responses.
 * Also the account intents that end in a session: redeeming an invitation or reset link, and
 * changing one's password.
 */
import { batch, effect } from '@preact/signals';
import type { AgentStatus, Message, MeResponse } from '../../protocol/protocol.ts';
import { ApiError, NetworkError } from '../api.ts';
import { openConnection, type Connection, type EndReason } from '../live/connection.ts';
import { colleaguesLoaded } from '../state/agents.ts';
import { forgetAssignment } from '../state/assignment.ts';
import { availableLoaded } from '../state/canned.ts';
import * as conversation from '../state/conversation.ts';
import * as labels from '../state/labels.ts';
import * as queue from '../state/queue.ts';
import { viewsLoaded } from '../state/saved-views.ts';
import { routeChanged, routePath } from '../state/route.ts';
import * as session from '../state/session.ts';
import * as sites from '../state/sites.ts';
import { showToast } from '../state/ui.ts';
import { createHeldIntents } from '../held/held-intents.ts';
import { messageOf, type ControllerDeps } from './deps.ts';
import type { InboxIntents } from './inbox.ts';

const SESSION_ENDED = 'Your session has ended. Log in again; your unsent reply is kept.';
const ACCOUNT_DISABLED = 'This account is disabled. Ask an owner of this Parley to enable it again.';

/** Why a link cannot be used, the same when it is opened (account.ts checks it) as when it is submitted. */
export function linkRefusal(error: unknown): string {
  if (error instanceof ApiError && error.code === 'PARLEY_ERR_LINK_INVALID') {
    return 'This link has already been used or has expired. Ask your site owner for a new one.';
  }
  if (error instanceof ApiError && error.code === 'PARLEY_ERR_EMAIL_TAKEN') {
    return 'An account with this email already exists. Sign in instead, or ask your site owner for a password reset link.';
  }
  if (error instanceof ApiError && error.code === 'PARLEY_ERR_ACCOUNT_DISABLED') return ACCOUNT_DISABLED;
  if (error instanceof ApiError && error.code === 'PARLEY_ERR_RATE_LIMITED') return 'Too many attempts; wait a minute and try again.';
  return messageOf(error);
}
export const REVOKED = 'An administrator ended your session (your account may have been disabled). Ask your site owner if this is unexpected.';
/** What the login form says when a session ended for a reason another tab heard of. */
const NOTICES: Record<EndReason, string | null> = { revoked: REVOKED, expired: SESSION_ENDED, 'signed-out': null };

export function createSessionIntents(deps: ControllerDeps, inbox: InboxIntents, composer: { stopTyping(): void }) {
  const { api } = deps;
  let connection: Connection | null = null;
  let stopEffects: Array<() => void> = [];
  const held = createHeldIntents(deps);

  async function startSession(): Promise<void> {
    const user = session.user.value!;
    api.agents().then((result) => colleaguesLoaded(result.agents), () => {});
    api.canned().then((result) => availableLoaded(result.canned), () => {});
    const live = (connection = openConnection({
      api,
      userId: user.id,
      // The queue is the state the stream continues from; without an answer it is asked again.
      // Held email is read after the queue's cursor, so no email held before it can be missing.
      load: () => inbox.loadQueue(true).then((cursor) => { held.reload(); return cursor; }),
      onEvent: inbox.handleEvent,
      onResync: (reason) => { void inbox.resync(reason); held.reload(); },
      onEnded: (why) => endSession(NOTICES[why]),
      onDelivered: (_item, result) => {
        const message = (result.body as { message?: Message } | undefined)?.message;
        if (message) {
          queue.messageArrived(message);
          conversation.messageArrived(message);
        }
      },
      // Only for the user it was opened for: a stopped session's outbox must never send under the next user's cookie.
      canSend: () => session.phase.value === 'ready' && session.user.value?.id === user.id,
    }));
    stopEffects = [effect(inbox.markReadWhenSeen)];
    // The queue first, then the open conversation (and, in main.tsx, the conversation in the URL).
    await live.started;
    if (connection === live && conversation.openId.value) void inbox.loadConversation(conversation.openId.value, true);
  }

  /** The session is gone for every tab of this browser (they share its cookie): tell the others, then end here. */
  function endEverywhere(why: EndReason): void {
    connection?.ended(why);
    endSession(NOTICES[why]);
  }

  function endSession(notice: string | null): void {
    connection?.stop();
    connection = null;
    for (const stop of stopEffects) stop();
    stopEffects = [];
    inbox.forget();
    held.forget();
    batch(() => {
      queue.replaceAll([]);
      labels.reset();
      viewsLoaded([]);
      forgetAssignment();
      availableLoaded([]);
      sites.reset();
      session.signedOut(notice);
    });
  }

  async function begin(response: MeResponse): Promise<void> {
    if (connection) endSession(null);
    session.signedIn(response);
    await startSession();
  }

  return {
    connection: () => connection,

    async start(): Promise<void> {
      try {
        await begin(await api.me());
      } catch (error) {
        session.signedOut(error instanceof NetworkError ? 'The server cannot be reached; check your connection and try again.' : null);
      }
    },

    async login(email: string, password: string): Promise<void> {
      session.loginStarted();
      try {
        await begin(await api.login({ email, password }));
      } catch (error) {
        session.loginFailed(error instanceof ApiError && error.code === 'PARLEY_ERR_INVALID_CREDENTIALS' ? 'Wrong email or password.'
          : error instanceof ApiError && error.code === 'PARLEY_ERR_ACCOUNT_DISABLED' ? ACCOUNT_DISABLED
          : messageOf(error));
      }
    },

    async logout(): Promise<void> {
      composer.stopTyping();
      await api.logout().catch(() => {});
      endEverywhere('signed-out');
    },

    /** Any request answered 401: the session expired or was revoked. Drafts stay in drafts.ts. */
    sessionExpired(): void {
      if (session.phase.value === 'ready') endEverywhere('expired');
    },

    async setPresence(status: AgentStatus): Promise<void> {
      try {
        session.statusChanged((await api.setPresence(status)).status);
      } catch (error) {
        showToast(`Could not change your status: ${messageOf(error)}`, 'error');
      }
    },

    enableNotifications: () => deps.notifier.enable(),

    /**
     * An invitation or reset link (REDEEM_PAGE#token=…): sets the password, which logs in, then
     * the inbox. Answers the sentence to show when it did not work.
     */
    async redeem(token: string, name: string, password: string): Promise<string | null> {
      try {
        const response = await api.redeem({ token, password, ...(name.trim() ? { name: name.trim() } : {}) });
        const inboxRoute = { section: 'inbox' as const, conversationId: null };
        routeChanged(inboxRoute);
        deps.navigate(routePath(inboxRoute), true); // replaces the page whose fragment held the token
        await begin(response);
        return null;
      } catch (error) {
        return linkRefusal(error);
      }
    },

    /** Answers the sentence to show: null on success. */
    async changePassword(current: string, password: string): Promise<string | null> {
      try {
        await api.changePassword(current, password);
        return null;
      } catch (error) {
        if (error instanceof ApiError && error.code === 'PARLEY_ERR_INVALID_CREDENTIALS') return 'The current password is wrong.';
        return messageOf(error);
      }
    },
  };
}
