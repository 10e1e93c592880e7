/**
 * What an agent is told about conversations, all in one place so that one piece of news is told
 * once: a new conversation, a visitor's message, one passed to them or to a team of theirs, one
 * the site's rule gave them (issue 14), and a waiting one that passed the unanswered threshold
 * again. Each is a tone and, in a hidden tab, a desktop notification (the notifier: leader tab
 * only); assignment news also gets a toast in the app.
 *
 * Why together: the news of one conversation comes in bursts of events. A new conversation with
 * auto-assignment is "created", then "assigned to you" by the rule, then its first words — in
 * either order, a moment apart. Told separately that was two notifications for one conversation
 * (issue 14). So the news of a conversation is gathered for BURST_MS and told once, from the
 * conversation as it is then: assigned to you (with the visitor's first words), waiting for you or
 * your team, or — a colleague's or another team's — nothing at all. A rule's assignment of a
 * conversation that has no words yet waits for them; one that follows a "New conversation" told a
 * moment before (the rule was slow) is shown as a toast only.
 */
import type { AgentRef, Conversation, EventPayloads, Message } from '../../protocol/protocol.ts';
import type { ControllerDeps } from '../intents/deps.ts';
import { formatDuration } from '../lib/format.ts';
import { visitorLabel } from '../lib/visitor-label.ts';
import { inMyQueue, myTeamIds } from '../state/assignment.ts';
import { openId } from '../state/conversation.ts';
import { conversations } from '../state/queue.ts';
import { user } from '../state/session.ts';
import { pageVisible, showToast } from '../state/ui.ts';

/** How long the news of one conversation is gathered before it is told. */
const BURST_MS = 250;
/** A rule's assignment this soon after the conversation was announced is news already heard. */
const HEARD_MS = 60_000;

/** What is known of one conversation's news so far. */
interface News {
  /** It is new: created (with words), or its first visitor message arrived (`words`). */
  arrived: boolean;
  words: string | null;
  /** Someone else gave it to an agent or a team (the first such event's sender). */
  assigned: { via: 'transfer' | 'rule'; by: AgentRef | null } | null;
}

