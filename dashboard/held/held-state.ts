/**
 * Email replies held for review (issue 12), as the dashboard knows them: loaded with the session,
 * kept current by the stream's email.held / email.released events. Changed only through the
 * actions below; the navigation's count and the review page read it.
 */
import { computed, signal } from '@preact/signals';
import type { Conversation, HeldEmail } from '../../protocol/protocol.ts';

/** A held email with the conversation it claims, when the dashboard knows it. */
export type HeldItem = HeldEmail & { conversation: Conversation | null };

export const heldEmails = signal<HeldItem[]>([]);
export const heldCount = computed(() => heldEmails.value.length);
/** Ids an agent of this tab is accepting or discarding, so their buttons wait. */
export const heldBusy = signal<ReadonlySet<string>>(new Set());

const newestFirst = (items: HeldItem[]) => [...items].sort((a, b) => b.receivedAt - a.receivedAt);

export function heldLoaded(items: HeldItem[]): void {
  heldEmails.value = newestFirst(items);
}

/** From the stream: one more, unless the list already has it (a load that raced the event). */
export function heldArrived(email: HeldEmail, conversation: Conversation | null): void {
  if (heldEmails.value.some((item) => item.id === email.id)) return;
  heldEmails.value = newestFirst([...heldEmails.value, { ...email, conversation }]);
}

/** Accepted or discarded, here or by anyone else. */
export function heldReleased(id: string): void {
  if (heldEmails.value.some((item) => item.id === id)) heldEmails.value = heldEmails.value.filter((item) => item.id !== id);
}

export function heldBusyChanged(id: string, busy: boolean): void {
  const next = new Set(heldBusy.value);
  if (busy) next.add(id);
  else next.delete(id);
  heldBusy.value = next;
}

export function heldReset(): void {
  heldEmails.value = [];
  heldBusy.value = new Set();
}
