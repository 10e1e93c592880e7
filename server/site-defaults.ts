/** What a new site starts with; the owner changes any of it in the dashboard. */
import type { WidgetConfig } from '../protocol/protocol.ts';

export function defaultWidgetConfig(teamName: string): Omit<WidgetConfig, 'siteId'> {
  return {
    teamName,
    avatarUrl: null,
    greeting: 'Hi there! Ask us anything — we are happy to help.',
    awayMessage: 'We are away right now. Leave your email and we will get back to you.',
    color: '#4f46e5',
    position: 'right',
    launcherLabel: 'Chat with us',
    theme: 'auto',
    locale: null,
    preChat: { name: 'off', email: 'off' },
    whenAway: 'email',
    businessHours: null,
    requireVerifiedIdentity: false,
  };
}
