/**
 * Satisfaction's intents (issue 15): the open conversation's rating, loaded when it opens and
 * again whenever the stream is back after a gap (a rating may have come meanwhile), and the
 * ratings of the visitor in the panel. Failures are quiet: the next open or reconnect asks again.
 */
import { effect } from '@preact/signals';
import type { ControllerDeps } from '../intents/deps.ts';
import { link } from '../state/connection.ts';
import { openId } from '../state/conversation.ts';
import { createRatingsApi } from './ratings-api.ts';
import { ratingLoaded, visitorRatingsLoaded } from './ratings-state.ts';

export function createRatingIntents(deps: ControllerDeps) {
  const api = createRatingsApi(deps.api.call);

  effect(() => {
    const id = openId.value;
    if (!id || link.value !== 'live') return;
    api.conversation(id).then((response) => ratingLoaded(id, response.rating), () => {});
  });

  return {
    loadVisitor(visitorId: string): void {
      api.visitor(visitorId).then((response) => visitorRatingsLoaded(visitorId, response.ratings), () => {});
    },
  };
}

export type RatingIntents = ReturnType<typeof createRatingIntents>;
