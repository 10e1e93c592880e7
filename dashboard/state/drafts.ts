/**
 * Unsent composer text per conversation, kept in localStorage so that neither a session expiry
 * nor a reload loses what the agent was typing.
 */
import { signal } from '@preact/signals';

const KEY = 'parley.drafts';

export const drafts = signal<Record<string, string>>({});
let storage: Pick<Storage, 'getItem' | 'setItem'> | null = null;

export function loadDrafts(from: Pick<Storage, 'getItem' | 'setItem'> | null): void {
  storage = from;
  try {
    drafts.value = JSON.parse(storage?.getItem(KEY) ?? '{}') ?? {};
  } catch {
    drafts.value = {};
  }
}

export function setDraft(conversationId: string, text: string): void {
  const next = { ...drafts.value };
  if (text) next[conversationId] = text;
  else delete next[conversationId];
  drafts.value = next;
  try { storage?.setItem(KEY, JSON.stringify(next)); } catch { /* private mode or full: memory still has it */ }
}
