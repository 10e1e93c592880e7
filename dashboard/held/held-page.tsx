/**
 * The review page of held email (issue 12): each reply that did not land by itself, with who sent
 * it, its subject and new text, the conversation it claims and whose that is, and the two ways
 * out — accept it into that conversation as the visitor's message, or discard it. Email text is
 * rendered as text, never as HTML.
 */
import { visitorLabel } from '../components/queue-panel.tsx';
import { useController } from '../controller-context.ts';
import { formatMessageTime } from '../lib/format.ts';
import { now } from '../state/clock.ts';
import { routePath } from '../state/route.ts';
import { heldBusy, heldEmails, type HeldItem } from './held-state.ts';
import './held-mail.css';

const REASONS: Record<HeldItem['reason'], string> = {
  'unknown-sender': 'Not from an address this conversation emailed',
  'auto-reply': 'Automatic reply',
};

export function HeldEmailPage() {
  const items = heldEmails.value;
  return (
    <main class="page held-page">
      <div class="page-body">
        <h1>Held email</h1>
        <p class="muted">
          Email replies that were not added to their conversation by themselves: they came from an address the
          conversation's email did not go to, or they are automatic replies. Nothing here reaches the conversation
          unless you accept it.
        </p>
        {items.length === 0
          ? <div class="card empty" role="status">No held email. Replies that need a look will wait here.</div>
          : <ul class="held-list" aria-label="Held email">{items.map((item) => <HeldCard key={item.id} item={item} />)}</ul>}
      </div>
    </main>
  );
}

function HeldCard({ item }: { item: HeldItem }) {
  const controller = useController();
  const busy = heldBusy.value.has(item.id);
  const visitor = item.conversation?.visitor;
  const claimed = item.conversation ? visitorLabel(item.conversation) : 'a visitor';
  const target = { section: 'inbox' as const, conversationId: item.conversationId };
  return (
    <li class="card held-card" aria-labelledby={`held-${item.id}`} data-held-id={item.id}>
      <div class="card-head">
        <h2 id={`held-${item.id}`} class="held-from">
          {item.fromName ? <>{item.fromName} <span class="muted">&lt;{item.from}&gt;</span></> : item.from || 'Unknown sender'}
        </h2>
        <span class="pill held-reason">{REASONS[item.reason]}</span>
      </div>
      <p class="held-meta muted small">
        <time dateTime={new Date(item.receivedAt).toISOString()}>{formatMessageTime(item.receivedAt, now.value)}</time>
        {' · '}{item.subject ? <>Subject: <span class="held-subject">{item.subject}</span></> : 'No subject'}
      </p>
      <blockquote class="held-text">{item.text}</blockquote>
      <p class="held-claims small">
        Claims to answer the conversation with{' '}
        <a
          href={routePath(target)}
          onClick={(event) => {
            if (event.ctrlKey || event.metaKey || event.shiftKey) return;
            event.preventDefault();
            controller.go(target);
          }}
        >
          {claimed}
        </a>
        {visitor?.email && visitor.email !== claimed ? <span class="muted"> ({visitor.email})</span> : null}
        {item.conversation?.preview ? <span class="muted"> — “{item.conversation.preview}”</span> : null}
      </p>
      <div class="held-actions">
        <button type="button" class="primary" disabled={busy} onClick={() => void controller.held.accept(item.id)}>
          Accept into conversation
        </button>
        <button type="button" class="secondary held-discard" disabled={busy} onClick={() => void controller.held.discard(item.id)}>
          Discard
        </button>
      </div>
    </li>
  );
}
