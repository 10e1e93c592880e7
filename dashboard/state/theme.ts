/**
 * The dashboard's colour theme: what the agent chose on the Account page (kept per browser), and
 * the system's preference that "system" follows. dashboard/theme.ts applies it to the page.
 */
import { computed, signal } from '@preact/signals';

export type ThemeChoice = 'system' | 'light' | 'dark';

export const themeChoice = signal<ThemeChoice>('system');
export const systemPrefersDark = signal(false);
export const theme = computed<'light' | 'dark'>(() =>
  themeChoice.value === 'system' ? (systemPrefersDark.value ? 'dark' : 'light') : themeChoice.value);

export function themeChosen(choice: ThemeChoice): void {
  themeChoice.value = choice;
}

export function systemThemeChanged(dark: boolean): void {
  systemPrefersDark.value = dark;
}
