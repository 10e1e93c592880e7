/**
 * Messages in seq order, then this agent's replies still on their way ("Sending…", or "Not sent"
 * with retry), then the visitor's typing. Internal notes look unmistakably different.
 */
import { useLayoutEffect, useRef } from 'preact/hooks';
import type { Conversation, Message } from '../../protocol/protocol.ts';
import { useController } from '../controller-context.ts';
import { formatMessageTime } from '../lib/format.ts';
import { linkify } from '../lib/linkify.tsx';
import { now } from '../state/clock.ts';
import { browserOnline } from '../state/connection.ts';
import { loadingMessages, messages, visitorTypingUntil } from '../state/conversation.ts';
import { EmailStatus } from '../email/email-status.tsx';
import { pendingReplies, type PendingReply } from '../state/outbox.ts';
import { MessageFiles } from '../attachments/message-files.tsx';
import { ConversationRating } from '../ratings/rating-view.tsx';

const SYSTEM_TEXT: Record<string, (name: string) => string> = {
  joined: (name) => `${name} joined the conversation`,
  left: (name) => `${name} left the conversation`,
  transferred: (name) => `Transferred to ${name}`,
  resolved: (name) => `${name} resolved the conversation`,
  reopened: (name) => `${name} reopened the conversation`,
};

export function MessageList({ conversation }: { conversation: Conversation }) {
  const controller = useController();
  const list = messages.value;
  const sentIds = new Set(list.map((message) => message.clientId));
  const pending = pendingReplies.value.filter((item) => item.payload.conversationId === conversation.id && !sentIds.has(item.id));
  const typing = visitorTypingUntil.value > now.value;
  const lastAgentSeq = [...list].reverse().find((message) => message.author === 'agent' && !message.internal)?.seq ?? 0;
  const seen = lastAgentSeq > 0 && conversation.visitorReadSeq >= lastAgentSeq;

  const scroller = useRef<HTMLDivElement>(null);
  const count = list.length + pending.length + (typing ? 1 : 0);
  useLayoutEffect(() => {
    const element = scroller.current;
    if (element) element.scrollTop = element.scrollHeight;
  }, [conversation.id, count]);

  return (
    <div class="messages" ref={scroller} role="log" aria-live="polite" aria-label="Messages">
      {loadingMessages.value && list.length === 0 && <p class="muted center">Loading messages…</p>}
      {list.map((message) => (
        <MessageItem key={message.id} message={message} seen={seen && message.seq === lastAgentSeq} />
      ))}
      {pending.map((item) => (
        <PendingItem key={item.id} item={item} onRetry={() => void controller.retryReply(item.id)} onDiscard={() => void controller.discardReply(item.id)} />
      ))}
      <ConversationRating conversationId={conversation.id} />
      {typing && <div class="typing" aria-label="The visitor is typing"><span /><span /><span /></div>}
    </div>
  );
}

function MessageItem({ message, seen }: { message: Message; seen: boolean }) {
  if (message.author === 'system') {
    const name = message.system?.agentName ?? message.agent?.name ?? 'An agent';
    const text = message.system ? SYSTEM_TEXT[message.system.kind]?.(name) ?? message.body : message.body;
    return <div class="system-line" data-seq={message.seq}>{text} · {formatMessageTime(message.createdAt, now.value)}</div>;
  }
  const side = message.author === 'visitor' ? 'theirs' : 'ours';
  return (
    <div class={`bubble-row ${side} ${message.internal ? 'note' : ''}`} data-seq={message.seq} data-client-id={message.clientId ?? undefined}>
      <div class="bubble">
        {message.internal && <span class="note-label">Internal note · only agents see this</span>}
        {message.body && <p class="text">{linkify(message.body)}</p>}
        <MessageFiles message={message} />
      </div>
      <div class="bubble-meta">
        {message.author === 'agent' && message.agent ? `${message.agent.name} · ` : ''}
        {formatMessageTime(message.createdAt, now.value)}
        {seen && ' · Seen'}
        {message.author === 'agent' && !message.internal && <EmailStatus message={message} />}
      </div>
    </div>
  );
}

function PendingItem({ item, onRetry, onDiscard }: { item: PendingReply; onRetry: () => void; onDiscard: () => void }) {
  return (
    <div class={`bubble-row ours pending ${item.payload.internal ? 'note' : ''} ${item.state}`} data-client-id={item.id}>
      <div class="bubble">
        {item.payload.internal && <span class="note-label">Internal note · only agents see this</span>}
        {item.payload.body && <p class="text">{item.payload.body}</p>}
        {item.payload.attachmentIds?.length ? <p class="text small">+ {item.payload.attachmentIds.length} {item.payload.attachmentIds.length === 1 ? 'file' : 'files'}</p> : null}
      </div>
      <div class="bubble-meta">
        {item.state === 'pending'
          ? (browserOnline.value ? 'Sending…' : 'Waiting for the network — sends when you’re back')
          : (
            <>
              <span class="failed-text">Not sent.</span>{' '}
              <button type="button" class="link" onClick={onRetry}>Retry</button>{' '}
              <button type="button" class="link" onClick={onDiscard}>Discard</button>
            </>
          )}
      </div>
    </div>
  );
}
