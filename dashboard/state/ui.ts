/** Transient UI state: the shortcuts dialog, the details drawer on narrow screens, and one toast. */
import { signal } from '@preact/signals';

export const shortcutsOpen = signal(false);
export const detailsOpen = signal(false);
export const toast = signal<{ text: string; tone: 'info' | 'error' } | null>(null);

export function showShortcuts(open: boolean): void {
  shortcutsOpen.value = open;
}
export function toggleDetails(): void {
  detailsOpen.value = !detailsOpen.value;
}
export function showToast(text: string, tone: 'info' | 'error' = 'info'): void {
  toast.value = { text, tone };
}
export function dismissToast(): void {
  toast.value = null;
}

/** Whether the agent can see this tab (read receipts and notifications depend on it). */
export const pageVisible = signal(true);
export function pageVisibilityChanged(visible: boolean): void {
  pageVisible.value = visible;
}
