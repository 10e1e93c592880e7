/** Adding or editing a webhook endpoint: its URL, what it is for, and the events it gets (issue 15). */
import { useState } from 'preact/hooks';
import { WEBHOOK_EVENTS, WEBHOOK_LIMITS, type WebhookEndpoint, type WebhookEventType } from '../../protocol/protocol.ts';
import { SaveStatus, useSave } from '../settings/save-status.tsx';
import { EVENT_LABELS } from './webhook-words.ts';

export interface EndpointDraft {
  url: string;
  description: string;
  events: WebhookEventType[];
}

export function EndpointForm({ initial, submitLabel, onSave, onCancel, idPrefix }: {
  initial?: WebhookEndpoint;
  submitLabel: string;
  /** Answers the sentence to show when it did not work, null when it did. */
  onSave: (draft: EndpointDraft) => Promise<string | null>;
  onCancel?: () => void;
  idPrefix: string;
}) {
  const [url, setUrl] = useState(initial?.url ?? '');
  const [description, setDescription] = useState(initial?.description ?? '');
  const [events, setEvents] = useState<WebhookEventType[]>(initial?.events ?? [...WEBHOOK_EVENTS]);
  const [status, save] = useSave();
  const trimmed = url.trim();
  const urlProblem = trimmed && !/^https?:\/\/[^/\s]/i.test(trimmed) ? 'An address starting with https:// (or http://).' : null;
  const ready = trimmed !== '' && !urlProblem && events.length > 0 && status.state !== 'saving';
  return (
    <form
      class="form webhook-form"
      onSubmit={(event) => {
        event.preventDefault();
        if (ready) void save(() => onSave({ url: trimmed, description: description.trim(), events: WEBHOOK_EVENTS.filter((e) => events.includes(e)) }));
      }}
    >
      <label>
        Endpoint URL
        <input
          type="url" class="mono" required maxLength={WEBHOOK_LIMITS.urlMax} placeholder="https://example.com/hooks/parley" value={url}
          aria-invalid={urlProblem ? true : undefined} aria-describedby={urlProblem ? `${idPrefix}-url-problem` : undefined}
          onInput={(e) => setUrl(e.currentTarget.value)}
        />
      </label>
      {urlProblem && <p id={`${idPrefix}-url-problem`} class="error small">{urlProblem}</p>}
      <label>
        What it is for <span class="muted small">(optional)</span>
        <input type="text" maxLength={WEBHOOK_LIMITS.descriptionMax} placeholder="e.g. CRM, Slack bridge" value={description} onInput={(e) => setDescription(e.currentTarget.value)} />
      </label>
      <fieldset class="event-choices">
        <legend>Events to send</legend>
        {WEBHOOK_EVENTS.map((type) => (
          <label key={type} class="inline event-choice">
            <input
              type="checkbox" checked={events.includes(type)}
              onChange={(e) => setEvents(e.currentTarget.checked ? [...events, type] : events.filter((t) => t !== type))}
            />
            <span>{EVENT_LABELS[type]} <code class="muted">{type}</code></span>
          </label>
        ))}
      </fieldset>
      {events.length === 0 && <p class="error small" role="alert">Choose at least one event.</p>}
      <div class="row">
        <button type="submit" class="primary" disabled={!ready}>{submitLabel}</button>
        {onCancel && <button type="button" class="ghost" onClick={onCancel}>Cancel</button>}
        <SaveStatus status={status.state === 'saved' ? { state: 'idle' } : status} />
      </div>
    </form>
  );
}
