/**
 * Applies the colour theme to the page: `data-theme="light|dark"` on <html>, from the agent's
 * choice (kept in localStorage per browser) or, by default, the system's preference, followed live
 * as it changes. The dark palette is theme-dark.css (imported by main.tsx after styles.css, so
 * its rules win over the light ones they restyle).
 */
import { effect } from '@preact/signals';
import { systemThemeChanged, theme, themeChoice, themeChosen, type ThemeChoice } from './state/theme.ts';

const KEY = 'parley:theme';
const CHOICES: ThemeChoice[] = ['system', 'light', 'dark'];

export function installTheme(target: Window): () => void {
  let stored: string | null = null;
  try { stored = target.localStorage.getItem(KEY); } catch { /* storage blocked: follow the system */ }
  if (CHOICES.includes(stored as ThemeChoice)) themeChosen(stored as ThemeChoice);
  const query = target.matchMedia('(prefers-color-scheme: dark)');
  systemThemeChanged(query.matches);
  const onChange = (event: MediaQueryListEvent) => systemThemeChanged(event.matches);
  query.addEventListener('change', onChange);
  const stopApplying = effect(() => {
    const root = target.document.documentElement;
    root.dataset.theme = theme.value;
    // Form controls and scrollbars follow too.
    root.style.colorScheme = theme.value;
  });
  const stopKeeping = effect(() => {
    const choice = themeChoice.value;
    try {
      if (choice === 'system') target.localStorage.removeItem(KEY);
      else target.localStorage.setItem(KEY, choice);
    } catch { /* not kept: the choice holds for this page */ }
  });
  return () => {
    query.removeEventListener('change', onChange);
    stopApplying();
    stopKeeping();
  };
}
