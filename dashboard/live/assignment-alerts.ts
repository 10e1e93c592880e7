/**
 * What an agent is told about assignment (issue 14): a conversation passed to them or to a team
 * of theirs, one the site's rule gave them, and a waiting one of their queue that passed the
 * unanswered threshold again. Each is a tone and, in a hidden tab, a desktop notification (the
 * notifier: leader tab only, as for a new conversation), plus a toast in the app.
 *
 * One transaction can bring two pieces of news about one conversation (passed to a team, then
 * given to one of its members by the rule): they are told once, from the conversation as it is
 * when the burst is over, with the first one's sender.
 */
import type { AgentRef, Conversation, EventPayloads } from '../../protocol/protocol.ts';
import type { ControllerDeps } from '../intents/deps.ts';
import { formatDuration } from '../lib/format.ts';
import { visitorLabel } from '../lib/visitor-label.ts';
import { inMyQueue, myTeamIds } from '../state/assignment.ts';
import { conversations } from '../state/queue.ts';
import { user } from '../state/session.ts';
import { showToast } from '../state/ui.ts';

/** How long the news of one conversation is gathered before it is told. */
const BURST_MS = 250;

/** As the queue names them, so the toast and the row agree. */
const who = (c: Conversation) => visitorLabel(c);

export function createAssignmentAlerts(deps: Pick<ControllerDeps, 'notifier' | 'setTimeout' | 'clearTimeout'>, open: (conversationId: string) => void) {
  const pending = new Map<string, { via: 'transfer' | 'rule'; by: AgentRef | null; timer: unknown }>();

  function say(c: Conversation, title: string, body: string, tag: string): void {
    showToast(`${title}: ${who(c)}`);
    deps.notifier.notify(title, body, tag, () => open(c.id));
  }

  function tell(id: string, via: 'transfer' | 'rule', by: AgentRef | null): void {
    const c = conversations.value.get(id);
    const me = user.value?.id;
    // What you did yourself needs no telling.
    if (!c || !me || by?.id === me) return;
    const body = `${who(c)}: ${c.preview ?? 'no message yet'}`;
    if (c.status === 'assigned' && c.assignee?.id === me) {
      say(c, via === 'transfer' && by ? `${by.name} passed you a conversation` : 'A conversation was assigned to you', body, `${id}:assigned`);
    } else if (c.status === 'waiting' && c.team && myTeamIds.value.has(c.team.id)) {
      say(c, `${by?.name ?? 'Someone'} passed a conversation to ${c.team.name}`, body, `${id}:assigned`);
    }
  }

  return {
    onAssigned({ conversation, via, by }: EventPayloads['conversation.assigned']): void {
      const earlier = pending.get(conversation.id);
      if (earlier) deps.clearTimeout(earlier.timer);
      const news = earlier ?? { via, by };
      const timer = deps.setTimeout(() => {
        pending.delete(conversation.id);
        tell(conversation.id, news.via, news.by);
      }, BURST_MS);
      pending.set(conversation.id, { ...news, timer });
    },

    /** The server's alert: once per threshold period, the same for every tab and agent. */
    onUnanswered({ conversation: c, waitedMs }: EventPayloads['conversation.unanswered']): void {
      if (c.status !== 'waiting' || !inMyQueue(c)) return;
      // The server's measure: a browser's clock may be off.
      const waited = formatDuration(waitedMs);
      say(c, 'Still unanswered', `${who(c)} has waited ${waited} — ${c.preview ?? 'no message yet'}`, `${c.id}:unanswered`);
    },

    /** Signed out: nothing pending is told. */
    forget(): void {
      for (const { timer } of pending.values()) deps.clearTimeout(timer);
      pending.clear();
    },
  };
}

export type AssignmentAlerts = ReturnType<typeof createAssignmentAlerts>;
