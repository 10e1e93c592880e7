/**
 * The open conversation's visitor across visits (issue 14): their pages, and which of their
 * conversations are expanded in the visitor panel with the messages read for it. The conversations
 * themselves live in queue.ts like every other, so events keep this list live too.
 */
import { computed, signal } from '@preact/signals';
import type { Message, VisitorPage } from '../../protocol/protocol.ts';
import { visitor } from './conversation.ts';
import { conversations } from './queue.ts';

/** Whose pages these are: a profile answer for another visitor than the one on screen is ignored. */
export const profileOf = signal<string | null>(null);
export const pages = signal<VisitorPage[]>([]);
export const profileState = signal<'idle' | 'loading' | 'ready' | 'failed'>('idle');
/** Bumped when the visitor's history changed under us (a merge): the panel loads it again. */
export const profileVersion = signal(0);
/** Past conversations opened inline: their messages, or null while loading. */
export const expanded = signal<ReadonlyMap<string, Message[] | null>>(new Map());

/** Every conversation of the visitor on screen, newest first. */
export const visitorConversations = computed(() => {
  const id = visitor.value?.id;
  if (!id) return [];
  return [...conversations.value.values()].filter((c) => c.visitorId === id).sort((a, b) => b.createdAt - a.createdAt);
});

export function profileLoading(visitorId: string): void {
  if (profileOf.value !== visitorId) {
    pages.value = [];
    expanded.value = new Map();
  }
  profileOf.value = visitorId;
  profileState.value = 'loading';
}

export function profileLoaded(visitorId: string, list: VisitorPage[]): void {
  if (profileOf.value !== visitorId) return;
  pages.value = list;
  profileState.value = 'ready';
}

export function profileFailed(visitorId: string): void {
  if (profileOf.value === visitorId) profileState.value = 'failed';
}

export function profileStale(): void {
  profileVersion.value += 1;
}

export function expandedChanged(conversationId: string, messages: Message[] | null | undefined): void {
  const next = new Map(expanded.value);
  if (messages === undefined) next.delete(conversationId);
  else next.set(conversationId, messages);
  expanded.value = next;
}

/** A live message of an expanded past conversation joins it. */
export function messageArrived(message: Message): void {
  const list = expanded.value.get(message.conversationId);
  if (!list || list.some((m) => m.id === message.id)) return;
  expandedChanged(message.conversationId, [...list, message].sort((a, b) => a.seq - b.seq));
}
