/**
 * Every conversation the dashboard knows, and the queue built from it: the current view, the
 * search, unread counts and the keyboard cursor. Filtering happens here, from live events, so a
 * new conversation shows up in every view it belongs to without refetching.
 */
import { computed, signal } from '@preact/signals';
import type { Conversation, ConversationView, Message, Visitor } from '../../protocol/protocol.ts';
import { inMyQueue } from './assignment.ts';
import { hasLabel, labelFilter } from './labels.ts';
import { user } from './session.ts';

export const conversations = signal<ReadonlyMap<string, Conversation>>(new Map());
export const view = signal<ConversationView>('waiting');
export const query = signal('');
/** Ids the server matched for the current search; null when not searching. */
export const searchHits = signal<ReadonlySet<string> | null>(null);
/**
 * Where the current search looks: every conversation the agent may see for a search typed in the
 * box (issue 14, whatever the tab), or the view a saved view names with its search.
 */
export const searchWithin = signal<ConversationView>('all');
export const loading = signal(false);
/** The row j/k move through; Enter opens it. */
export const cursorId = signal<string | null>(null);

export const VIEWS: Array<{ id: ConversationView; label: string }> = [
  { id: 'waiting', label: 'Waiting' },
  { id: 'mine', label: 'Mine' },
  { id: 'open', label: 'Open' },
  { id: 'resolved', label: 'Resolved' },
];

export function belongsTo(conversation: Conversation, which: ConversationView, myId: string | null): boolean {
  switch (which) {
    // A team's waiting conversations are its members' queue (issue 14).
    case 'waiting': return conversation.status === 'waiting' && inMyQueue(conversation);
    case 'mine': return conversation.status === 'assigned' && conversation.assignee?.id === myId;
    case 'open': return conversation.status !== 'resolved';
    case 'resolved': return conversation.status === 'resolved';
    case 'all': return true;
  }
}

/** The one view a conversation is shown under in search results: the most specific it belongs to. */
export function viewOf(conversation: Conversation, myId: string | null): { id: ConversationView; label: string } {
  if (conversation.status === 'waiting') return { id: 'waiting', label: 'Waiting' };
  if (conversation.status === 'resolved') return { id: 'resolved', label: 'Resolved' };
  if (belongsTo(conversation, 'mine', myId)) return { id: 'mine', label: 'Mine' };
  return { id: 'open', label: conversation.assignee ? `Open · ${conversation.assignee.name}` : 'Open' };
}

/** The view the queue shows now: the tab's, or while there is a search (its results loaded or not), where it looks. */
export const shownView = computed<ConversationView>(() => (query.value.trim() ? searchWithin.value : view.value));

export const unreadOf = (conversation: Conversation): number => Math.max(0, conversation.lastSeq - conversation.agentReadSeq);

export const visible = computed<Conversation[]>(() => {
  const myId = user.value?.id ?? null;
  const hits = searchHits.value;
  const label = labelFilter.value;
  // A search looks where searchWithin says, whatever the tab (issue 14): each result says which
  // view it is in (viewOf). A hit that has since left a saved view's view leaves its results.
  const list = [...conversations.value.values()].filter((c) =>
    (hits ? hits.has(c.id) && belongsTo(c, searchWithin.value, myId) : belongsTo(c, view.value, myId)) && (!label || hasLabel(c.id, label)));
  // Waiting: whoever has waited longest first. Elsewhere, and for search results: most recent activity first.
  return view.value === 'waiting' && !hits
    ? list.sort((a, b) => (a.waitingSince ?? a.createdAt) - (b.waitingSince ?? b.createdAt))
    : list.sort((a, b) => (b.lastMessageAt ?? b.createdAt) - (a.lastMessageAt ?? a.createdAt));
});

export const counts = computed(() => {
  const myId = user.value?.id ?? null;
  const result: Record<ConversationView, number> = { waiting: 0, mine: 0, open: 0, resolved: 0, all: 0 };
  for (const c of conversations.value.values()) {
    for (const which of VIEWS) if (belongsTo(c, which.id, myId)) result[which.id] += 1;
  }
  return result;
});