export function createConversationNews(deps: Pick<ControllerDeps, 'notifier' | 'now' | 'setTimeout' | 'clearTimeout'>, open: (conversationId: string) => void) {
  const pending = new Map<string, News & { timer: unknown }>();
  /** Created with no message yet: its first visitor message is its arrival. */
  const startedEmpty = new Set<string>();
  /** The rule gave it to this agent before the visitor said anything: told with the first words. */
  const awaitingWords = new Map<string, News['assigned']>();
  /** When each conversation was last announced (new, or given to this agent). */
  const announced = new Map<string, number>();

  const who = (c: Conversation) => visitorLabel(c);
  function notify(c: Conversation, title: string, words: string | null, tag: string, toast: boolean): void {
    announced.set(c.id, deps.now());
    if (toast) showToast(`${title}: ${who(c)}`);
    deps.notifier.notify(title, `${who(c)}: ${words ?? c.preview ?? 'no message yet'}`, tag, () => open(c.id));
  }

  function tell(id: string, news: News): void {
    const c = conversations.value.get(id);
    const me = user.value?.id;
    if (!c || !me) return;
    const { assigned } = news;
    // What the agent did themself needs no telling.
    const byOther = assigned && assigned.by?.id !== me ? assigned : null;
    if (c.status === 'assigned' && c.assignee?.id === me) {
      if (byOther?.via === 'transfer' && byOther.by) return notify(c, `${byOther.by.name} passed you a conversation`, news.words, `${id}:assigned`, true);
      // Taken before the visitor said anything (by this agent, in another tab): the first words are news.
      if (byOther?.via !== 'rule') return news.arrived ? notify(c, 'New conversation', news.words, id, false) : undefined;
      if (!news.arrived && c.lastSeq === 0) return void awaitingWords.set(id, byOther);
      const title = 'A conversation was assigned to you';
      // Announced as new a moment ago, before the rule got to it: the toast says the rest.
      if (!news.arrived && deps.now() - (announced.get(id) ?? -Infinity) < HEARD_MS) return showToast(`${title}: ${who(c)}`);
      return notify(c, title, news.words, `${id}:assigned`, true);
    }
    if (c.status !== 'waiting' || !inMyQueue(c)) return;
    if (byOther?.via === 'transfer' && c.team && myTeamIds.value.has(c.team.id)) {
      return notify(c, `${byOther.by?.name ?? 'Someone'} passed a conversation to ${c.team.name}`, news.words, `${id}:assigned`, true);
    }
    if (news.arrived) notify(c, 'New conversation', news.words, id, false);
  }

  /** Adds to the conversation's gathering news, and tells it all BURST_MS after the first of it. */
  function gather(id: string, add: Partial<News>): void {
    const earlier = pending.get(id);
    const news: News = {
      arrived: earlier?.arrived || !!add.arrived,
      words: earlier?.words ?? add.words ?? null,
      // A person's hand beats the rule's, and the first person stays: passed to a team by Bob, then
      // given by the rule, is Bob's news; given to Bob by the rule, then passed by Bob to Alice, is
      // Bob's news to Alice too (the rule's was about someone else).
      assigned: (add.assigned?.via === 'transfer' && earlier?.assigned?.via !== 'transfer' ? add.assigned : earlier?.assigned ?? add.assigned) ?? null,
    };
    const timer = earlier?.timer ?? deps.setTimeout(() => {
      const told = pending.get(id)!;
      pending.delete(id);
      tell(id, told);
    }, BURST_MS);
    pending.set(id, { ...news, timer });
  }

  function arrived(id: string, words: string | null): void {
    const deferred = awaitingWords.get(id);
    awaitingWords.delete(id);
    gather(id, { arrived: true, words, ...(deferred && { assigned: deferred }) });
  }

  return {
    onCreated(c: Conversation): void {
      if (c.lastSeq > 0) arrived(c.id, c.preview);
      else startedEmpty.add(c.id);
    },

    /** A visitor message not seen before: a new conversation's first words, or news of a conversation of theirs. */
    onVisitorMessage(message: Message): void {
      const id = message.conversationId;
      if (startedEmpty.delete(id) || awaitingWords.has(id)) return arrived(id, message.body.slice(0, 120));
      const c = conversations.value.get(id);
      const mine = c?.assignee?.id === user.value?.id;
      const watching = openId.value === id && pageVisible.value;
      if (!c || watching || !(mine || (c.status === 'waiting' && inMyQueue(c)))) return;
      notify(c, 'New message', message.body.slice(0, 120), id, false);
    },

    onAssigned({ conversation, via, by }: EventPayloads['conversation.assigned']): void {
      gather(conversation.id, { assigned: { via, by } });
    },

    /** The server's alert: once per threshold period, the same for every tab and agent. */
    onUnanswered({ conversation: c, waitedMs }: EventPayloads['conversation.unanswered']): void {
      if (c.status !== 'waiting' || !inMyQueue(c)) return;
      // The server's measure: a browser's clock may be off.
      const waited = formatDuration(waitedMs);
      showToast(`Still unanswered: ${who(c)}`);
      deps.notifier.notify('Still unanswered', `${who(c)} has waited ${waited} — ${c.preview ?? 'no message yet'}`, `${c.id}:unanswered`, () => open(c.id));
    },

    /** Signed out: nothing pending is told, nothing of this session is remembered. */
    forget(): void {
      for (const { timer } of pending.values()) deps.clearTimeout(timer);
      pending.clear();
      startedEmpty.clear();
      awaitingWords.clear();
      announced.clear();
    },
  };
}

export type ConversationNews = ReturnType<typeof createConversationNews>;
