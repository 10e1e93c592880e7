import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Rating } from '../../protocol/protocol.ts';
import { conversationRatings, ratingArrived, ratingLoaded, visitorRatings, visitorRatingsLoaded } from './ratings-state.ts';

const rating = (conversationId: string, score: number, createdAt: number): Rating =>
  ({ conversationId, siteId: 's', score, scale: 'five', comment: null, agent: null, createdAt });

describe('ratings state', () => {
  it('keeps a rating that arrived live over an older answer that was on its way', () => {
    ratingArrived(rating('c1', 5, 2000), 'v1');
    ratingLoaded('c1', rating('c1', 2, 1000));
    assert.equal(conversationRatings.value.get('c1')?.score, 5);
    ratingLoaded('c2', null);
    assert.equal(conversationRatings.value.get('c2'), null, 'known to have none');
    ratingLoaded('c2', rating('c2', 3, 500));
    assert.equal(conversationRatings.value.get('c2')?.score, 3);
  });

  it('puts a new rating first in the visitor panel\'s list, replacing that conversation\'s earlier one', () => {
    visitorRatingsLoaded('v1', [rating('c9', 4, 100), rating('c8', 1, 50)]);
    ratingArrived(rating('c8', 5, 300), 'v1');
    assert.deepEqual(visitorRatings.value!.ratings.map((r) => [r.conversationId, r.score]), [['c8', 5], ['c9', 4]]);
    ratingArrived(rating('c7', 2, 400), 'someone else');
    assert.equal(visitorRatings.value!.ratings.length, 2, 'another visitor\'s rating stays out');
  });
});
