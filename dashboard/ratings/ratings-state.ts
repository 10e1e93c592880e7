/**
 * Satisfaction ratings as agents see them (issue 15): the rating of each conversation looked at
 * (null: none yet), and the ratings of the visitor in the panel. Loaded with the conversation and
 * the visitor, kept live by `rating.submitted` events; changed only through the actions below.
 */
import { signal } from '@preact/signals';
import type { Rating } from '../../protocol/protocol.ts';

export const conversationRatings = signal<ReadonlyMap<string, Rating | null>>(new Map());
export const visitorRatings = signal<{ visitorId: string; ratings: Rating[] } | null>(null);

export function ratingLoaded(conversationId: string, rating: Rating | null): void {
  // An event that arrived while the answer was on its way is newer than it.
  const known = conversationRatings.value.get(conversationId);
  if (known && (!rating || known.createdAt > rating.createdAt)) return;
  conversationRatings.value = new Map(conversationRatings.value).set(conversationId, rating);
}

export function visitorRatingsLoaded(visitorId: string, ratings: Rating[]): void {
  visitorRatings.value = { visitorId, ratings };
}

/** A rating.submitted event: the conversation's rating, and the visitor's list when it holds that conversation or is being shown for its visitor. */
export function ratingArrived(rating: Rating, visitorId: string | null): void {
  conversationRatings.value = new Map(conversationRatings.value).set(rating.conversationId, rating);
  const shown = visitorRatings.value;
  if (shown && (shown.visitorId === visitorId || shown.ratings.some((r) => r.conversationId === rating.conversationId))) {
    visitorRatings.value = { visitorId: shown.visitorId, ratings: [rating, ...shown.ratings.filter((r) => r.conversationId !== rating.conversationId)] };
  }
}
