/**
 * The visitor across visits, in the visitor panel (issue 14): first and last seen, visits, the
 * pages they opened, and every conversation of theirs. A past conversation opens inline (its
 * messages, read only) without leaving the one on screen, and "Open" takes it to the main panel;
 * the list stays, so going back is one click (or the browser's Back).
 */
import { useEffect } from 'preact/hooks';
import type { Conversation, Message, Visitor } from '../../protocol/protocol.ts';
import { useController } from '../controller-context.ts';
import { formatDuration } from '../lib/format.ts';
import { now } from '../state/clock.ts';
import { openId } from '../state/conversation.ts';
import { expanded, pages, profileState, profileVersion, visitorConversations } from '../state/visitor-history.ts';
import { ConversationLabelList } from './label-chip.tsx';
import { MergeVisitor } from './merge-dialog.tsx';

const ago = (at: number, current: number) => (current - at < 60_000 ? 'just now' : `${formatDuration(current - at)} ago`);
const day = (at: number) => new Date(at).toLocaleDateString(undefined, { year: 'numeric', month: 'short', day: 'numeric' });

export function VisitorHistory({ visitor }: { visitor: Visitor }) {
  const controller = useController();
  const version = profileVersion.value;
  useEffect(() => {
    void controller.teamInbox.loadProfile(visitor.id);
  }, [visitor.id, version]);
  const list = visitorConversations.value;
  const current = now.value;
  return (
    <>
      <h3 id="visits-title">Across visits</h3>
      <dl class="facts" aria-labelledby="visits-title">
        <div><dt>Visits</dt><dd>{visitor.visits}</dd></div>
        <div><dt>First seen</dt><dd title={new Date(visitor.createdAt).toLocaleString()}>{day(visitor.createdAt)}</dd></div>
        <div><dt>Last seen</dt><dd title={new Date(visitor.lastSeenAt).toLocaleString()}>{ago(visitor.lastSeenAt, current)}</dd></div>
      </dl>
      {pages.value.length > 0 && (
        <>
          <h3 id="pages-title">Pages</h3>
          <ol class="visitor-pages" aria-labelledby="pages-title">
            {pages.value.map((page) => (
              <li key={page.url}>
                <a href={page.url} target="_blank" rel="noopener noreferrer nofollow" title={page.url}>{page.title ?? new URL(page.url).pathname}</a>
                <span class="muted small">{page.views === 1 ? '1 view' : `${page.views} views`} · {ago(page.lastSeenAt, current)}</span>
              </li>
            ))}
          </ol>
        </>
      )}
      <h3 id="past-title">Conversations{list.length > 0 ? ` (${list.length})` : ''}</h3>
      {profileState.value === 'failed' && <p class="error small" role="alert">Could not load this visitor's history. <button type="button" class="link" onClick={() => void controller.teamInbox.loadProfile(visitor.id)}>Try again</button></p>}
      <ul class="past-conversations" aria-labelledby="past-title">
        {list.map((c) => <PastConversation key={c.id} conversation={c} />)}
      </ul>
      <MergeVisitor visitor={visitor} />
    </>
  );
}

function PastConversation({ conversation }: { conversation: Conversation }) {
  const controller = useController();
  const isOpen = openId.value === conversation.id;
  const messages = expanded.value.get(conversation.id);
  const showing = expanded.value.has(conversation.id);
  const panel = `past-${conversation.id}`;
  const summary = (
    <>
      <span class="past-top">
        <span class={`status status-${conversation.status}`}>{conversation.status}</span>
        <span class="muted small">{day(conversation.createdAt)}</span>
      </span>
      <span class="past-preview">{conversation.preview ?? 'No message yet'}</span>
    </>
  );
  return (
    <li class={`past ${isOpen ? 'is-open' : ''}`} data-past-id={conversation.id}>
      {isOpen ? (
        <div class="past-summary" aria-current="true">{summary}<span class="small muted">This conversation</span></div>
      ) : (
        <button type="button" class="past-summary" aria-expanded={showing} aria-controls={panel} onClick={() => void controller.teamInbox.toggleExpanded(conversation.id)}>
          {summary}
        </button>
      )}
      <ConversationLabelList conversationId={conversation.id} />
      {showing && !isOpen && (
        <div id={panel} class="past-messages" role="region" aria-label={`Conversation of ${day(conversation.createdAt)}`}>
          {messages === null ? <p class="muted small" role="status">Loading…</p> : <PastMessages messages={messages!} />}
          <button type="button" class="secondary small-button" onClick={() => void controller.open(conversation.id)}>Open this conversation</button>
        </div>
      )}
    </li>
  );
}

function PastMessages({ messages }: { messages: Message[] }) {
  if (messages.length === 0) return <p class="muted small">No messages.</p>;
  return (
    <ol class="past-log">
      {messages.map((m) => m.author === 'system' ? (
        <li key={m.id} class="past-system muted small">{m.body}</li>
      ) : (
        <li key={m.id} class={`past-line by-${m.author} ${m.internal ? 'note' : ''}`}>
          <span class="past-who">{m.author === 'visitor' ? 'Visitor' : m.agent?.name ?? 'Agent'}{m.internal ? ' · note' : ''}</span>
          <p class="text">{m.body}</p>
        </li>
      ))}
    </ol>
  );
}
