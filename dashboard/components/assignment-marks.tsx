/**
 * How the queue and a conversation show assignment (issue 14): the team a conversation waits
 * for or belongs to, and the highlight of one that waited past its site's unanswered threshold —
 * which the server decides (Conversation.unansweredAlerts), so every tab and agent shows the same.
 */
import type { Conversation, TeamRef } from '../../protocol/protocol.ts';
import './assignment.css';

/** Waiting, and alerted at least once in this wait. */
export const isOverdue = (c: Pick<Conversation, 'status' | 'unansweredAlerts'>): boolean => c.status === 'waiting' && c.unansweredAlerts > 0;

export function TeamBadge({ team }: { team: TeamRef }) {
  return <span class="team-badge" title={`Team ${team.name}`}><span class="sr-only">Team </span>{team.name}</span>;
}

export function UnansweredMark({ conversation }: { conversation: Conversation }) {
  if (!isOverdue(conversation)) return null;
  return <span class="unanswered-mark" title="Waiting longer than this site's threshold, with nobody on it">Unanswered</span>;
}
