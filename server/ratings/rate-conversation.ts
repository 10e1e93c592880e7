/**
 * A visitor rates one of their conversations (issue 15): the site's rules and the request's sense
 * checked with the catalogue's errors, then one store operation. What JSON schema already checked
 * (an integer 1–5, a known scale, the comment's length) is not checked again here.
 */
import type { RateRequest, Rating, Site } from '../../protocol/protocol.ts';
import { ParleyError } from '../http/errors.ts';
import type { Store } from '../store/store.ts';

export async function rateConversation(store: Store, site: Site, conversationId: string, request: RateRequest): Promise<{ rating: Rating; created: boolean }> {
  if (!site.widget.rating.enabled) throw new ParleyError('RATINGS_OFF', 'This site does not ask for ratings.');
  if (request.scale === 'thumbs' && request.score !== 1 && request.score !== 5) {
    throw new ParleyError('BAD_REQUEST', 'On the thumbs scale a score is 5 (thumb up) or 1 (thumb down).');
  }
  const comment = request.comment?.trim() || null;
  const result = await store.rateConversation({ conversationId, clientId: request.clientId, score: request.score, scale: request.scale, comment });
  if (!result) throw new ParleyError('NOT_RATEABLE', 'This conversation has not been resolved yet; it can be rated once it is.');
  return { rating: result.value, created: result.created };
}
