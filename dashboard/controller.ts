/**
 * Everything an agent can ask for, as intents: each calls the API and records the outcome through
 * the state modules' actions. Components call these and render state; they never fetch. Built
 * once by main.tsx with its dependencies, so tests can pass fakes.
 */
import { batch, effect } from '@preact/signals';
import { nanoid } from 'nanoid';
import type { ResyncReason } from '../client/transport.ts';
import type { AgentStatus, ConversationView, WireEvent } from '../protocol/protocol.ts';
import { ApiError, NetworkError, type Api } from './api.ts';
import { applyEvent } from './live/apply-event.ts';
import { openConnection, type Connection } from './live/connection.ts';
import type { Notifier } from './live/notifier.ts';
import { colleaguesLoaded } from './state/agents.ts';
import * as conversation from './state/conversation.ts';
import { setDraft } from './state/drafts.ts';
import * as queue from './state/queue.ts';
import * as session from './state/session.ts';
import { pageVisible, showToast } from './state/ui.ts';

export interface ControllerDeps {
  api: Api;
  notifier: Notifier;
  now: () => number;
  setTimeout: (fn: () => void, ms: number) => unknown;
  clearTimeout: (handle: unknown) => void;
  /** Reflects the open conversation in the address bar. */
  navigate: (conversationId: string | null) => void;
}

/** Typing "on" is repeated this often while the agent keeps typing, and "off" sent after this much quiet. */
const TYPING_REFRESH_MS = 3000;
const TYPING_IDLE_MS = 4000;
const SESSION_ENDED = 'Your session has ended. Log in again; your unsent reply is kept.';

const messageOf = (error: unknown): string =>
  error instanceof NetworkError ? 'The server cannot be reached right now; try again in a moment.'
    : error instanceof Error ? error.message : String(error);

