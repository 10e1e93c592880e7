/**
 * The inbox's intents: load and resync the queue and the open conversation, apply stream events,
 * open, claim, transfer, resolve, reopen, views and search. Each calls the API and records the
 * outcome through the state modules' actions; nothing here renders.
 */
import { batch } from '@preact/signals';
import type { ResyncReason } from '../../client/transport.ts';
import { LIMITS, type Conversation, type ConversationView, type WireEvent } from '../../protocol/protocol.ts';
import { ApiError } from '../api.ts';
import { createAssignmentApi } from '../assignment-api.ts';
import { createInboxApi } from '../inbox-api.ts';
import { applyEvent } from '../live/apply-event.ts';
import { createConversationNews } from '../live/conversation-news.ts';
import { colleagues, colleaguesLoaded } from '../state/agents.ts';
import { availableLoaded } from '../state/canned.ts';
import { teamsLoaded } from '../state/assignment.ts';
import * as conversation from '../state/conversation.ts';
import * as labels from '../state/labels.ts';
import * as queue from '../state/queue.ts';
import { viewsLoaded } from '../state/saved-views.ts';
import { routeChanged, routePath } from '../state/route.ts';
import { pageVisible, showToast } from '../state/ui.ts';
import { messageOf, type ControllerDeps } from './deps.ts';

export function createInboxIntents(deps: ControllerDeps, hooks: { beforeOpen: () => void }) {
  const { api } = deps;
  const inboxApi = createInboxApi(api.call);
  const assignmentApi = createAssignmentApi(api.call);
  // New, written to, passed to you or your team, given by the rule, unanswered: each told once (issue 14).
  const news = createConversationNews(deps, (id) => void open(id));
  const readSent = new Map<string, number>();
  let searchTimer: unknown = null;

  function handleEvent(event: WireEvent): void {
    applyEvent(event, {
      now: deps.now,
      onNewConversation: news.onCreated,
      onVisitorMessage: news.onVisitorMessage,
      onAssigned: news.onAssigned,
      onUnanswered: news.onUnanswered,
    });
    // Someone not in the list came online (invited, or given one of our sites, since it was loaded):
    // the list is asked for again, so transfers and the Agents page show them (issue 14).
    if (event.type === 'presence' && !colleagues.value.some((agent) => agent.id === event.data.agentId)) {
      api.agents().then((result) => colleaguesLoaded(result.agents), () => {});
    }
  }

  async function loadQueue(replace: boolean): Promise<string> {
    queue.loadingChanged(true);
    try {
      // The labels and saved views too: the queue shows and filters by them (issue 14).
      // The teams first: a team's waiting conversations are its members' queue (issue 14).
      teamsLoaded((await assignmentApi.teams()).teams);
      const [open, known, saved] = await Promise.all([api.conversations('open'), inboxApi.labels(), inboxApi.views()]);
      batch(() => {
        if (replace) queue.replaceAll(open.conversations);
        else queue.listLoaded(open.conversations);
        labels.labelsLoaded(known.labels);
        labels.conversationLabelsListed(open.conversations.map((c) => c.id), open.labels);
        viewsLoaded(saved.views);
      });
      const which = queue.view.value;
      if (which === 'resolved' || which === 'all') listed(await api.conversations(which, '', labels.labelFilter.value));
      return open.cursor;
    } finally {
      queue.loadingChanged(false);
    }
  }

  /** A list answer: its conversations, and which labels each has. */
  function listed(result: { conversations: Conversation[]; labels: Record<string, string[]> }): void {
    batch(() => {
      queue.listLoaded(result.conversations);
      labels.conversationLabelsListed(result.conversations.map((c) => c.id), result.labels);
    });
  }

  async function loadConversation(id: string, replace = false): Promise<void> {
    const known = conversation.messages.value;
    const after = !replace && known.length > 0 ? known[known.length - 1]!.seq : undefined;
    conversation.loadingChanged(true);
    try {
      const [detail, page] = await Promise.all([api.conversation(id), api.messages(id, after === undefined ? {} : { after })]);
      queue.conversationChanged(detail.conversation);
      labels.conversationLabelsChanged(detail.conversation.id, detail.labelIds);
      conversation.detailLoaded(detail);
      conversation.messagesLoaded(id, page.messages);
      // Catching up after a gap may need more than one page (a full page: there may be more).
      let last = page.messages.at(-1)?.seq;
      let more = after !== undefined && page.messages.length === LIMITS.historyPageMax;
      while (more && last !== undefined) {
        const next = await api.messages(id, { after: last });
        conversation.messagesLoaded(id, next.messages);
        last = next.messages.at(-1)?.seq ?? last;
        more = next.messages.length === LIMITS.historyPageMax;
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
      availableLoaded((await api.canned()).canned);
    } catch { /* the transport tries again and calls back */ }
  }

  function markReadWhenSeen(): void {
    const c = conversation.current.value;
    if (!c || !pageVisible.value || conversation.messages.value.length === 0) return;
    if (c.lastSeq <= c.agentReadSeq || (readSent.get(c.id) ?? 0) >= c.lastSeq) return;
    readSent.set(c.id, c.lastSeq);
    api.read(c.id, c.lastSeq).then((result) => queue.conversationChanged(result.conversation), () => readSent.delete(c.id));
  }

  async function open(id: string | null): Promise<void> {
    if (conversation.openId.value === id) return;
    hooks.beforeOpen();
    conversation.opened(id);
    if (id) queue.cursorSet(id);
    const next = { section: 'inbox' as const, conversationId: id };
    routeChanged(next);
    deps.navigate(routePath(next));
    if (id) await loadConversation(id, true);
  }

  async function act(name: string, run: () => Promise<{ conversation: Conversation }>): Promise<boolean> {
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

  return {
    handleEvent,
    loadQueue,
    loadConversation,
    resync,
    markReadWhenSeen,
    /** Signed out: forget what was read, so the next session reports it afresh. */
    forget: () => { readSent.clear(); news.forget(); },

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

    async setView(next: ConversationView): Promise<void> {
      queue.viewChanged(next);
      queue.cursorSet(null);
      try {
        if (queue.query.value.trim()) await this.search(queue.query.value, true);
        else if (next === 'resolved' || next === 'all') listed(await api.conversations(next, '', labels.labelFilter.value));
      } catch (error) {
        showToast(messageOf(error), 'error');
      }
    },

    /**
     * Debounced: the server searches message text, visitor name and email, in every conversation
     * the agent may see (view 'all'), whichever tab is open: results say their view (queue.viewOf).
     * A saved view's search looks in its own view (`within`).
     */
    search(text: string, now = false, within: ConversationView = 'all'): Promise<void> {
      queue.queryChanged(text, within);
      deps.clearTimeout(searchTimer);
      if (!text.trim()) return Promise.resolve();
      return new Promise((resolve) => {
        searchTimer = deps.setTimeout(async () => {
          try {
            const result = await api.conversations(within, text, labels.labelFilter.value);
            if (queue.query.value !== text) return;
            batch(() => {
              listed(result);
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
  };
}

export type InboxIntents = ReturnType<typeof createInboxIntents>;
