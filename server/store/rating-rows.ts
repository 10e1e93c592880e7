/**
 * Satisfaction ratings (issue 15) as both SQL stores read and log them: the columns every rating
 * query selects, row → Rating, and the event a new rating logs. No SQL that differs by engine.
 */
import type { Rating } from '../../protocol/protocol.ts';
import type { ExportedRating, LoggedEvent } from './store.ts';

type Row = Record<string, unknown>;

/** With the agent's name and picture as they are now (users u, joined on r.agent_id). */
export const RATING_COLUMNS = `r.conversation_id, r.site_id, r.score, r.scale, r.comment, r.client_id, r.created_at,
  r.agent_id, u.name AS agent_name, u.avatar_url AS agent_avatar_url`;

export function toRating(row: Row): Rating {
  return {
    conversationId: String(row.conversation_id),
    siteId: String(row.site_id),
    score: Number(row.score),
    scale: String(row.scale) as Rating['scale'],
    comment: row.comment == null ? null : String(row.comment),
    agent: row.agent_id == null || row.agent_name == null ? null
      : { id: String(row.agent_id), name: String(row.agent_name), avatarUrl: row.agent_avatar_url == null ? null : String(row.agent_avatar_url) },
    createdAt: Number(row.created_at),
  };
}

/** A row of ratings (any columns including score, scale, comment, created_at) as the export carries it. */
export const toExportedRating = (row: Row): ExportedRating => ({
  score: Number(row.score),
  scale: String(row.scale) as ExportedRating['scale'],
  comment: row.comment == null ? null : String(row.comment),
  ratedAt: Number(row.created_at),
});

/** For agents only; tied to the conversation and its visitor, so it goes with either. */
export function ratingEvent(rating: Rating, visitorId: string): Omit<LoggedEvent, 'id'> {
  return { type: 'rating.submitted', data: { conversationId: rating.conversationId, rating }, siteId: rating.siteId, visitorId, audience: 'agents' };
}