export function createController(deps: ControllerDeps) {
  const { api } = deps;
  let connection: Connection | null = null;
  let stopEffects: Array<() => void> = [];
  let typingTo: string | null = null;
  let typingSentAt = 0;
  let typingTimer: unknown = null;
  let searchTimer: unknown = null;
  const readSent = new Map<string, number>();

  function handleEvent(event: WireEvent): void {
    applyEvent(event, {
      now: deps.now,
      onNewConversation: (c) => deps.notifier.notify('New conversation', c.preview ?? 'A visitor is waiting', c.id, () => void open(c.id)),
      onVisitorMessage: (message) => {
        const c = queue.conversations.value.get(message.conversationId);
        const mine = c?.assignee?.id === session.user.value?.id;
        const watching = conversation.openId.value === message.conversationId && pageVisible.value;
        if (!watching && (mine || c?.status === 'waiting')) {
          deps.notifier.notify('New message', message.body.slice(0, 120), message.conversationId, () => void open(message.conversationId));
        }
      },
    });
  }

  async function loadQueue(replace: boolean): Promise<string> {
    queue.loadingChanged(true);
    try {
      const open = await api.conversations('open');
      if (replace) queue.replaceAll(open.conversations);
      else queue.listLoaded(open.conversations);
      const which = queue.view.value;
      if (which === 'resolved' || which === 'all') queue.listLoaded((await api.conversations(which)).conversations);
      return open.cursor;
    } finally {
      queue.loadingChanged(false);
    }
  }

  async function loadConversation(id: string, replace = false): Promise<void> {
    const known = conversation.messages.value;
    const after = !replace && known.length > 0 ? known[known.length - 1]!.seq : undefined;
    conversation.loadingChanged(true);
    try {
      const [detail, page] = await Promise.all([api.conversation(id), api.messages(id, after === undefined ? {} : { after })]);
      queue.conversationChanged(detail.conversation);
      conversation.detailLoaded(detail);
      conversation.messagesLoaded(id, page.messages);
      // Catching up after a gap may need more than one page.
      let last = page.messages.at(-1)?.seq;
      let more = after !== undefined && page.messages.length === 100;
      while (more && last !== undefined) {
        const next = await api.messages(id, { after: last });
        conversation.messagesLoaded(id, next.messages);
        last = next.messages.at(-1)?.seq ?? last;
        more = next.messages.length === 100;
      }
    } catch (error) {
      if (!(error instanceof ApiError && error.status === 401)) showToast(messageOf(error), 'error');
    } finally {
      conversation.loadingChanged(false);
    }
  }

  /** After a reset or a reconnect nothing that happened meanwhile may be missing: refetch. */
  async function resync(reason: ResyncReason): Promise<void> {
    try {
      await loadQueue(reason === 'reset');
      const id = conversation.openId.value;
      if (id) await loadConversation(id, reason === 'reset');
      colleaguesLoaded((await api.agents()).agents);
    } catch { /* the transport tries again and calls back */ }
  }

  async function startSession(): Promise<void> {
    const user = session.user.value!;
    const cursor = await loadQueue(true).catch(() => session.me.value!.cursor);
    api.agents().then((result) => colleaguesLoaded(result.agents), () => {});
    connection = openConnection({
      api,
      userId: user.id,
      cursor,
      onEvent: handleEvent,
      onResync: (reason) => void resync(reason),
      onRevoked: () => endSession('Your session was ended by an administrator.'),
      onDelivered: (_item, result) => {
        const message = (result.body as { message?: import('../protocol/protocol.ts').Message } | undefined)?.message;
        if (message) {
          queue.messageArrived(message);
          conversation.messageArrived(message);
        }
      },
      canSend: () => session.phase.value === 'ready',
    });
    stopEffects = [effect(markReadWhenSeen)];
    if (conversation.openId.value) void loadConversation(conversation.openId.value, true);
  }

  function markReadWhenSeen(): void {
    const c = conversation.current.value;
    if (!c || !pageVisible.value || conversation.messages.value.length === 0) return;
    if (c.lastSeq <= c.agentReadSeq || (readSent.get(c.id) ?? 0) >= c.lastSeq) return;
    readSent.set(c.id, c.lastSeq);
    api.read(c.id, c.lastSeq).then((result) => queue.conversationChanged(result.conversation), () => readSent.delete(c.id));
  }

  function endSession(notice: string | null): void {
    connection?.stop();
    connection = null;
    for (const stop of stopEffects) stop();
    stopEffects = [];
    readSent.clear();
    batch(() => {
      queue.replaceAll([]);
      session.signedOut(notice);
    });
  }

  async function open(id: string | null): Promise<void> {
    if (conversation.openId.value === id) return;
    stopTyping();
    conversation.opened(id);
    if (id) queue.cursorSet(id);
    deps.navigate(id);
    if (id) await loadConversation(id, true);
  }

  async function act(name: string, run: () => Promise<{ conversation: import('../protocol/protocol.ts').Conversation }>): Promise<boolean> {
    conversation.actionFailed(null);
    try {
      queue.conversationChanged((await run()).conversation);
      return true;
    } catch (error) {
      if (error instanceof ApiError && error.code === 'PARLEY_ERR_ALREADY_CLAIMED') {
        const assignee = error.details.assignee as { name?: string } | undefined;
        conversation.actionFailed(`${assignee?.name ?? 'Another agent'} has already taken this conversation.`);
        // Our copy is stale; the stream's update may still be on its way.
        const id = conversation.openId.value;
        if (id) void loadConversation(id);
      } else if (!(error instanceof ApiError && error.status === 401)) {
        conversation.actionFailed(`Could not ${name}: ${messageOf(error)}`);
      }
      return false;
    }
  }

  function stopTyping(): void {
    deps.clearTimeout(typingTimer);
    if (typingTo) api.typing(typingTo, false).catch(() => {});
    typingTo = null;
  }

  return {
    async start(): Promise<void> {
      try {
        session.signedIn(await api.me());
        await startSession();
      } catch (error) {
        session.signedOut(error instanceof NetworkError ? 'The server cannot be reached; check your connection and try again.' : null);
      }
    },

    async login(email: string, password: string): Promise<void> {
      session.loginStarted();
      try {
        session.signedIn(await api.login({ email, password }));
        await startSession();
      } catch (error) {
        session.loginFailed(error instanceof ApiError && error.code === 'PARLEY_ERR_INVALID_CREDENTIALS' ? 'Wrong email or password.' : messageOf(error));
      }
    },

    async logout(): Promise<void> {
      stopTyping();
      await api.logout().catch(() => {});
      endSession(null);
    },

    /** Any request answered 401: the session expired or was revoked. Drafts stay in drafts.ts. */
    sessionExpired(): void {
      if (session.phase.value === 'ready') endSession(SESSION_ENDED);
    },

    async setPresence(status: AgentStatus): Promise<void> {
      try {
        session.statusChanged((await api.setPresence(status)).status);
      } catch (error) {
        showToast(`Could not change your status: ${messageOf(error)}`, 'error');
      }
    },

    async setView(next: ConversationView): Promise<void> {
      queue.viewChanged(next);
      queue.cursorSet(null);
      try {
        if (queue.query.value.trim()) await this.search(queue.query.value, true);
        else if (next === 'resolved' || next === 'all') queue.listLoaded((await api.conversations(next)).conversations);
      } catch (error) {
        showToast(messageOf(error), 'error');
      }
    },

    /** Debounced: the server searches message text, visitor name and email. */
    search(text: string, now = false): Promise<void> {
      queue.queryChanged(text);
      deps.clearTimeout(searchTimer);
      if (!text.trim()) return Promise.resolve();
      return new Promise((resolve) => {
        searchTimer = deps.setTimeout(async () => {
          try {
            const result = await api.conversations(queue.view.value, text);
            if (queue.query.value !== text) return;
            batch(() => {
              queue.listLoaded(result.conversations);
              queue.searchLoaded(result.conversations.map((c) => c.id));
            });
          } catch (error) {
            showToast(messageOf(error), 'error');
          } finally {
            resolve();
          }
        }, now ? 0 : 250);
      });
    },

    open,
    moveCursor: queue.moveCursor,
    openCursor(): void {
      const id = queue.cursorId.value ?? queue.visible.value[0]?.id;
      if (id) void open(id);
    },

    claim: (id: string) => act('claim', () => api.claim(id)),
    transfer: (id: string, agentId: string) => act('transfer', () => api.transfer(id, agentId)),
    resolve: (id: string) => act('resolve', () => api.resolve(id)),
    reopen: (id: string) => act('reopen', () => api.reopen(id)),
    dismissError: () => conversation.actionFailed(null),

    /** Saved to IndexedDB first, then sent: offline replies go out once the server is back. */
    async sendReply(conversationId: string, body: string, internal: boolean): Promise<void> {
      const text = body.trim();
      if (!text || !connection) return;
      setDraft(conversationId, '');
      if (!internal) stopTyping();
      await connection.outbox.add({ conversationId, body: text, internal }, nanoid());
    },
    retryReply: (clientId: string) => connection?.outbox.retry(clientId),
    discardReply: (clientId: string) => connection?.outbox.remove(clientId),

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

    enableNotifications: () => deps.notifier.enable(),
  };
}

export type Controller = ReturnType<typeof createController>;
