/**
 * The team inbox's intents (issue 14): labels on conversations and the queue filtered by one,
 * saved views, the visitor's history across visits (pages, past conversations opened inline),
 * merging two visitors, the owner's label settings, and the colour theme. Each calls the API and
 * records the outcome through the state modules' actions; those that can be refused answer the
 * sentence to show (null when it worked). Nothing here renders.
 */
import { batch } from '@preact/signals';
import type { Conversation, Label, QueueFilter, SavedView } from '../../protocol/protocol.ts';
import { ApiError } from '../api.ts';
import { createInboxApi } from '../inbox-api.ts';
import * as conversation from '../state/conversation.ts';
import * as labels from '../state/labels.ts';
import * as queue from '../state/queue.ts';
import * as saved from '../state/saved-views.ts';
import { themeChosen, type ThemeChoice } from '../state/theme.ts';
import { showToast } from '../state/ui.ts';
import * as history from '../state/visitor-history.ts';
import { messageOf, type ControllerDeps } from './deps.ts';
import type { InboxIntents } from './inbox.ts';

/** One visitor the merge dialog offers: who, and their newest conversation the search found. */
export interface MergeCandidate {
  visitorId: string;
  name: string | null;
  email: string | null;
  latest: Conversation;
}

/** The sentence to show for a refusal; 401 has already sent the agent to the login form. */
const sentence = (error: unknown): string | null =>
  error instanceof ApiError && error.status === 401 ? null : messageOf(error);

