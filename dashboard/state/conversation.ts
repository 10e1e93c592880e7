/**
 * The conversation open on screen: its messages in seq order (deduplicated by id, so a replay
 * after reconnecting never shows a message twice), the visitor, and what the visitor is doing.
 * Status and assignee live in queue.ts, the one place conversations are kept.
 */
import { computed, signal } from '@preact/signals';
import type { ConversationDetail, Message, Visitor } from '../../protocol/protocol.ts';
import { conversations } from './queue.ts';

export const openId = signal<string | null>(null);
export const visitor = signal<Visitor | null>(null);
export const visitorOnline = signal(false);
export const messages = signal<Message[]>([]);
export const loadingMessages = signal(false);
/** The visitor is typing until this time (typing events expire on their own, see LIMITS.typingTtlMs). */
export const visitorTypingUntil = signal(0);
/** Why the last action on this conversation did not happen ("Alice has already taken…"). */
export const actionError = signal<string | null>(null);

export const current = computed(() => (openId.value ? conversations.value.get(openId.value) ?? null : null));

export function opened(id: string | null): void {
  if (openId.value === id) return;
  openId.value = id;
  visitor.value = null;
  visitorOnline.value = false;
  messages.value = [];
  visitorTypingUntil.value = 0;
  actionError.value = null;
}

export function detailLoaded(detail: ConversationDetail): void {
  if (detail.conversation.id !== openId.value) return;
  visitor.value = detail.visitor;
  visitorOnline.value = detail.visitorOnline;
}

export function messagesLoaded(conversationId: string, list: Message[]): void {
  if (conversationId !== openId.value || list.length === 0) return;
  const bySeq = new Map(messages.value.map((message) => [message.seq, message]));
  for (const message of list) bySeq.set(message.seq, message);
  messages.value = [...bySeq.values()].sort((a, b) => a.seq - b.seq);
}

export function messageArrived(message: Message): void {
  if (message.conversationId !== openId.value) return;
  messagesLoaded(message.conversationId, [message]);
  if (message.author === 'visitor') visitorTypingUntil.value = 0;
}

export function loadingChanged(value: boolean): void {
  loadingMessages.value = value;
}

export function visitorTyping(conversationId: string, typing: boolean, until: number): void {
  if (conversationId !== openId.value) return;
  visitorTypingUntil.value = typing ? until : 0;
}

export function visitorPresence(visitorId: string, online: boolean): void {
  if (visitor.value?.id === visitorId) visitorOnline.value = online;
}

export function visitorUpdated(next: Visitor): void {
  if (visitor.value?.id === next.id) visitor.value = next;
}

/** The visitor on screen was merged into another, or another into them (issue 14): show the one that stays. */
export function visitorMerged(from: string, into: Visitor): void {
  if (visitor.value?.id === from || visitor.value?.id === into.id) visitor.value = into;
}

export function actionFailed(text: string | null): void {
  actionError.value = text;
}
