/**
 * Settings → Satisfaction (issue 15): whether the widget asks for a rating when a conversation is
 * resolved, on which scale, and with what question (empty: the widget's own, in the visitor's
 * language). Saved with the site's widget settings, so open widgets follow at once (config event).
 */
import type { ComponentChild } from 'preact';
import { useState } from 'preact/hooks';
import { LIMITS, type AdminSite, type RatingScale } from '../../protocol/protocol.ts';
import { useController } from '../controller-context.ts';
import { SaveStatus, useSave } from '../settings/save-status.tsx';
import { Thumb } from './thumb-icon.tsx';
import './ratings.css';

/** The widget's own question (widget/rating.tsx), shown as the placeholder. */
const OWN_QUESTION = 'How would you rate this conversation?';
const SCALES: Array<[RatingScale, string, ComponentChild]> = [['five', 'Five stars', '★★★★★'], ['thumbs', 'Thumbs up or down', <><Thumb /> <Thumb down /></>]];

export function SatisfactionPage({ site }: { site: AdminSite }) {
  const controller = useController();
  const [rating, setRating] = useState(site.widget.rating);
  const [status, save] = useSave();
  return (
    <section class="settings-page" aria-labelledby="satisfaction-title">
      <h1 id="satisfaction-title">Satisfaction</h1>
      <p class="muted">When an agent resolves a conversation, the widget can ask the visitor how it went, with an optional comment. Agents see each rating under the conversation and in the visitor panel; the Reports page adds them up.</p>
      <form class="card form" onSubmit={(event) => { event.preventDefault(); void save(() => controller.settings.updateSite(site.id, { widget: { rating } })); }}>
        <label class="inline">
          <input type="checkbox" checked={rating.enabled} onChange={(e) => setRating({ ...rating, enabled: e.currentTarget.checked })} />
          {' '}Ask visitors for a rating when a conversation is resolved
        </label>
        <fieldset disabled={!rating.enabled}>
          <legend>Scale</legend>
          {SCALES.map(([value, label, look]) => (
            <label class="inline" key={value}>
              <input type="radio" name="rating-scale" checked={rating.scale === value} onChange={() => setRating({ ...rating, scale: value })} />
              {' '}{label} <span class="muted" aria-hidden="true">{look}</span>
            </label>
          ))}
        </fieldset>
        <label>
          Question
          <input type="text" value={rating.question} maxLength={LIMITS.ratingQuestionMax} placeholder={OWN_QUESTION} disabled={!rating.enabled}
            onInput={(e) => setRating({ ...rating, question: e.currentTarget.value })} />
        </label>
        <p class="muted small">Leave it empty to ask “{OWN_QUESTION}” in the visitor’s language (English or Chinese). Thumbs count as 5 (up) and 1 (down), so reports add both scales up the same way: 4 and 5 are satisfied.</p>
        <div class="row">
          <button type="submit" class="primary" disabled={status.state === 'saving'}>Save satisfaction settings</button>
          <SaveStatus status={status} />
        </div>
      </form>
    </section>
  );
}
