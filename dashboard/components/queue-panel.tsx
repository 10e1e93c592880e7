/** Views with counts, search, and the list: wait time, preview, site, unread count. */
import { useEffect, useRef } from 'preact/hooks';
import type { Conversation } from '../../protocol/protocol.ts';
import { useController } from '../controller-context.ts';
import { formatDuration } from '../lib/format.ts';
import { now } from '../state/clock.ts';
import { openId } from '../state/conversation.ts';
import { counts, cursorId, loading, query, searchHits, searchWithin, unreadOf, view, viewOf, visible, VIEWS } from '../state/queue.ts';
import { sitesById, user } from '../state/session.ts';
import { visitorLabel } from '../lib/visitor-label.ts';
import { isOverdue, TeamBadge, UnansweredMark } from './assignment-marks.tsx';
import { ConversationLabelList } from './label-chip.tsx';
import { QueueFilters } from './queue-filters.tsx';

export function QueuePanel() {
  const controller = useController();
  const list = visible.value;
  // A search spans every view (issue 14): no tab is the current one meanwhile, and choosing one
  // ends it. A saved view's search looks in its own view: that tab then is the current one.
  const searching = searchHits.value !== null;
  const scope = searching && searchWithin.value !== 'all' ? VIEWS.find((v) => v.id === searchWithin.value) ?? null : null;
  const where = scope ? scope.label : 'all conversations';
  return (
    <section class="queue" aria-label="Conversations">
      <div class="queue-head">
        <div class="views" role="tablist" aria-label="Queue views">
          {VIEWS.map((item) => (
            <button
              key={item.id}
              type="button"
              role="tab"
              aria-selected={searching ? scope?.id === item.id : view.value === item.id}
              class="view-tab"
              onClick={() => { if (query.value) void controller.search(''); void controller.setView(item.id); }}
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
        <QueueFilters />
      </div>
      {searching && <p class="search-scope muted small" role="status">{list.length === 1 ? '1 result' : `${list.length} results`} in {where}</p>}
      <ul class="queue-list" role="listbox" aria-label={searching ? `Search results in ${where}` : `${VIEWS.find((v) => v.id === view.value)?.label} conversations`}>
        {list.map((conversation) => (
          <QueueItem key={conversation.id} conversation={conversation} searching={searching} onOpen={() => void controller.open(conversation.id)} />
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

function QueueItem({ conversation, searching, onOpen }: { conversation: Conversation; searching: boolean; onOpen: () => void }) {
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
      class={`queue-item ${isCursor ? 'cursor' : ''} ${isOpen ? 'open' : ''} ${unread > 0 ? 'unread' : ''} ${isOverdue(conversation) ? 'overdue' : ''}`}
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
        <UnansweredMark conversation={conversation} />
        <span class={`wait ${waiting ? 'is-waiting' : ''}`} title={new Date(conversation.waitingSince ?? conversation.createdAt).toLocaleString()}>
          {waiting ? `waiting ${formatDuration(now.value - (conversation.waitingSince ?? conversation.createdAt))}` : formatDuration(now.value - (conversation.lastMessageAt ?? conversation.createdAt))}
        </span>
      </div>
      <div class="queue-item-body">
        <span class="preview">{conversation.preview ?? 'No message yet'}</span>
        {unread > 0 && <span class="badge" aria-label={`${unread} unread`}>{unread}</span>}
      </div>
      <div class="queue-item-meta">
        {site && <span class="site">{site}</span>}
        {conversation.team && <TeamBadge team={conversation.team} />}
        <ConversationLabelList conversationId={conversation.id} />
        {searching ? <ViewOf conversation={conversation} /> : (
          <span class={`status status-${conversation.status}`}>
            {conversation.status === 'assigned' ? conversation.assignee?.name ?? 'assigned' : conversation.status}
          </span>
        )}
      </div>
    </li>
  );
}

/** In search results: which view the conversation is in, so an agent knows where it lives. */
function ViewOf({ conversation }: { conversation: Conversation }) {
  const { id, label } = viewOf(conversation, user.value?.id ?? null);
  return <span class={`status view-of status-${conversation.status}`} data-view={id}><span class="sr-only">In </span>{label}</span>;
}

// Here too for the components that name visitors; it lives in lib/ so that non-component code can use it.
export { visitorLabel } from '../lib/visitor-label.ts';
