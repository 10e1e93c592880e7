/**
 * Canned responses: the ones this agent may insert with `/` in the composer (all their sites),
 * and, for owners in Settings, each site's list as it is being edited.
 */
import { signal } from '@preact/signals';
import type { CannedResponse } from '../../protocol/protocol.ts';

export const available = signal<CannedResponse[]>([]);
export const bySite = signal<ReadonlyMap<string, CannedResponse[]>>(new Map());

export function availableLoaded(list: CannedResponse[]): void {
  available.value = [...list].sort((a, b) => a.shortcut.localeCompare(b.shortcut));
}

export function siteLoaded(siteId: string, list: CannedResponse[]): void {
  const next = new Map(bySite.value);
  next.set(siteId, [...list].sort((a, b) => a.shortcut.localeCompare(b.shortcut)));
  bySite.value = next;
}

/** The responses whose shortcut starts with what was typed after `/`, then those that contain it. */
export function matching(list: CannedResponse[], typed: string): CannedResponse[] {
  const q = typed.toLowerCase();
  const starts = list.filter((c) => c.shortcut.startsWith(q));
  const contains = list.filter((c) => !c.shortcut.startsWith(q) && (c.shortcut.includes(q) || c.body.toLowerCase().includes(q)));
  return [...starts, ...contains];
}
