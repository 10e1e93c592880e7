/**
 * Where the dashboard is: the inbox (optionally a conversation), a settings page, the account
 * page, or the redeem page of an invitation or reset link. Mirrors the address bar, so reloads
 * and the back button land on the same screen; main.tsx does the history calls.
 */
import { signal } from '@preact/signals';
import { REDEEM_PAGE } from '../../protocol/protocol.ts';

export const SETTINGS_PAGES = [
  { id: 'install', label: 'Install' },
  { id: 'origins', label: 'Allowed origins' },
  { id: 'appearance', label: 'Appearance' },
  { id: 'availability', label: 'Availability' },
  { id: 'pre-chat', label: 'Pre-chat form' },
  { id: 'files', label: 'Files' },
  { id: 'satisfaction', label: 'Satisfaction' },
  { id: 'identity', label: 'Identity verification' },
  { id: 'agents', label: 'Agents' },
  { id: 'assignment', label: 'Assignment' },
  { id: 'teams', label: 'Teams' },
  { id: 'canned', label: 'Canned responses' },
  { id: 'email', label: 'Email' },
  { id: 'webhooks', label: 'Webhooks' },
  { id: 'labels', label: 'Labels' },
  { id: 'api-tokens', label: 'API tokens' },
  { id: 'data', label: 'Data' },
] as const;
export type SettingsPage = (typeof SETTINGS_PAGES)[number]['id'];

export type Route =
  | { section: 'inbox'; conversationId: string | null }
  | { section: 'settings'; page: SettingsPage }
  | { section: 'account' }
  /** Email replies held for review (issue 12). */
  | { section: 'held' }
  /** How the team is doing (issue 15), for owners. */
  | { section: 'reports' }
  | { section: 'redeem' };

const BASE = '/app/';

export function parseRoute(pathname: string): Route {
  if (pathname === REDEEM_PAGE || pathname === `${REDEEM_PAGE}/`) return { section: 'redeem' };
  const conversation = /^\/app\/c\/([^/]+)/.exec(pathname);
  if (conversation) return { section: 'inbox', conversationId: decodeURIComponent(conversation[1]!) };
  const settings = /^\/app\/settings(?:\/([\w-]+))?\/?$/.exec(pathname);
  if (settings) {
    const page = SETTINGS_PAGES.find((p) => p.id === settings[1])?.id ?? 'install';
    return { section: 'settings', page };
  }
  if (/^\/app\/account\/?$/.test(pathname)) return { section: 'account' };
  if (/^\/app\/held\/?$/.test(pathname)) return { section: 'held' };
  if (/^\/app\/reports\/?$/.test(pathname)) return { section: 'reports' };
  return { section: 'inbox', conversationId: null };
}

export function routePath(next: Route): string {
  switch (next.section) {
    case 'inbox': return next.conversationId ? `${BASE}c/${encodeURIComponent(next.conversationId)}` : BASE;
    case 'settings': return `${BASE}settings/${next.page}`;
    case 'account': return `${BASE}account`;
    case 'held': return `${BASE}held`;
    case 'reports': return `${BASE}reports`;
    case 'redeem': return REDEEM_PAGE;
  }
}

export const route = signal<Route>({ section: 'inbox', conversationId: null });

export function routeChanged(next: Route): void {
  route.value = next;
}
