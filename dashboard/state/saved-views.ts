/** The signed-in agent's saved views (issue 14): queue filters kept under a name, their own only. */
import { computed, signal } from '@preact/signals';
import type { SavedView } from '../../protocol/protocol.ts';
import { labelFilter } from './labels.ts';
import { query, shownView } from './queue.ts';

export const views = signal<SavedView[]>([]);
/** The view last opened or saved. */
export const activeViewId = signal<string | null>(null);

/** That view, while the queue still shows exactly its filter (a tab, label or search changed since: none). */
export const activeView = computed(() => {
  const chosen = views.value.find((v) => v.id === activeViewId.value);
  if (!chosen) return null;
  const { filter } = chosen;
  return filter.view === shownView.value && filter.labelId === labelFilter.value && filter.q === query.value.trim() ? chosen : null;
});

const byName = (a: SavedView, b: SavedView) => a.name.localeCompare(b.name, undefined, { sensitivity: 'base' });

export function viewsLoaded(list: SavedView[]): void {
  views.value = [...list].sort(byName);
  if (activeViewId.value && !list.some((view) => view.id === activeViewId.value)) activeViewId.value = null;
}

export function viewSaved(view: SavedView): void {
  viewsLoaded([...views.value.filter((v) => v.id !== view.id), view]);
  activeViewId.value = view.id;
}

export function viewDeleted(viewId: string): void {
  viewsLoaded(views.value.filter((view) => view.id !== viewId));
}

export function viewActive(viewId: string | null): void {
  activeViewId.value = viewId;
}
