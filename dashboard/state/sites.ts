/**
 * The owner's view of sites for Settings: every site with its snippet, which one is being edited,
 * and a secret shown once after creating a site or rotating its secret (never kept elsewhere).
 */
import { computed, signal } from '@preact/signals';
import type { AdminSite } from '../../protocol/protocol.ts';

export const sites = signal<AdminSite[]>([]);
export const selectedId = signal<string | null>(null);
/** 'forbidden' when the server says this user may not see settings (an agent, or demoted meanwhile). */
export const loadState = signal<'idle' | 'loading' | 'ready' | 'forbidden' | 'failed'>('idle');
export const loadError = signal<string | null>(null);
export const shownSecret = signal<{ siteId: string; secret: string; why: 'created' | 'rotated' } | null>(null);

export const selected = computed(() => sites.value.find((s) => s.id === selectedId.value) ?? sites.value[0] ?? null);

export function loading(): void {
  loadState.value = 'loading';
  loadError.value = null;
}

export function loaded(list: AdminSite[]): void {
  sites.value = list;
  if (!list.some((s) => s.id === selectedId.value)) selectedId.value = list[0]?.id ?? null;
  loadState.value = 'ready';
}

export function loadFailed(state: 'forbidden' | 'failed', message: string): void {
  loadState.value = state;
  loadError.value = message;
}

export function select(siteId: string): void {
  selectedId.value = siteId;
  shownSecret.value = null;
}

export function siteChanged(site: AdminSite): void {
  const known = sites.value.some((s) => s.id === site.id);
  sites.value = known ? sites.value.map((s) => (s.id === site.id ? site : s)) : [...sites.value, site];
}

export function secretShown(value: { siteId: string; secret: string; why: 'created' | 'rotated' } | null): void {
  shownSecret.value = value;
}

/** Signed out: the next user may not be an owner. */
export function reset(): void {
  sites.value = [];
  selectedId.value = null;
  loadState.value = 'idle';
  loadError.value = null;
  shownSecret.value = null;
}
