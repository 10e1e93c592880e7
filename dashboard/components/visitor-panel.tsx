/** Who the visitor is and where they are: everything the widget told the server, as text. */
import { useState } from 'preact/hooks';
import type { AttributeValue } from '../../protocol/protocol.ts';
import { useController } from '../controller-context.ts';
import { localTimeIn } from '../lib/format.ts';
import { summarizeUserAgent } from '../lib/user-agent.ts';
import { now } from '../state/clock.ts';
import { visitor, visitorOnline } from '../state/conversation.ts';
import { user } from '../state/session.ts';
import { toggleDetails } from '../state/ui.ts';
import { VisitorHistory } from './visitor-history.tsx';
import { VisitorFiles } from '../attachments/visitor-files.tsx';
import { VisitorRatings } from '../ratings/rating-view.tsx';

const show = (value: AttributeValue): string => (value === null ? '—' : String(value));

export function VisitorPanel() {
  const v = visitor.value;
  if (!v) return <aside class="visitor" aria-label="Visitor details"><p class="muted">Loading visitor…</p></aside>;
  const { browser, os } = summarizeUserAgent(v.context.userAgent);
  const rows: Array<[string, string | null | undefined, boolean?]> = [
    ['Name', v.name],
    ['Email', v.email],
    ['Page', v.context.title ?? v.context.url],
    ['URL', v.context.url, true],
    ['Referrer', v.context.referrer, true],
    ['Browser', [browser, os].filter(Boolean).join(' on ') || null],
    ['Language', v.context.language],
    ['Local time', localTimeIn(v.context.timeZone, now.value)],
  ];
  return (
    <aside class="visitor" aria-label="Visitor details">
      <header class="visitor-head">
        <h2>Visitor</h2>
        <button type="button" class="ghost icon details-close" aria-label="Close visitor details" onClick={toggleDetails}>×</button>
      </header>
      <p class={`presence-line ${visitorOnline.value ? 'on' : ''}`} data-online={visitorOnline.value}>
        <span class="dot" aria-hidden="true" />{visitorOnline.value ? 'On the page now' : 'Not on the page'}
      </p>
      {v.verified && <p class="verified">Verified identity{v.externalId ? ` · ${v.externalId}` : ''}</p>}
      <dl class="facts">
        {rows.filter(([, value]) => value).map(([label, value, link]) => (
          <div key={label}>
            <dt>{label}</dt>
            <dd>{link && /^https?:/.test(value!) ? <a href={value!} target="_blank" rel="noopener noreferrer nofollow">{value}</a> : value}</dd>
          </div>
        ))}
      </dl>
      {Object.keys(v.attributes).length > 0 && (
        <>
          <h3>Attributes</h3>
          <dl class="facts">
            {Object.entries(v.attributes).map(([key, value]) => (
              <div key={key}><dt>{key}</dt><dd>{show(value)}</dd></div>
            ))}
          </dl>
        </>
      )}
      <VisitorHistory visitor={v} />
      <VisitorRatings visitorId={v.id} />
      <VisitorFiles visitorId={v.id} />
      {user.value?.role === 'owner' && <DeleteVisitor visitorId={v.id} />}
    </aside>
  );
}

/** Owners only: deleting a visitor's data on request, after a confirmation. */
function DeleteVisitor({ visitorId }: { visitorId: string }) {
  const controller = useController();
  const [confirming, setConfirming] = useState(false);
  const [error, setError] = useState<string | null>(null);
  return (
    <div class="visitor-delete">
      <p class="muted small">Visitor id <code>{visitorId}</code></p>
      {!confirming ? (
        <button type="button" class="ghost danger-text" onClick={() => setConfirming(true)}>Delete this visitor's data…</button>
      ) : (
        <div class="confirm" role="group" aria-label="Confirm deleting the visitor">
          <p class="warn small">Deletes the visitor, all their conversations and messages, for good.</p>
          <div class="row">
            <button type="button" class="danger" onClick={async () => setError(await controller.settings.deleteVisitor(visitorId))}>Delete for good</button>
            <button type="button" class="ghost" onClick={() => setConfirming(false)}>Cancel</button>
          </div>
          {error && <p class="error small" role="alert">{error}</p>}
        </div>
      )}
    </div>
  );
}
