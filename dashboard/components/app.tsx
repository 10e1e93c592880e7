/**
 * The page frame: the login form, or the top bar over the section the agent is in. Sections are a
 * list so the owner's Settings (issue 5) can be added beside the inbox without touching the rest.
 */
import type { ComponentType } from 'preact';
import { phase, user } from '../state/session.ts';
import { Inbox } from './inbox.tsx';
import { LoginPage } from './login-page.tsx';
import { ShortcutsDialog } from './shortcuts-dialog.tsx';
import { Toast } from './toast.tsx';
import { TopBar } from './top-bar.tsx';

export interface Section {
  id: string;
  label: string;
  component: ComponentType;
  /** Shown only to owners (issue 5's settings pages). */
  ownerOnly?: boolean;
}

export const SECTIONS: Section[] = [
  { id: 'inbox', label: 'Inbox', component: Inbox },
];

export function App() {
  if (phase.value === 'loading') {
    return <div class="splash" role="status">Loading Parley…</div>;
  }
  if (phase.value === 'login') return <LoginPage />;
  const sections = SECTIONS.filter((section) => !section.ownerOnly || user.value?.role === 'owner');
  const Current = sections[0]!.component;
  return (
    <div class="shell">
      <TopBar sections={sections} current={sections[0]!.id} />
      <Current />
      <ShortcutsDialog />
      <Toast />
    </div>
  );
}