export function createTeamInboxIntents(deps: ControllerDeps, inbox: InboxIntents) {
  const api = createInboxApi(deps.api.call);

  async function attempt(run: () => Promise<void>): Promise<string | null> {
    try {
      await run();
      return null;
    } catch (error) {
      return sentence(error);
    }
  }

  /**
   * The queue shows what the filter says: the view's list, with the label and search applied. With
   * a search the view is where it looks ('all', as a search typed in the box: every view), so a
   * saved view shows again exactly what it showed when saved.
   */
  async function applyFilter(filter: QueueFilter): Promise<void> {
    const searching = filter.q.trim() !== '';
    batch(() => {
      labels.labelFilterChanged(filter.labelId);
      queue.queryChanged(filter.q, filter.view);
      if (!searching) queue.searchLoaded(null);
    });
    if (!searching) return inbox.setView(filter.view);
    if (filter.view !== 'all') queue.viewChanged(filter.view);
    await inbox.search(filter.q, true, filter.view);
  }

  return {
    // Labels on conversations -----------------------------------------------------------------

    /** Puts a label on the conversation or takes it off; every agent's queue follows by the event. */
    async setLabel(conversationId: string, labelId: string, present: boolean): Promise<void> {
      try {
        labels.conversationLabelsChanged(conversationId, (await api.setLabel(conversationId, labelId, present)).labelIds);
      } catch (error) {
        const text = sentence(error);
        if (text) showToast(`Could not change the labels: ${text}`, 'error');
      }
    },

    /** Only conversations with this label (null: all), in the view and search as they are. */
    async filterByLabel(labelId: string | null): Promise<void> {
      saved.viewActive(null);
      await applyFilter({ view: queue.shownView.value, labelId, q: queue.query.value });
    },

    // Saved views -----------------------------------------------------------------------------

    /** Saves what the queue shows now (view, label, search) under a name. */
    saveView: (name: string) => attempt(async () => {
      // What the queue shows: while searching, every view (or the saved view's the search came from).
      const filter: QueueFilter = { view: queue.shownView.value, labelId: labels.labelFilter.value, q: queue.query.value.trim() };
      saved.viewSaved((await api.saveView({ name: name.trim(), filter })).view);
    }),

    async openView(view: SavedView): Promise<void> {
      await applyFilter(view.filter);
      saved.viewActive(view.id);
    },

    deleteView: (viewId: string) => attempt(async () => {
      await api.deleteView(viewId);
      saved.viewDeleted(viewId);
    }),

    // The visitor across visits -----------------------------------------------------------------

    /** Pages and every conversation of the visitor; the conversations join the queue's map, so events keep them live. */
    async loadProfile(visitorId: string): Promise<void> {
      history.profileLoading(visitorId);
      try {
        const profile = await api.visitor(visitorId);
        batch(() => {
          queue.listLoaded(profile.conversations);
          labels.conversationLabelsListed(profile.conversations.map((c) => c.id), profile.labels);
          history.profileLoaded(visitorId, profile.pages);
        });
      } catch {
        history.profileFailed(visitorId);
      }
    },

    /** Opens a past conversation inline in the visitor panel (its messages, read only), or closes it. */
    async toggleExpanded(conversationId: string): Promise<void> {
      if (history.expanded.value.has(conversationId)) {
        history.expandedChanged(conversationId, undefined);
        return;
      }
      history.expandedChanged(conversationId, null);
      try {
        const page = await deps.api.messages(conversationId);
        if (history.expanded.value.has(conversationId)) history.expandedChanged(conversationId, page.messages);
      } catch (error) {
        history.expandedChanged(conversationId, undefined);
        const text = sentence(error);
        if (text) showToast(`Could not load that conversation: ${text}`, 'error');
      }
    },

    // Merging ---------------------------------------------------------------------------------

    /** Visitors other than `exceptVisitorId` whose conversations match the search, newest first. */
    async findMergeCandidates(q: string, exceptVisitorId: string): Promise<MergeCandidate[] | string> {
      try {
        const found = await api.find(q.trim());
        const byVisitor = new Map<string, MergeCandidate>();
        for (const c of found.conversations) {
          if (c.visitorId === exceptVisitorId) continue;
          const known = byVisitor.get(c.visitorId);
          if (!known || (c.lastMessageAt ?? c.createdAt) > (known.latest.lastMessageAt ?? known.latest.createdAt)) {
            byVisitor.set(c.visitorId, { visitorId: c.visitorId, name: c.visitor.name, email: c.visitor.email, latest: c });
          }
        }
        return [...byVisitor.values()].sort((a, b) => (b.latest.lastMessageAt ?? b.latest.createdAt) - (a.latest.lastMessageAt ?? a.latest.createdAt));
      } catch (error) {
        return sentence(error) ?? 'Your session has ended.';
      }
    },

    /** Visitor `fromId` becomes `intoId`: shown at once here, and on other dashboards by the `visitor.merged` event. */
    merge: (intoId: string, fromId: string) => attempt(async () => {
      const { visitor } = await api.merge(intoId, fromId);
      batch(() => {
        queue.visitorMerged(fromId, visitor);
        conversation.visitorMerged(fromId, visitor);
        history.profileStale();
      });
      showToast('Merged: one visitor, every conversation.', 'info');
    }),

    // The owner's labels ------------------------------------------------------------------------

    createLabel: (siteId: string, name: string, color: string) => attempt(async () => {
      const { label } = await api.createLabel(siteId, { name: name.trim(), color });
      labels.siteLabelsChanged(siteId, [...(labels.labelsBySite.value.get(siteId) ?? []), label]);
    }),
    updateLabel: (label: Label, patch: { name?: string; color?: string }) => attempt(async () => {
      const { label: updated } = await api.updateLabel(label.siteId, label.id, patch);
      labels.siteLabelsChanged(label.siteId, (labels.labelsBySite.value.get(label.siteId) ?? []).map((l) => (l.id === updated.id ? updated : l)));
    }),
    deleteLabel: (label: Label) => attempt(async () => {
      await api.deleteLabel(label.siteId, label.id);
      labels.siteLabelsChanged(label.siteId, (labels.labelsBySite.value.get(label.siteId) ?? []).filter((l) => l.id !== label.id));
    }),

    // Theme ---------------------------------------------------------------------------------------

    chooseTheme: (choice: ThemeChoice) => themeChosen(choice),
  };
}

export type TeamInboxIntents = ReturnType<typeof createTeamInboxIntents>;
