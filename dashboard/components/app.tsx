/**
 * The page frame: the redeem page for invitation links, the login form, or the top bar over the
 * section in the address bar. Sections are a list; owner-only ones are not even linked for agents.
 */
import type { ComponentType } from 'preact';
import { HeldEmailPage } from '../held/held-page.tsx';
import { heldCount } from '../held/held-state.ts';
import { SettingsSection } from '../settings/settings-section.tsx';
import { ReportsSection } from '../reports/reports-section.tsx';
import { route, type Route } from '../state/route.ts';
import { needsName, phase, user } from '../state/session.ts';
import { AccountPage } from './account-page.tsx';
import { Inbox } from './inbox.tsx';
import { LoginPage } from './login-page.tsx';
import { RedeemPage } from './redeem-page.tsx';
import { ShortcutsDialog } from './shortcuts-dialog.tsx';
import { Toast } from './toast.tsx';
import { TopBar } from './top-bar.tsx';
import { WelcomePage } from './welcome-page.tsx';

export interface Section {
  id: 'inbox' | 'settings' | 'account' | 'held' | 'reports';
  label: string;
  component: ComponentType;
  /** Where its link goes. */
  home: Route;
  /** Shown only to owners (the API answers agents 403 anyway). */
  ownerOnly?: boolean;
  /** A count beside its link (0: none). */
  count?: () => number;
  /** Linked only while this holds (or while it is open). */
  shown?: () => boolean;
}

export const SECTIONS: Section[] = [
  { id: 'inbox', label: 'Inbox', component: Inbox, home: { section: 'inbox', conversationId: null } },
  // Issue 12: only while some email waits for review (or the page is open), with how many.
  { id: 'held', label: 'Held email', component: HeldEmailPage, home: { section: 'held' }, count: () => heldCount.value, shown: () => heldCount.value > 0 },
  { id: 'reports', label: 'Reports', component: ReportsSection, home: { section: 'reports' }, ownerOnly: true },
  { id: 'settings', label: 'Settings', component: SettingsSection, home: { section: 'settings', page: 'install' }, ownerOnly: true },
  { id: 'account', label: 'Account', component: AccountPage, home: { section: 'account' } },
];

export function App() {
  if (route.value.section === 'redeem' && phase.value !== 'loading') return <RedeemPage />;
  if (phase.value === 'loading') {
    return <div class="splash" role="status">Loading Parley…</div>;
  }
  if (phase.value === 'login') return <LoginPage />;
  if (needsName.value) return <WelcomePage />;
  const wanted = route.value.section;
  const sections = SECTIONS.filter((section) => (!section.ownerOnly || user.value?.role === 'owner') && (section.id === wanted || (section.shown?.() ?? true)));
  const current = sections.find((section) => section.id === wanted) ?? sections[0]!;
  const Current = current.component;
  return (
    <div class="shell">
      <TopBar sections={sections} current={current.id} />
      <Current />
      <ShortcutsDialog />
      <Toast />
    </div>
  );
}
