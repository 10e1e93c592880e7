/**
 * Satisfaction's agent API (protocol RATING_PATHS) over the dashboard's one request function, so
 * the error codes and 401 handling are the same as everywhere.
 */
import { path, RATING_PATHS, type RatingResponse, type VisitorRatingsResponse } from '../../protocol/protocol.ts';
import type { Call } from '../api.ts';

export function createRatingsApi(call: Call) {
  return {
    conversation: (conversationId: string) => call<RatingResponse>('GET', path(RATING_PATHS.conversation, { conversationId })),
    visitor: (visitorId: string) => call<VisitorRatingsResponse>('GET', path(RATING_PATHS.visitor, { visitorId })),
  };
}
