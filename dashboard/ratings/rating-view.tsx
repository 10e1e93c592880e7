/**
 * Satisfaction ratings where agents look (issue 15): under the conversation's messages, and in the
 * visitor panel for every conversation of the visitor. Stars or a thumb as the visitor saw them,
 * always with the words beside them; the comment is the visitor's text, rendered as text.
 */
import { useEffect } from 'preact/hooks';
import type { Rating } from '../../protocol/protocol.ts';
import { useController } from '../controller-context.ts';
import { formatMessageTime } from '../lib/format.ts';
import { now } from '../state/clock.ts';
import { conversationRatings, visitorRatings } from './ratings-state.ts';
import { Thumb } from './thumb-icon.tsx';
import './ratings.css';

/** "★★★★☆ 4/5", or a thumb with its word; the stars are for the eye, the label for everyone. */
export function Score({ rating }: { rating: Pick<Rating, 'score' | 'scale'> }) {
  if (rating.scale === 'thumbs') {
    const up = rating.score >= 4;
    return <span class="score"><Thumb down={!up} /> {up ? 'Good' : 'Not good'}</span>;
  }
  return (
    <span class="score" role="img" aria-label={`${rating.score} out of 5`}>
      <span class="stars" aria-hidden="true">{'★'.repeat(rating.score)}<span class="unlit">{'☆'.repeat(5 - rating.score)}</span></span> {rating.score}/5
    </span>
  );
}

/** The end of the conversation: what the visitor said of it, live (rating.submitted). */
export function ConversationRating({ conversationId }: { conversationId: string }) {
  const rating = conversationRatings.value.get(conversationId);
  if (!rating) return null;
  return (
    <div class="rating-card" data-rating={rating.score}>
      <span class="rating-title">Visitor’s rating</span> <Score rating={rating} />
      {rating.comment && <p class="rating-comment" dir="auto">“{rating.comment}”</p>}
      <span class="muted small">{formatMessageTime(rating.createdAt, now.value)}{rating.agent ? ` · for ${rating.agent.name}` : ''}</span>
    </div>
  );
}

/** Every rating the visitor gave, newest first; each opens its conversation. */
export function VisitorRatings({ visitorId }: { visitorId: string }) {
  const controller = useController();
  useEffect(() => controller.ratings.loadVisitor(visitorId), [visitorId]);
  const shown = visitorRatings.value;
  const list = shown?.visitorId === visitorId ? shown.ratings : [];
  if (list.length === 0) return null;
  return (
    <>
      <h3 id="ratings-title">Ratings ({list.length})</h3>
      <ul class="visitor-ratings" aria-labelledby="ratings-title">
        {list.map((rating) => (
          <li key={rating.conversationId}>
            <button type="button" class="ghost" onClick={() => void controller.open(rating.conversationId)} aria-label={`Open the conversation rated ${rating.score}`}>
              <Score rating={rating} /> <span class="muted small">{new Date(rating.createdAt).toLocaleDateString(undefined, { month: 'short', day: 'numeric', year: 'numeric' })}</span>
            </button>
            {rating.comment && <p class="rating-comment" dir="auto">“{rating.comment}”</p>}
          </li>
        ))}
      </ul>
    </>
  );
}
