/**
 * Settings for owners: the site switcher (with "New site"), the list of pages, and the page in the
 * address bar. Loads sites and users when first shown; an agent who gets here anyway (say, demoted
 * while the page was open) is told plainly instead of seeing broken forms.
 */
import { useEffect } from 'preact/hooks';
import { useController } from '../controller-context.ts';
import { route, routePath, SETTINGS_PAGES, type SettingsPage } from '../state/route.ts';
import { loadError, loadState, selected } from '../state/sites.ts';
import { AgentsPage } from './agents-page.tsx';
import { AppearancePage } from './appearance-page.tsx';
import { AssignmentPage } from './assignment-page.tsx';
import { AttachmentsPage } from './attachments-page.tsx';
import { AvailabilityPage } from './availability-page.tsx';
import { CannedPage } from './canned-page.tsx';
import { ApiTokensPage } from './api-tokens-page.tsx';
import { DataPage } from './data-page.tsx';
import { EmailPage } from '../email/email-page.tsx';
import { WebhooksPage } from '../webhooks/webhooks-page.tsx';
import { IdentityPage } from './identity-page.tsx';
import { InstallPage } from './install-page.tsx';
import { LabelsPage } from './labels-page.tsx';
import { OriginsPage } from './origins-page.tsx';
import { PreChatPage } from './pre-chat-page.tsx';
import { SiteSwitcher } from './site-switcher.tsx';
import { TeamsPage } from './teams-page.tsx';
import { SatisfactionPage } from '../ratings/satisfaction-page.tsx';
import type { AdminSite } from '../../protocol/protocol.ts';
import type { ComponentType } from 'preact';

const PAGES: Record<SettingsPage, ComponentType<{ site: AdminSite }>> = {
  install: InstallPage,
  origins: OriginsPage,
  appearance: AppearancePage,
  availability: AvailabilityPage,
  'pre-chat': PreChatPage,
  files: AttachmentsPage,
  satisfaction: SatisfactionPage,
  identity: IdentityPage,
  agents: AgentsPage,
  assignment: AssignmentPage,
  teams: TeamsPage,
  canned: CannedPage,
  email: EmailPage,
  webhooks: WebhooksPage,
  labels: LabelsPage,
  'api-tokens': ApiTokensPage,
  data: DataPage,
};

export function SettingsSection() {
  const controller = useController();
  useEffect(() => {
    if (loadState.value === 'idle') void controller.settings.load();
  }, []);
  const page = route.value.section === 'settings' ? route.value.page : 'install';
  const state = loadState.value;
  if (state === 'forbidden' || state === 'failed') {
    return (
      <main class="page">
        <div class="page-body narrow">
          <h1>Settings</h1>
          <p class="card notice-card" role="alert">{loadError.value}</p>
          {state === 'failed' && <button type="button" class="secondary" onClick={() => void controller.settings.load()}>Try again</button>}
        </div>
      </main>
    );
  }
  const site = selected.value;
  const Page = PAGES[page];
  return (
    <main class="settings">
      <nav class="settings-nav" aria-label="Settings pages">
        <SiteSwitcher />
        <ul>
          {SETTINGS_PAGES.map((item) => (
            <li key={item.id}>
              <a
                href={routePath({ section: 'settings', page: item.id })}
                aria-current={item.id === page ? 'page' : undefined}
                onClick={(event) => {
                  if (event.ctrlKey || event.metaKey || event.shiftKey) return;
                  event.preventDefault();
                  controller.go({ section: 'settings', page: item.id });
                }}
              >
                {item.label}
              </a>
            </li>
          ))}
        </ul>
      </nav>
      <div class="settings-body">
        {state !== 'ready' ? <p class="muted" role="status">Loading settings…</p>
          : !site ? <p class="muted">No site yet: create one with “New site”.</p>
          : <Page key={`${site.id}-${page}`} site={site} />}
      </div>
    </main>
  );
}