/** What needs this agent: unread messages in waiting conversations and in their own. */
export const attentionCount = computed(() => {
  const myId = user.value?.id ?? null;
  let total = 0;
  for (const c of conversations.value.values()) {
    if (belongsTo(c, 'waiting', myId) || belongsTo(c, 'mine', myId)) total += unreadOf(c);
  }
  return total;
});

function put(next: Conversation): void {
  const map = new Map(conversations.value);
  const known = map.get(next.id);
  // A REST answer can be older than an event already applied; never move counters backwards.
  map.set(next.id, known
    ? {
      ...next,
      lastSeq: Math.max(known.lastSeq, next.lastSeq),
      lastMessageAt: Math.max(known.lastMessageAt ?? 0, next.lastMessageAt ?? 0) || null,
      preview: next.lastSeq >= known.lastSeq ? next.preview : known.preview,
      agentReadSeq: Math.max(known.agentReadSeq, next.agentReadSeq),
      visitorReadSeq: Math.max(known.visitorReadSeq, next.visitorReadSeq),
    }
    : next);
  conversations.value = map;
}

export function conversationChanged(conversation: Conversation): void {
  put(conversation);
}

export function listLoaded(list: Conversation[]): void {
  for (const conversation of list) put(conversation);
}

/** After a reset the whole picture is refetched; forget what may no longer be true. */
export function replaceAll(list: Conversation[]): void {
  conversations.value = new Map();
  listLoaded(list);
}

export function messageArrived(message: Message): void {
  const known = conversations.value.get(message.conversationId);
  if (!known || message.seq <= known.lastSeq) return;
  const caughtUp = known.agentReadSeq >= known.lastSeq;
  // The agent's own words and system lines are not something to read.
  const read = message.author === 'agent' || (message.author === 'system' && caughtUp);
  const shown = !message.internal && message.author !== 'system';
  put({
    ...known,
    lastSeq: message.seq,
    lastMessageAt: message.createdAt,
    preview: shown ? message.body.slice(0, 140) : known.preview,
    agentReadSeq: read ? message.seq : known.agentReadSeq,
  });
}

export function readArrived(conversationId: string, by: 'visitor' | 'agent', seq: number): void {
  const known = conversations.value.get(conversationId);
  if (!known) return;
  put(by === 'agent' ? { ...known, agentReadSeq: Math.max(known.agentReadSeq, seq) } : { ...known, visitorReadSeq: Math.max(known.visitorReadSeq, seq) });
}

export function viewChanged(next: ConversationView): void {
  view.value = next;
}

/** A search typed (looking in every view), or a saved view's (looking `within` its view), or none (''). */
export function queryChanged(text: string, within: ConversationView = 'all'): void {
  query.value = text;
  searchWithin.value = text.trim() ? within : 'all';
  if (!text.trim()) searchHits.value = null;
}

export function searchLoaded(ids: string[] | null): void {
  searchHits.value = ids ? new Set(ids) : null;
}

export function loadingChanged(value: boolean): void {
  loading.value = value;
}

export function moveCursor(delta: 1 | -1): void {
  const list = visible.value;
  if (list.length === 0) return;
  const at = list.findIndex((c) => c.id === cursorId.value);
  const next = at === -1 ? (delta === 1 ? 0 : list.length - 1) : Math.min(list.length - 1, Math.max(0, at + delta));
  cursorId.value = list[next]!.id;
}

export function cursorSet(id: string | null): void {
  cursorId.value = id;
}

/** Visitor `from` was merged into `into` (issue 14): their conversations, and `into`'s, show `into`'s name now. */
export function visitorMerged(from: string, into: Visitor): void {
  const map = new Map(conversations.value);
  for (const [id, c] of map) {
    if (c.visitorId === from || c.visitorId === into.id) map.set(id, { ...c, visitorId: into.id, visitor: { name: into.name, email: into.email } });
  }
  conversations.value = map;
}

/** An owner deleted a visitor's data: their conversations are gone from the server. */
export function visitorDeleted(visitorId: string): void {
  conversations.value = new Map([...conversations.value].filter(([, c]) => c.visitorId !== visitorId));
}
