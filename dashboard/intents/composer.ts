/**
 * The composer's intents: replies and notes through the outbox (IndexedDB first, so offline
 * replies go out once the server is back; from any tab, the one holding the stream sends them),
 * drafts, and telling the visitor we are typing.
 */
import { nanoid } from 'nanoid';
import type { Connection } from '../live/connection.ts';
import { setDraft } from '../state/drafts.ts';
import type { ControllerDeps } from './deps.ts';

/** Typing "on" is repeated this often while the agent keeps typing, and "off" sent after this much quiet. */
const TYPING_REFRESH_MS = 3000;
const TYPING_IDLE_MS = 4000;

export function createComposerIntents(deps: ControllerDeps, connection: () => Connection | null) {
  const { api } = deps;
  let typingTo: string | null = null;
  let typingSentAt = 0;
  let typingTimer: unknown = null;

  function stopTyping(): void {
    deps.clearTimeout(typingTimer);
    if (typingTo) api.typing(typingTo, false).catch(() => {});
    typingTo = null;
  }

  return {
    stopTyping,

    /**
     * `suppressEmail`: this reply is never emailed to the visitor, even unread (issue 12).
     * `attachmentIds`: files uploaded already (issue 13); with them the text may be empty.
     */
    async sendReply(conversationId: string, body: string, internal: boolean, suppressEmail = false, attachmentIds: string[] = []): Promise<void> {
      const text = body.trim();
      const live = connection();
      if ((!text && attachmentIds.length === 0) || !live) return;
      setDraft(conversationId, '');
      if (!internal) stopTyping();
      await live.send({
        conversationId, body: text, internal, ...(suppressEmail && !internal ? { suppressEmail } : {}), ...(attachmentIds.length ? { attachmentIds } : {}),
      }, nanoid());
    },
    retryReply: (clientId: string) => connection()?.retry(clientId),
    discardReply: (clientId: string) => connection()?.discard(clientId),

    /** The composer changed: keep the draft and tell the visitor we are typing (not for notes). */
    composing(conversationId: string, text: string, internal: boolean): void {
      setDraft(conversationId, text);
      if (internal || !text.trim()) {
        if (typingTo) stopTyping();
        return;
      }
      if (typingTo !== conversationId || deps.now() - typingSentAt > TYPING_REFRESH_MS) {
        if (typingTo && typingTo !== conversationId) stopTyping();
        typingTo = conversationId;
        typingSentAt = deps.now();
        api.typing(conversationId, true).catch(() => {});
      }
      deps.clearTimeout(typingTimer);
      typingTimer = deps.setTimeout(stopTyping, TYPING_IDLE_MS);
    },
  };
}
