/** Views with counts, search, and the list: wait time, preview, site, unread count. */
import { useEffect, useRef } from 'preact/hooks';
import type { Conversation } from '../../protocol/protocol.ts';
import { useController } from '../controller-context.ts';
import { formatDuration } from '../lib/format.ts';
import { now } from '../state/clock.ts';
import { openId } from '../state/conversation.ts';
import { counts, cursorId, loading, query, unreadOf, view, visible, VIEWS } from '../state/queue.ts';
import { sitesById } from '../state/session.ts';

export function QueuePanel() {
  const controller = useController();
  const list = visible.value;
  return (
    <section class="queue" aria-label="Conversations">
      <div class="queue-head">
        <div class="views" role="tablist" aria-label="Queue views">
          {VIEWS.map((item) => (
            <button
              key={item.id}
              type="button"
              role="tab"
              aria-selected={view.value === item.id}
              class="view-tab"
              onClick={() => void controller.setView(item.id)}
            >
              {item.label}
              {item.id !== 'resolved' && <span class="count" aria-label={`${counts.value[item.id]} conversations`}>{counts.value[item.id]}</span>}
            </button>
          ))}
        </div>
        <input
          type="search"
          class="search"
          placeholder="Search messages, names, emails"
          aria-label="Search conversations"
          value={query.value}
          onInput={(event) => void controller.search(event.currentTarget.value)}
        />
      </div>
      <ul class="queue-list" role="listbox" aria-label={`${VIEWS.find((v) => v.id === view.value)?.label} conversations`}>
        {list.map((conversation) => (
          <QueueItem key={conversation.id} conversation={conversation} onOpen={() => void controller.open(conversation.id)} />
        ))}
        {list.length === 0 && (
          <li class="empty" role="presentation">
            {loading.value ? 'Loading…' : query.value.trim() ? 'Nothing matches this search.' : view.value === 'waiting' ? 'Nobody is waiting. Nice work.' : 'No conversations here.'}
          </li>
        )}
      </ul>
    </section>
  );
}

function QueueItem({ conversation, onOpen }: { conversation: Conversation; onOpen: () => void }) {
  const ref = useRef<HTMLLIElement>(null);
  const isCursor = cursorId.value === conversation.id;
  const isOpen = openId.value === conversation.id;
  const unread = unreadOf(conversation);
  useEffect(() => {
    if (isCursor) ref.current?.scrollIntoView({ block: 'nearest' });
  }, [isCursor]);
  const site = sitesById.value.get(conversation.siteId)?.name;
  const waiting = conversation.status === 'waiting';
  return (
    <li
      ref={ref}
      role="option"
      aria-selected={isOpen}
      tabIndex={0}
      class={`queue-item ${isCursor ? 'cursor' : ''} ${isOpen ? 'open' : ''} ${unread > 0 ? 'unread' : ''}`}
      data-conversation-id={conversation.id}
      onClick={onOpen}
      onKeyDown={(event) => {
        if (event.key === 'Enter' || event.key === ' ') {
          event.preventDefault();
          onOpen();
        }
      }}
    >
      <div class="queue-item-top">
        <span class="who">{visitorLabel(conversation)}</span>
        <span class={`wait ${waiting ? 'is-waiting' : ''}`} title={new Date(conversation.createdAt).toLocaleString()}>
          {waiting ? `waiting ${formatDuration(now.value - conversation.createdAt)}` : formatDuration(now.value - (conversation.lastMessageAt ?? conversation.createdAt))}
        </span>
      </div>
      <div class="queue-item-body">
        <span class="preview">{conversation.preview ?? 'No message yet'}</span>
        {unread > 0 && <span class="badge" aria-label={`${unread} unread`}>{unread}</span>}
      </div>
      <div class="queue-item-meta">
        {site && <span class="site">{site}</span>}
        <span class={`status status-${conversation.status}`}>
          {conversation.status === 'assigned' ? conversation.assignee?.name ?? 'assigned' : conversation.status}
        </span>
      </div>
    </li>
  );
}

/** The visitor's name or email when they gave one; else a short stable tag that tells rows apart. */
export const visitorLabel = (conversation: Conversation): string =>
  conversation.visitor?.name || conversation.visitor?.email || `Visitor ${conversation.visitorId.replace(/[^A-Za-z0-9]/g, '').slice(-4).toUpperCase()}`;
