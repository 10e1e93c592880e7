/**
 * Labels (issue 14): every label of the agent's sites, which conversations carry which, and the
 * label the queue is filtered by. Changed only through the actions below: REST loads, and the
 * `labels` and `conversation.labels` events (live/apply-event.ts).
 */
import { computed, signal } from '@preact/signals';
import type { ConversationLabels, Label } from '../../protocol/protocol.ts';

export const labels = signal<ReadonlyMap<string, Label>>(new Map());
/** Conversation id → its label ids; a conversation absent here has none (as far as we know). */
export const conversationLabels = signal<ReadonlyMap<string, readonly string[]>>(new Map());
/** The queue shows only conversations with this label; null for all. */
export const labelFilter = signal<string | null>(null);

const byName = (a: Label, b: Label) => a.name.localeCompare(b.name, undefined, { sensitivity: 'base' });

/** A site's labels by name, for pickers and settings. */
export const labelsBySite = computed(() => {
  const sites = new Map<string, Label[]>();
  for (const label of labels.value.values()) {
    const list = sites.get(label.siteId);
    if (list) list.push(label);
    else sites.set(label.siteId, [label]);
  }
  for (const list of sites.values()) list.sort(byName);
  return sites;
});

/** The labels of a conversation that still exist, by name. */
export function labelsOf(conversationId: string): Label[] {
  const ids = conversationLabels.value.get(conversationId) ?? [];
  return ids.map((id) => labels.value.get(id)).filter((label): label is Label => !!label).sort(byName);
}

export function hasLabel(conversationId: string, labelId: string): boolean {
  return (conversationLabels.value.get(conversationId) ?? []).includes(labelId);
}

export function labelsLoaded(list: Label[]): void {
  labels.value = new Map(list.map((label) => [label.id, label]));
  if (labelFilter.value && !labels.value.has(labelFilter.value)) labelFilter.value = null;
}

/** A `labels` event: the site's whole list after an owner's change. */
export function siteLabelsChanged(siteId: string, list: Label[]): void {
  const next = new Map([...labels.value].filter(([, label]) => label.siteId !== siteId));
  for (const label of list) next.set(label.id, label);
  labels.value = next;
  // A deleted label is filtered by no longer.
  if (labelFilter.value && !next.has(labelFilter.value)) labelFilter.value = null;
}

export function conversationLabelsChanged(conversationId: string, labelIds: readonly string[]): void {
  const next = new Map(conversationLabels.value);
  next.set(conversationId, labelIds);
  conversationLabels.value = next;
}

/** A list answer: its conversations have exactly the labels it names (none when it names none). */
export function conversationLabelsListed(conversationIds: string[], map: ConversationLabels): void {
  const next = new Map(conversationLabels.value);
  for (const id of conversationIds) next.set(id, map[id] ?? []);
  conversationLabels.value = next;
}

export function labelFilterChanged(labelId: string | null): void {
  labelFilter.value = labelId;
}

/** Signed out: the next user may work on other sites. */
export function reset(): void {
  labels.value = new Map();
  conversationLabels.value = new Map();
  labelFilter.value = null;
}
